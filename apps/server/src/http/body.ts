import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request body up to `limit` bytes (beyond that it stops reading and says so). */
export function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** Why a request's declared body is larger than `limit` bytes (naming both), or null. */
export function bodyTooLarge(req: IncomingMessage, limit: number): string | null {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!(declared > limit)) return null;
  return `The request body is ${declared} bytes; this server accepts at most ${limit} (--max-body-bytes).`;
}

/** The depth of a parsed JSON value, counted without recursion (so no input can overflow the stack); stops past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}
