// The one process a user starts: the web app, the API, and the endpoints
// wait conditions are signalled on, over one node:http server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { Engine, type EngineLimits, type StackEngine } from '@hearth/engine';
import { createProviders } from '@hearth/resources';
import { clusterEngine, JobQueue, relayEvents, type EventRelay, type QueueSettings } from '@hearth/cluster';
import { openPostgresStore, openSqliteStore, preparePrivateDir, type Store } from '@hearth/store';
import { AnalysisPool, type PoolOptions } from '../analysis/pool.ts';
import { appRouter } from '../api/router.ts';
import { DEFAULT_API_LIMITS, type ApiLimits, type HearthServices } from '../api/services.ts';
import { Designs } from '../designs/store.ts';
import { openStackTargets } from '../targets/index.ts';
import { isLoopback, loadOrCreateToken, LoginCodes, requestToken, sameSecret, TOKEN_COOKIE } from './auth.ts';
import { bodyTooLarge, sendJson } from './body.ts';
import { RequestGate, type Destination } from './gate.ts';
import { seedExamples } from './examples.ts';
import { defaultExamplesDir, defaultWebDir } from './paths.ts';
import { handleSignal } from './signal.ts';
import { serveStatic } from './static.ts';
import { serverTables } from './tables.ts';
import { useChunkTextEncoderStream } from './text-encoder-stream.ts';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  allowLocalScripts?: boolean;
  webDir?: string;
  examplesDir?: string | null;
  /** The address users and machines reach the server at (a reverse proxy's); wait conditions are signalled there. */
  publicUrl?: string;
  /** More host names the server answers to (`--allow-host`), beside its own address and loopback's. */
  allowHosts?: string[];
  /** Largest request body, in bytes. */
  maxBodyBytes?: number;
  limits?: Partial<ApiLimits & EngineLimits>;
  /** A PostgreSQL database shared with engine workers (`hearth worker`): this server then runs no resource actions itself. */
  databaseUrl?: string;
  /** Job expiry and polling, with a database (tests shorten them). */
  queue?: Partial<QueueSettings>;
  /** Heat's error_wait_time: how long actions may run on after a failure (default 240 s). */
  errorWaitSeconds?: number;
  /** The analysis workers' size and limits. */
  analysis?: PoolOptions;
}

export interface HearthServer {
  url: string;
  dataDir: string;
  /** Set when requests need a token (bound off loopback, or local scripts allowed). */
  token: string | null;
  /** True when the token was made by this start (print it once). */
  tokenCreated: boolean;
  /** A link that signs a browser in once (when a token is needed). */
  loginUrl: string | null;
  /** Things the operator should know about (a data directory others can read). */
  warnings: string[];
  examplesAdded: string[];
  recovered: string[];
  services: HearthServices;
  http: Server;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // Nothing a template holds can run as script: only the app's own scripts run.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

const NEEDS_TOKEN = `<!doctype html><meta charset="utf-8"><title>Hearth: access token needed</title>
<p>This Hearth server needs its access token (it listens beyond this machine, or it may run local scripts).
Open the one-time login link the server printed when it started, or this address with <code>?token=</code>
and the token in the file <code>api-token</code> in its data directory.</p>`;

/** Calls one tRPC request may batch together. */
export const MAX_BATCH = 10;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen(server.address() as AddressInfo);
    });
  });
}

function urlHost(host: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return shown.includes(':') ? `[${shown}]` : shown;
}

