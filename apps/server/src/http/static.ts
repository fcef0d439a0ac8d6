// The built web app: files from apps/web/dist, index.html for app routes.
import { createReadStream, existsSync, statSync } from 'node:fs';
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
  res.writeHead(200, {
    'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(target).pipe(res);
}
