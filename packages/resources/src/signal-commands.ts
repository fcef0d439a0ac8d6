// What the simulated machines do with the wait condition signals in their
// scripts: each `curl ... <handle endpoint>` found in a server's user data or
// a deployment's script is POSTed for real (so the endpoint and its token are
// exercised), or delivered in-process when no Hearth server is listening.
import type { ActionContext } from '@hearth/engine';
import type { Value } from '@hearth/template';

const TOKEN = /X-Auth-Token:\s*([A-Za-z0-9_-]+)/;
const BODY = /--data(?:-binary)?\s+'([^']*)'/;

/** Sends every signal the script would send; resolves when all are delivered. */
export async function runSignalCommands(ctx: ActionContext, script: string, fallback: Record<string, Value>): Promise<number> {
  const base = ctx.services.signalBaseUrl.replace(/\/$/, '');
  const pattern = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/signal/([0-9a-f-]{36})`, 'g');
  let sent = 0;
  for (const match of script.matchAll(pattern)) {
    const before = script.slice(Math.max(0, match.index - 300), match.index);
    const after = script.slice(match.index, match.index + match[0].length + 300);
    const token = TOKEN.exec(before)?.[1] ?? TOKEN.exec(after)?.[1] ?? '';
    const body = BODY.exec(after)?.[1] ?? JSON.stringify(fallback);
    await deliver(ctx, match[0], match[1]!, token, body);
    sent++;
  }
  return sent;
}

async function deliver(ctx: ActionContext, url: string, handleId: string, token: string, body: string): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (response.ok) return;
  } catch {
    /* no server is listening: deliver in-process */
  }
  let data: Value;
  try {
    data = JSON.parse(body) as Value;
  } catch {
    data = { status: 'SUCCESS' };
  }
  await ctx.services.sendSignal(handleId, data);
}
