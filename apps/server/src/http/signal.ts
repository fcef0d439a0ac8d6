// The endpoint wait condition handles are signalled on: POST /signal/<handle>
// with the handle's own token in X-Auth-Token (never the user's token).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError, type StackEngine } from '@hearth/engine';
import type { JsonValue, Store } from '@hearth/store';
import { sameSecret } from './auth.ts';
import { jsonDepth, readBody, sendJson } from './body.ts';

const HANDLE_TYPES = new Set(['OS::Heat::WaitConditionHandle', 'OS::Heat::UpdateWaitConditionHandle']);
const MAX_SIGNAL_BYTES = 64 * 1024;
const MAX_SIGNAL_DEPTH = 32;

export async function handleSignal(
  store: Store,
  engine: StackEngine,
  handleId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'Signal a wait condition handle with POST.' });
    return;
  }
  const handle = (await store.resourcesByPhysicalId(handleId)).find((r) => HANDLE_TYPES.has(r.type));
  const expected = typeof handle?.attributes.token === 'string' ? handle.attributes.token : null;
  const given = req.headers['x-auth-token'];
  if (!handle || !expected) {
    sendJson(res, 404, { error: `There is no wait condition handle ${handleId}.` });
    return;
  }
  if (typeof given !== 'string' || !sameSecret(given, expected)) {
    sendJson(res, 403, { error: 'The X-Auth-Token header does not hold this handle’s token (see its curl_cli attribute).' });
    return;
  }
  const body = await readBody(req, MAX_SIGNAL_BYTES);
  if (body.tooLarge) {
    sendJson(res, 413, { error: `A signal may carry at most ${MAX_SIGNAL_BYTES} bytes.` });
    return;
  }
  let details: JsonValue | undefined;
  if (body.text.trim()) {
    try {
      details = JSON.parse(body.text) as JsonValue;
    } catch (error) {
      sendJson(res, 400, { error: `The signal is not JSON: ${(error as Error).message}` });
      return;
    }
    if (jsonDepth(details, MAX_SIGNAL_DEPTH) > MAX_SIGNAL_DEPTH) {
      sendJson(res, 400, {
        error: `The signal's JSON nests more than ${MAX_SIGNAL_DEPTH} levels deep; a signal may nest at most ${MAX_SIGNAL_DEPTH}.`,
      });
      return;
    }
  }
  try {
    const stored = await engine.signal(handleId, details);
    sendJson(res, 200, { ok: true, signal: stored.id, replaced: stored.replaced, signals: stored.count });
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    sendJson(res, error.code === 'TOO_LARGE' ? 409 : 400, { error: error.message });
  }
}
