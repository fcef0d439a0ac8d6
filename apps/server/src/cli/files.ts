// Reading the files a template refers to (nested templates, get_file,
// environments) from disk, relative to the file that refers to them.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileLoader } from '@hearth/template';

/** Files larger than this are not read (a template has no business with them). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export function diskPath(path: string, from: string | undefined, base: string): string | null {
  if (/^https?:\/\//i.test(path)) return null;
  const local = path.startsWith('file://') ? fileURLToPath(path) : path;
  return resolve(from ? dirname(resolve(base, from)) : base, local);
}

/** A loader for templates on disk; `base` is the directory relative names start from. */
export function diskLoader(base: string): FileLoader {
  return (path, from) => {
    const file = diskPath(path, from, base);
    if (file === null) return undefined;
    try {
      const stat = statSync(file);
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
}
