// `hearth worker`: an engine worker. Any number of them, on any machines
// that reach the database, share the stacks' resource actions.
import { parseArgs } from 'node:util';
import { startWorker, type QueueSettings } from '@hearth/cluster';
import { redact } from '@hearth/store';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';

export const WORKER_USAGE = `Usage: hearth worker [--database URL] [--concurrency N] [--signal-url URL] [--allow-local-scripts]

Runs stacks' resource actions, taken as jobs from the PostgreSQL database that
"hearth serve --database URL" uses. Start as many as you like, on any machine
that reaches the database; a worker that dies has its jobs taken over by the
others once they expire (HEARTH_JOB_EXPIRY_SECONDS, default 30). After a
resource fails, actions still running may go on for Heat's error_wait_time
(HEARTH_ERROR_WAIT_SECONDS, default 240) before they are aborted.

  --database URL          the PostgreSQL database (default: $DATABASE_URL)
  --concurrency N         jobs this worker runs at once (default 20)
  --signal-url URL        the API server's address, where wait condition handles
                          are signalled (default: $HEARTH_PUBLIC_URL or http://127.0.0.1:8080)
  --allow-local-scripts   let Hearth::Local::Script resources run commands on this machine`;

/** Queue timings from the environment (shorter in tests; the defaults suit production). */
export function queueSettingsFromEnv(): Partial<QueueSettings> {
  const settings: Partial<QueueSettings> = {};
  const expiry = Number(process.env.HEARTH_JOB_EXPIRY_SECONDS);
  const supervise = Number(process.env.HEARTH_JOB_SUPERVISE_SECONDS);
  if (expiry > 0) settings.expirySeconds = expiry;
  if (supervise > 0) settings.superviseSeconds = supervise;
  return settings;
}

/**
 * Heat's error_wait_time from $HEARTH_ERROR_WAIT_SECONDS: how long actions
 * still running after a resource failed may go on before they are aborted.
 */
export function errorWaitFromEnv(): { errorWaitSeconds?: number } {
  const raw = process.env.HEARTH_ERROR_WAIT_SECONDS;
  if (raw === undefined || raw === '') return {};
  const seconds = Number(raw);
  if (!(Number.isFinite(seconds) && seconds >= 0))
    throw new UsageError(`HEARTH_ERROR_WAIT_SECONDS needs a number of seconds (0 or more), not "${raw}"`);
  return { errorWaitSeconds: seconds };
}

export async function workerCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      database: { type: 'string' },
      concurrency: { type: 'string' },
      'signal-url': { type: 'string' },
      'allow-local-scripts': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return (io.out(WORKER_USAGE), 0);
  const databaseUrl = values.database ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new UsageError('a worker needs the database: give --database URL or set DATABASE_URL');
  const concurrency = Number(values.concurrency ?? 20);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency needs a whole number of at least 1, not "${values.concurrency}"`);
  const signalBaseUrl = values['signal-url'] ?? process.env.HEARTH_PUBLIC_URL;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker({
      databaseUrl,
      concurrency,
      queue: queueSettingsFromEnv(),
      ...errorWaitFromEnv(),
      allowLocalScripts: values['allow-local-scripts'] || process.env.HEARTH_ALLOW_LOCAL_SCRIPTS === '1',
      ...(signalBaseUrl ? { signalBaseUrl } : {}),
    });
  } catch (error) {
    io.err(`hearth worker: ${(error as Error).message}`);
    return 1;
  }
  io.out(`Hearth worker ${worker.engineId} is taking jobs from ${redact(databaseUrl)} (${concurrency} at once)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.out('Hearth worker is stopping: it finishes the steps it has begun.');
      void worker.stop().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
