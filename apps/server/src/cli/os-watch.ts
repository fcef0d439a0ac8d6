// `hearth watch --os-cloud NAME STACK`: follows a stack on a real OpenStack
// Heat (one made by Hearth, the openstack CLI or Horizon) from the command
// line, its nested stacks' resources included, as `deploy --watch` follows
// one on a Hearth server: the same lines, the same JSON, the same exit codes.
import { parseArgs } from 'node:util';
import { CloudConfigError, HeatApiError, HeatClient, HeatWatcher, KeystoneError, KeystoneSession, loadCloud } from '@hearth/openstack';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';

export const WATCH_USAGE = `Usage: hearth watch --os-cloud NAME [--follow] [--format json] STACK

Follows stack STACK (name or id) on the OpenStack cloud NAME (clouds.yaml,
secure.yaml and OS_* as the openstack CLI reads them; OS_CLOUD or the OS_*
variables alone when --os-cloud is not given): every event of it and of its
nested stacks, until no operation is in progress (with --follow, until
interrupted). Exit 0 when the stack ends in a COMPLETE state other than
ROLLBACK_COMPLETE, 1 otherwise.

  --os-cloud NAME   the cloud, from clouds.yaml
  --follow          keep watching after the operation ends (slowly while idle)
  --format json     one JSON object per event, then a summary`;

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export async function osWatchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'os-cloud': { type: 'string' },
      follow: { type: 'boolean', default: false },
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return (io.out(WATCH_USAGE), 0);
  if (positionals.length !== 1) throw new UsageError('name the stack to watch');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format is text or json');
  const json = values.format === 'json';
  let session: KeystoneSession;
  try {
    session = new KeystoneSession(loadCloud(values['os-cloud']));
  } catch (error) {
    if (error instanceof CloudConfigError) throw new UsageError(error.message);
    throw error;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  const started = Date.now();
  try {
    const client = new HeatClient(session);
    const stack = await client.get(positionals[0]!);
    const watcher = new HeatWatcher(client, stack);
    const counts = new Map<string, string>();
    const run = watcher.watch(controller.signal, values.follow);
    let final: { status: string; reason: string } | null;
    for (;;) {
      const step = await run.next();
      if (step.done) {
        final = step.value;
        break;
      }
      for (const e of step.value) {
        const elapsed = `${((Date.now() - started) / 1000).toFixed(1)}s`;
        const state = `${e.action}_${e.status}`;
        if (e.resource) counts.set(e.resource, state);
        // The fields of a Hearth event (deploy --watch), with Heat's event id.
        if (json)
          io.out(
            JSON.stringify({
              type: 'event',
              elapsed_s: (Date.now() - started) / 1000,
              id: e.id,
              stackId: stack.id,
              stackName: stack.stack_name,
              resourceName: e.resource,
              resourceType: e.resourceType,
              physicalId: e.physicalId,
              action: e.action,
              status: e.status,
              reason: e.reason,
              traversal: null,
              engineId: null,
              time: e.time,
            }),
          );
        else if (e.resource)
          io.out(`${pad(elapsed, 8)} ${pad(e.resource, 28)} ${pad(state, 20)} ${e.status === 'FAILED' ? e.reason : ''}`.trimEnd());
        else io.out(`${pad(elapsed, 8)} ${pad(`[stack ${stack.stack_name}]`, 28)} ${pad(state, 20)} ${e.reason}`);
      }
    }
    if (!final) return 130;
    const tally = new Map<string, number>();
    for (const s of counts.values()) tally.set(s, (tally.get(s) ?? 0) + 1);
    const ok = final.status.endsWith('_COMPLETE') && !final.status.startsWith('ROLLBACK');
    const elapsed = (Date.now() - started) / 1000;
    if (json)
      io.out(
        JSON.stringify({
          type: 'summary',
          stack: stack.stack_name,
          state: final.status,
          reason: final.reason,
          elapsed_s: elapsed,
          resources: Object.fromEntries(tally),
        }),
      );
    else {
      io.out('');
      io.out(
        `Stack ${stack.stack_name} ${final.status} in ${elapsed.toFixed(1)}s: ${[...tally].map(([s, n]) => `${n} ${s}`).join(', ') || 'no resources'}`,
      );
      if (!ok) io.out(final.reason);
    }
    return ok ? 0 : 1;
  } catch (error) {
    if (error instanceof HeatApiError || error instanceof KeystoneError) {
      io.err(`hearth: ${error instanceof HeatApiError ? `Heat ${error.status}` : 'Keystone'}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', stop);
    await session.close();
  }
}