function refuse(res: ServerResponse, destination: Destination, status: number, message: string): void {
  if (destination === 'api') sendJson(res, status, { error: { message, code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN' } });
  else res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message);
}

export async function startServer(options: ServeOptions): Promise<HearthServer> {
  const dataDir = resolve(options.dataDir);
  const warnings: string[] = [];
  const warning = preparePrivateDir(dataDir);
  if (warning) warnings.push(warning);
  const tables = serverTables({ sharedWithWorkers: Boolean(options.databaseUrl) });
  const store: Store = options.databaseUrl
    ? await openPostgresStore(options.databaseUrl, { tables })
    : await openSqliteStore(dataDir, { tables });
  const designs = new Designs(store.db);
  // Off loopback anyone on the network could call; with local scripts allowed, a call runs commands here.
  const needsToken = !isLoopback(options.host) || (options.allowLocalScripts ?? false);
  let tokenFile: { token: string; created: boolean };
  try {
    tokenFile = needsToken ? loadOrCreateToken(dataDir) : { token: '', created: false };
  } catch (error) {
    await store.close();
    throw error;
  }
  const token = needsToken ? tokenFile.token : null;
  const logins = new LoginCodes();
  const gate = new RequestGate({ host: options.host, publicUrl: options.publicUrl, allowHosts: options.allowHosts });
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const webDir = resolve(options.webDir ?? defaultWebDir());
  let services: HearthServices | null = null;

  // tRPC encodes every event stream with TextEncoderStream; Node 20's costs more than the events.
  useChunkTextEncoderStream();
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Queries may carry whole templates: clients send them as POST bodies rather than in the address.
    allowMethodOverride: true,
    maxBodySize: maxBodyBytes,
    maxBatchSize: MAX_BATCH,
    createContext: ({ req }) => ({ services: services!, method: req.method ?? 'GET' }),
  });

  /** A GET with ?token= or ?login= from a browser: keep the token in a cookie the page's scripts cannot read, and drop it from the address. */
  const signIn = (url: URL, res: ServerResponse): boolean => {
    const offered = url.searchParams.get('token');
    const login = url.searchParams.get('login');
    const valid = (offered !== null && sameSecret(offered, token!)) || (login !== null && logins.redeem(login));
    if (!valid) return false;
    url.searchParams.delete('token');
    url.searchParams.delete('login');
    res.writeHead(303, {
      'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token!)}; HttpOnly; SameSite=Strict; Path=/`,
      Location: `${url.pathname}${url.search}`,
    });
    res.end();
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://hearth');
    const signal = /^\/signal\/([0-9a-f-]{36})$/.exec(url.pathname);
    const destination: Destination = signal || url.pathname.startsWith('/trpc/') ? 'api' : 'page';
    const refusal = gate.check(req.headers, destination);
    if (refusal) return refuse(res, destination, refusal.status, refusal.message);
    if (!services) {
      sendJson(res, 503, { error: 'Hearth is starting; try again in a moment.' });
      return;
    }
    // Machines signal with their handle's own token, never the user's.
    if (signal) return handleSignal(store, services.engine, signal[1]!, req, res);
    if (token !== null) {
      const given = requestToken(req);
      if (given === null || !sameSecret(given, token)) {
        if (req.method === 'GET' && destination === 'page' && signIn(url, res)) return;
        if (destination === 'api') {
          refuse(res, 'api', 401, 'This Hearth server needs its access token: send "Authorization: Bearer <token>".');
        } else {
          res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' }).end(NEEDS_TOKEN);
        }
        return;
      }
    }
    if (destination === 'api') {
      const tooLarge = bodyTooLarge(req, maxBodyBytes);
      if (tooLarge) return refuse(res, 'api', 413, tooLarge);
      const calls = url.searchParams.get('batch') === '1' ? url.pathname.slice('/trpc/'.length).split(',').length : 1;
      if (calls > MAX_BATCH) {
        return refuse(res, 'api', 400, `The request batches ${calls} calls; this server accepts at most ${MAX_BATCH} in one request.`);
      }
      trpc(req, res);
      return;
    }
    serveStatic(webDir, req, res);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `Internal error: ${(error as Error).message}` });
      else res.end();
    });
  });
  let address: AddressInfo;
  try {
    address = await listen(http, options.port, options.host);
  } catch (error) {
    await store.close();
    throw error;
  }
  const url = `http://${urlHost(options.host)}:${address.port}`;

  const limits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const providers = createProviders({ store, allowLocalScripts: options.allowLocalScripts ?? false });
  const signalBaseUrl = options.publicUrl ?? url;
  const errorWait = options.errorWaitSeconds !== undefined ? { errorWaitSeconds: options.errorWaitSeconds } : {};
  let engine: StackEngine;
  let relay: EventRelay | null = null;
  if (options.databaseUrl) {
    // Workers run the resource actions; this server starts operations and relays every worker's events.
    const queue = await JobQueue.open(options.databaseUrl, options.queue);
    ({ engine } = clusterEngine({ store, providers, queue, signalBaseUrl, limits, ...errorWait }));
    relay = await relayEvents(options.databaseUrl, store, engine.bus);
  } else {
    engine = new Engine({ store, providers, signalBaseUrl, limits, ...errorWait });
  }
  const analysis = new AnalysisPool(options.analysis);
  const recovered = (await engine.recover()).map((s) => s.name);
  // Stacks on clouds whose operations were being read when the server stopped are read on from where they were.
  const openstack = openStackTargets(store, engine.bus, { log: (message) => console.error(message) });
  await openstack.mirrors.resume();
  const examplesAdded = await seedExamples(store, designs, options.examplesDir === undefined ? defaultExamplesDir() : options.examplesDir);
  services = {
    store,
    designs,
    engine,
    analysis,
    cloud: providers.cloud,
    openstack,
    limits: { maxTemplateBytes: limits.maxTemplateBytes, maxFiles: limits.maxFiles, maxBodyBytes },
    allowLocalScripts: options.allowLocalScripts ?? false,
  };

  return {
    url,
    dataDir,
    token,
    tokenCreated: tokenFile.created,
    loginUrl: token === null ? null : `${options.publicUrl?.replace(/\/$/, '') ?? url}/?login=${logins.issue()}`,
    warnings,
    examplesAdded,
    recovered,
    services,
    http,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      await relay?.stop();
      await analysis.close();
      await openstack.close();
      await engine.shutdown();
      await store.close();
    },
  };
}
