// A real Hearth server on a free port with its own data directory, for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { connect, type Client } from '../cli/remote.ts';
import { startServer, type HearthServer, type ServeOptions } from '../http/server.ts';

export interface TestServer {
  server: HearthServer;
  client: Client;
  url: string;
  dataDir: string;
  /** Stops the server; keeps the data directory when `keepData` (to start again on it). */
  stop(keepData?: boolean): Promise<void>;
}

export async function startTestServer(options: Partial<ServeOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-server-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, examplesDir: null, ...options, dataDir });
  const url = server.url;
  return {
    server,
    url,
    dataDir,
    client: connect({ server: url, token: server.token ?? undefined }),
    async stop(keepData = false) {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls the API over plain HTTP (to see status codes and raw errors). */
export interface RawResponse {
  status: number;
  json: { error?: { message: string; data?: { code?: string; diagnostics?: unknown[] } }; result?: { data: unknown } } | null;
  text: string;
}

export async function rawCall(
  url: string,
  path: string,
  input: unknown,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const method = init.method ?? 'POST';
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const target = method === 'GET' ? `${url}/trpc/${path}${query}` : `${url}/trpc/${path}`;
  const response = await fetch(target, {
    method,
    headers: { 'Content-Type': 'application/json', ...init.headers },
    ...(method === 'POST' ? { body: init.body ?? JSON.stringify(input) } : {}),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json: json as RawResponse['json'], text };
}

export const until = async (check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Runs the `hearth` command line against the server at `url`, with what it printed. */
export async function runCli(url: string, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--server', url], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
