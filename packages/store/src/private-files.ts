// The data directory holds secrets (the API token, wait condition handle
// tokens, hidden parameters): it is readable by its owner only, and so is
// every file in it that Hearth writes.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const HEARTH_FILES = new Set(['hearth.sqlite', 'hearth.sqlite-wal', 'hearth.sqlite-shm', 'api-token']);

/**
 * Makes `dir` (0700) or tightens it when it is Hearth's own (empty, or
 * holding Hearth's files). A directory that holds other things is left as it
 * is and named in the returned warning: changing the mode of, say, a home
 * directory is not Hearth's call.
 */
export function preparePrivateDir(dir: string): string | null {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // the mode given to mkdir is filtered by the umask
    return null;
  }
  if ((statSync(dir).mode & 0o077) === 0) return null;
  const entries = readdirSync(dir);
  if (entries.every((e) => HEARTH_FILES.has(e) || e.startsWith('hearth.sqlite'))) {
    chmodSync(dir, 0o700);
    return null;
  }
  return `The data directory ${dir} can be read by other users of this machine and holds files that are not Hearth's; its mode was left as it is. Give Hearth a directory of its own (--data).`;
}

/** Creates `file` empty and private (0600) when missing; makes an existing one private. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/** Writes a secret: to a private temporary file first, then renamed into place, so no reader ever sees it half written. */
export function writeSecretFile(file: string, content: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, content, { mode: 0o600, flag: 'w' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
