// `hearth export`: writes a design (or a stack's template) to files a user
// keeps in git: the template, its environment, the layout sidecar, the files.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { connect, describeError, SERVER_OPTIONS, SERVER_USAGE } from './remote.ts';

export const EXPORT_USAGE = `Usage: hearth export [--stack] [--out DIR] [--format json] NAME

Writes the design NAME (or, with --stack, the stack NAME) to DIR (default: .):
NAME.yaml (the template, byte for byte), NAME.env.yaml (its environment, if any),
NAME.layout.json (node positions: not part of HOT, kept beside it) and the files
the template refers to, at the paths it uses.

      --stack             export a stack rather than a design
  -o, --out DIR           where to write
${SERVER_USAGE}`;

/** A path inside `dir`, or null when `path` would escape it. */
function inside(dir: string, path: string): string | null {
  const target = resolve(dir, path);
  const rel = relative(dir, target);
  return rel === '' || rel.startsWith('..') || rel.startsWith(sep) || resolve(dir, rel) !== target ? null : target;
}

class ExportRefused extends Error {}

/** The first part of `target`'s path below `dir` that is a symbolic link, or null. */
function linkOnTheWay(dir: string, target: string): string | null {
  let path = dir;
  for (const part of relative(dir, target).split(sep)) {
    path = join(path, part);
    if (!existsSync(path) && !isLink(path)) return null;
    if (isLink(path)) return path;
  }
  return null;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Writes every file or none: each is first written into a staging folder
 * inside \`dir\` (or beside it, when \`dir\` is new), and only once all are
 * written are they moved into place. Nothing is written through a symbolic
 * link under \`dir\`: a file or folder there that is one refuses the export.
 */
function writeAll(dir: string, files: Array<[string, string]>): string[] {
  const targets = files.map(([path, text]) => {
    const target = inside(dir, path);
    if (!target) throw new ExportRefused(`the file "${path}" would be written outside ${dir}`);
    const link = linkOnTheWay(dir, target);
    if (link) throw new ExportRefused(`${link} is a symbolic link, and Hearth does not write through links`);
    return { path, target, text };
  });
  const fresh = !existsSync(dir);
  if (fresh) mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(join(fresh ? dirname(dir) : dir, `.${basename(dir)}.hearth-export-`));
  try {
    for (const { path, text } of targets) {
      const staged = join(staging, path);
      mkdirSync(dirname(staged), { recursive: true });
      writeFileSync(staged, text, { flag: 'wx' });
    }
    if (fresh) {
      renameSync(staging, dir);
    } else {
      for (const { path, target } of targets) {
        mkdirSync(dirname(target), { recursive: true });
        renameSync(join(staging, path), target);
      }
    }
  } catch (error) {
    throw new ExportRefused(`could not write the export: ${(error as Error).message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return targets.map(({ target }) => relative(process.cwd(), target) || target);
}

export async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: 'boolean', default: false },
      out: { type: 'string', short: 'o', default: '.' },
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
      ...SERVER_OPTIONS,
    },
  });
  if (values.help) return (io.out(EXPORT_USAGE), 0);
  if (positionals.length !== 1) throw new UsageError('name the design (or, with --stack, the stack) to export');
  const name = positionals[0]!;
  const client = connect(values);
  let source: { name: string; template: string; environment: string; files: Record<string, string>; layout: unknown };
  try {
    if (values.stack) {
      const s = await client.stacks.get.query({ stack: name });
      source = { name: s.name, template: s.template, environment: s.environment, files: s.files, layout: null };
    } else {
      const d = await client.designs.get.query({ design: name });
      source = { name: d.name, template: d.template, environment: d.environment, files: d.files, layout: d.layout };
    }
  } catch (error) {
    io.err(`hearth: ${describeError(error)}`);
    return 1;
  }
  const dir = resolve(values.out);
  const base = source.name.replace(/[^A-Za-z0-9_.-]+/g, '-');
  const files: Array<[string, string]> = [[`${base}.yaml`, source.template]];
  if (source.environment.trim()) files.push([`${base}.env.yaml`, source.environment]);
  if (source.layout && typeof source.layout === 'object' && Object.keys(source.layout).length)
    files.push([`${base}.layout.json`, `${JSON.stringify(source.layout, null, 2)}\n`]);
  files.push(...Object.entries(source.files));
  let written: string[];
  try {
    written = writeAll(dir, files);
  } catch (error) {
    if (error instanceof ExportRefused) {
      io.err(`hearth: ${error.message}; nothing was written.`);
      return 1;
    }
    throw error;
  }
  if (values.format === 'json') io.out(JSON.stringify({ exported: name, files: written }));
  else for (const w of written) io.out(w);
  return 0;
}
