// `hearth engines`: what runs the server's stacks — the server itself, or the
// engine workers sharing its database that were seen lately.
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';
import { connect, format, guarded, SERVER_OPTIONS, SERVER_USAGE, type Client } from './remote.ts';

const NO_WORKER = 'No engine worker is running: deployments wait until one starts ("hearth worker").';

export const ENGINES_USAGE = `Usage: hearth engines [--format json]

Lists what runs the server's stacks: the server itself, or the engine workers
sharing its database that were seen in the last 15 seconds (host, process,
jobs running, since when). Exits with 1 when the server has workers and none
is running.
${SERVER_USAGE}`;

export async function enginesCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
      ...SERVER_OPTIONS,
    },
  });
  if (values.help) return (io.out(ENGINES_USAGE), 0);
  const json = format(values.format) === 'json';
  const client = connect(values);
  return guarded(io, async () => {
    const { mode, engines } = await client.engines.list.query();
    const none = mode === 'workers' && engines.length === 0;
    if (json) io.out(JSON.stringify({ mode, engines }));
    else if (mode === 'one process') io.out(`The server runs the stacks itself (${engines[0]?.id ?? 'engine'}, pid ${engines[0]?.pid}).`);
    else if (none) io.err(NO_WORKER);
    else {
      io.out('WORKER\tHOST\tPID\tJOBS\tSTARTED');
      for (const e of engines) io.out(`${e.id}\t${e.host}\t${e.pid}\t${e.running}/${e.concurrency}\t${e.startedAt}`);
    }
    return none ? 1 : 0;
  });
}

/** Says so when the server's stacks run on workers and none is running: the operation just started would wait. */
export async function warnWithoutWorkers(client: Client, io: CliIO): Promise<void> {
  const engines = await client.engines.list.query().catch(() => null);
  if (engines?.mode === 'workers' && engines.engines.length === 0) io.err(`hearth: ${NO_WORKER}`);
}
