// `hearth abandon` and `hearth adopt`: Heat's stack abandon (the stack is
// forgotten, its objects kept, and the data naming them printed or written)
// and adopt (a stack made from that data, taking the objects back).
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { connect, format, guarded, SERVER_OPTIONS, SERVER_USAGE } from './remote.ts';
import { finish } from './stacks.ts';

export const ABANDON_USAGE = `Usage: hearth abandon [--out FILE] NAME

Forgets stack NAME as Heat's stack abandon does: its records (and its nested
stacks') go, every object it made stays. Prints the abandon data (JSON), or
writes it to FILE (readable by you only: it holds the resources' attributes,
wait condition tokens among them); "hearth adopt" takes it back.
${SERVER_USAGE}`;

export const ADOPT_USAGE = `Usage: hearth adopt [--watch] [--format json] NAME FILE

Makes stack NAME from the abandon data in FILE (its template, files,
environment and parameters), each resource taking the object the data names
instead of making one (ADOPT_COMPLETE; a resource the data does not name
fails, and the stack rolls back).
${SERVER_USAGE}`;

export async function abandonCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h', default: false }, ...SERVER_OPTIONS },
  });
  if (values.help) return (io.out(ABANDON_USAGE), 0);
  if (positionals.length !== 1) throw new UsageError('name the stack to abandon');
  const client = connect(values);
  // The file is made (new, readable by its owner only) before the stack is abandoned: the data must not be lost.
  let fd: number | null = null;
  if (values.out) {
    try {
      fd = openSync(values.out, 'wx', 0o600);
    } catch (error) {
      throw new UsageError(`cannot write ${values.out} (it must not exist yet): ${(error as Error).message}`);
    }
  }
  return guarded(io, async () => {
    try {
      const data = await client.stacks.abandon.mutate({ stack: positionals[0]! });
      const text = JSON.stringify(data, null, 2);
      if (fd === null) return (io.out(text), 0);
      try {
        writeSync(fd, `${text}\n`);
      } catch (error) {
        io.err(`hearth: could not write ${values.out} (${(error as Error).message}); the abandon data follows.`);
        io.out(text);
        return 1;
      }
      io.out(`Stack ${positionals[0]} abandoned: its objects are kept; adopt them with "hearth adopt NAME ${values.out}".`);
      return 0;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  });
}

export async function adoptCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      watch: { type: 'boolean', short: 'w', default: false },
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
      ...SERVER_OPTIONS,
    },
  });
  if (values.help) return (io.out(ADOPT_USAGE), 0);
  if (positionals.length !== 2) throw new UsageError('give the new stack name and the abandon data file');
  const [name, file] = positionals as [string, string];
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${file} is not abandon data (JSON): ${(error as Error).message}`);
  }
  if (!data.template || typeof data.resources !== 'object')
    throw new UsageError(`${file} is not abandon data: it needs a template and resources`);
  const json = format(values.format) === 'json';
  const client = connect(values);
  return guarded(io, async () => {
    const stack = await client.stacks.create.mutate({
      name,
      // A template as Heat gives it is a mapping; JSON is YAML.
      template: typeof data.template === 'string' ? data.template : JSON.stringify(data.template),
      environment: typeof data.environment === 'string' ? data.environment : JSON.stringify(data.environment ?? {}),
      files: (data.files ?? {}) as Record<string, string>,
      parameters: (data.parameters ?? {}) as Record<string, never>,
      adoptData: { resources: data.resources as Record<string, never> },
    });
    return finish(client, io, name, null, 'ADOPT', values.watch, json, stack);
  });
}
