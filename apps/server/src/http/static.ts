// The built web app: files from apps/web/dist, index.html for app routes;
// text files compressed (brotli, else gzip) once, in libuv's thread pool,
// and kept in memory while the file is unchanged (a few entries: the app's
// bundle, its styles, its page; source maps are sent as they are).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Hearth</title>
<p>The Hearth server is running, but the web app has not been built. Run <code>npm start</code> from the repository root.</p>`;

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.yaml', '.wasm', '.ttf']);
/** Compressed files kept at most; past it the oldest go (a rebuilt app has new file names). */
const MAX_COMPRESSED = 32;
type Encoding = 'br' | 'gzip';
const compressors: Record<Encoding, (data: Buffer) => Promise<Buffer>> = {
  br: (data) => promisify(brotliCompress)(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }),
  gzip: (data) => promisify(gzip)(data, { level: 9 }),
};
/** Compressed files by encoding and path, with the modification time they were made from. */
const compressed = new Map<string, { mtimeMs: number; body: Promise<Buffer> }>();

/** The encoding the client takes (brotli first), or null. */
export function acceptedEncoding(header: string | string[] | undefined): Encoding | null {
  const offered = String(header ?? '')
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !q || Number(q.trim().replace(/^q=/, '')) > 0)
    .map(([name]) => name!.trim().toLowerCase());
  return offered.includes('br') ? 'br' : offered.includes('gzip') ? 'gzip' : null;
}

function compressedFile(target: string, encoding: Encoding): Promise<Buffer> {
  const key = `${encoding}:${target}`;
  const { mtimeMs } = statSync(target);
  const hit = compressed.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.body;
  const body = compressors[encoding](readFileSync(target));
  compressed.delete(key);
  compressed.set(key, { mtimeMs, body });
  while (compressed.size > MAX_COMPRESSED) compressed.delete(compressed.keys().next().value!);
  body.catch(() => compressed.delete(key));
  return body;
}

export function serveStatic(webDir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(webDir, path));
  const inside = file === webDir || file.startsWith(webDir + sep);
  let target = inside && existsSync(file) && statSync(file).isFile() ? file : null;
  // App routes (no file extension) get the app's page.
  if (!target && !extname(path)) target = existsSync(join(webDir, 'index.html')) ? join(webDir, 'index.html') : null;
  if (!target) {
    if (!extname(path)) res.writeHead(200, { 'Content-Type': TYPES['.html']! }).end(NOT_BUILT);
    else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const hashed = path.startsWith('/assets/');
  const headers = {
    'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    Vary: 'Accept-Encoding',
  };
  const encoding = COMPRESSIBLE.has(extname(target)) ? acceptedEncoding(req.headers['accept-encoding']) : null;
  if (!encoding) {
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(target).pipe(res);
    return;
  }
  const found = target;
  compressedFile(found, encoding).then(
    (body) => {
      res.writeHead(200, { ...headers, 'Content-Encoding': encoding, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    () => {
      res.writeHead(200, headers);
      createReadStream(found).pipe(res);
    },
  );
}
