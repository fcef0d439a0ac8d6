// `hearth export`: writes a design (or a stack's template) to files a user
// keeps in git: the template, its environment, the layout sidecar, the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
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
  const written: string[] = [];
  const write = (path: string, text: string) => {
    const target = inside(dir, path);
    if (!target) throw new UsageError(`the file "${path}" would be written outside ${dir}; not exporting it`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(relative(process.cwd(), target) || target);
  };
  write(`${base}.yaml`, source.template);
  if (source.environment.trim()) write(`${base}.env.yaml`, source.environment);
  if (source.layout && typeof source.layout === 'object' && Object.keys(source.layout).length)
    write(`${base}.layout.json`, `${JSON.stringify(source.layout, null, 2)}\n`);
  for (const [path, text] of Object.entries(source.files)) write(path, text);
  if (values.format === 'json') io.out(JSON.stringify({ exported: name, files: written }));
  else for (const w of written) io.out(w);
  return 0;
}
