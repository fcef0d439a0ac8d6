// Raw HTTP for tests that must send what browsers and attackers send
// (any Host, Origin or Sec-Fetch-Site header), which fetch() does not allow.
import { request } from 'node:http';

export interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON, or null. */
  json: unknown;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Give up after this many milliseconds (default 60 s). */
  timeoutMs?: number;
}

export function send(base: string, path: string, options: SendOptions = {}): Promise<Sent> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: {
          ...(options.body !== undefined
            ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.href} within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The message of a tRPC error answer, or of Hearth's own refusals. */
export function errorMessage(sent: Sent): string {
  const json = sent.json as { error?: { message?: string; json?: { message?: string } } | string } | null;
  if (typeof json?.error === 'string') return json.error;
  return json?.error?.message ?? json?.error?.json?.message ?? sent.text;
}

/**
 * The server answers health at once: the fastest of five round trips takes
 * under `withinMs`. (One slow answer on a loaded machine says little; five
 * slow ones say the server's event loop is busy.)
 */
export async function answersHealth(base: string, headers: Record<string, string> = {}, withinMs = 100): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < 5 && fastest >= withinMs; i++) {
    const started = performance.now();
    const sent = await send(base, '/trpc/health', { headers, timeoutMs: 30_000 });
    if (sent.status !== 200) throw new Error(`health answered ${sent.status}: ${sent.text}`);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}
