// `hearth serve`: the web app, the API and the signal endpoints in one process.
import { parseArgs } from 'node:util';
import { redact } from '@hearth/store';
import { startServer } from '../http/server.ts';
import { errorWaitFromEnv, queueSettingsFromEnv } from './worker.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';

export const SERVE_USAGE = `Usage: hearth serve [--host HOST] [--port PORT] [--data DIR] [--database URL]
                   [--public-url URL] [--allow-host NAME]... [--allow-local-scripts]

Serves Hearth: the designer, the API and the wait condition signal endpoints.

  --host HOST             address to listen on (default: $HOST or 127.0.0.1). Off
                          loopback every request needs the access token, which is
                          made on first start and kept in DIR/api-token; each start
                          prints a login link that works once
  --public-url URL        the address users and machines reach Hearth at, e.g. behind
                          a reverse proxy (default: $HEARTH_PUBLIC_URL): Hearth answers
                          to its name, pages from it may use the API, and wait
                          condition handles are signalled there
  --allow-host NAME       another name Hearth answers to (repeatable; also
                          $HEARTH_ALLOW_HOSTS, comma-separated). Requests naming any
                          other host are refused, against DNS rebinding
  --max-body-bytes N      largest request body (default: 16777216)
  --port PORT             port (default: $PORT or 8080; 0 picks a free one)
  --data DIR              where stacks, designs and events live (default:
                          $HEARTH_DATA or ./.hearth-data)
  --database URL          a PostgreSQL database shared with engine workers (default:
                          $DATABASE_URL; without one, the embedded SQLite store in DIR
                          and this process runs the stacks). With a database, start
                          one or more "hearth worker" processes to run them
  --allow-local-scripts   let Hearth::Local::Script resources run commands on this
                          machine (default: refused; also $HEARTH_ALLOW_LOCAL_SCRIPTS=1).
                          Every request then needs the access token, even on loopback

A template from a request is analysed in a worker thread that may take
10 s ($HEARTH_ANALYSIS_TIMEOUT_SECONDS) and 512 MB before it is stopped.
After a resource fails, actions still running may go on for Heat's
error_wait_time ($HEARTH_ERROR_WAIT_SECONDS, default 240) before they are
aborted; the stack is marked failed at once.`;

export async function serveCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      'public-url': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'max-body-bytes': { type: 'string' },
      'allow-local-scripts': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return (io.out(SERVE_USAGE), 0);
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port needs a port number, not "${values.port ?? process.env.PORT}"`);
  const publicUrl = values['public-url'] ?? (process.env.HEARTH_PUBLIC_URL || undefined);
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(publicUrl))
    throw new UsageError(`--public-url needs an http:// or https:// address, not "${publicUrl}"`);
  const allowHosts = [...(values['allow-host'] ?? []), ...(process.env.HEARTH_ALLOW_HOSTS ?? '').split(',')]
    .map((h) => h.trim())
    .filter(Boolean);
  const maxBodyBytes = values['max-body-bytes'] === undefined ? undefined : Number(values['max-body-bytes']);
  if (maxBodyBytes !== undefined && !(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0))
    throw new UsageError(`--max-body-bytes needs a positive number of bytes, not "${values['max-body-bytes']}"`);
  const analysisTimeout = Number(process.env.HEARTH_ANALYSIS_TIMEOUT_SECONDS ?? 0);
  const started = Date.now();
  const databaseUrl = values.database ?? process.env.DATABASE_URL;
  const host = values.host ?? process.env.HOST ?? '127.0.0.1';
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      host,
      port,
      dataDir: values.data ?? process.env.HEARTH_DATA ?? '.hearth-data',
      allowLocalScripts: values['allow-local-scripts'] || process.env.HEARTH_ALLOW_LOCAL_SCRIPTS === '1',
      allowHosts,
      ...(publicUrl ? { publicUrl } : {}),
      ...(maxBodyBytes ? { maxBodyBytes } : {}),
      ...(analysisTimeout > 0 ? { analysis: { timeoutMs: analysisTimeout * 1000 } } : {}),
      ...errorWaitFromEnv(),
      ...(databaseUrl ? { databaseUrl, queue: queueSettingsFromEnv() } : {}),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') io.err(`hearth serve: ${host}:${port} is already in use; choose another port with --port (or PORT).`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      io.err(`hearth serve: cannot listen on ${host}: no such address on this machine.`);
    else io.err(`hearth serve: ${(error as Error).message}`);
    return 1;
  }
  io.out(`Hearth is listening on ${server.url} (started in ${((Date.now() - started) / 1000).toFixed(1)}s)`);
  io.out(databaseUrl ? `Data: PostgreSQL at ${redact(databaseUrl)}; stacks run on "hearth worker" processes` : `Data: ${server.dataDir}`);
  io.out('OpenStack resources run on the simulated cloud: nothing is created in a real cloud.');
  if (server.examplesAdded.length) io.out(`Examples added to your designs: ${server.examplesAdded.join(', ')}`);
  if (server.recovered.length) io.out(`Stacks interrupted by the last stop, now marked failed: ${server.recovered.join(', ')}`);
  for (const warning of server.warnings) io.err(`hearth serve: ${warning}`);
  if (server.token) {
    io.out(
      server.tokenCreated
        ? `Access token (shown once; also in ${server.dataDir}/api-token): ${server.token}`
        : `Access token: in ${server.dataDir}/api-token (the command line takes --token or $HEARTH_TOKEN)`,
    );
    io.out(`Sign in a browser with this link (it works once): ${server.loginUrl}`);
  }
  if (values['allow-local-scripts'] || process.env.HEARTH_ALLOW_LOCAL_SCRIPTS === '1')
    io.out('Local scripts are allowed: Hearth::Local::Script resources run commands on this machine.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.out('Hearth is stopping.');
      void server.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
