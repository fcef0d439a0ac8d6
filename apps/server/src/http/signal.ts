// The endpoint wait condition handles and scaling policies are signalled on:
// POST /signal/<id> with the resource's own token in X-Auth-Token (never the
// user's token); a policy's alarm_url carries it as ?token=, as Heat's
// pre-signed alarm URL needs no header.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineError, type StackEngine } from '@hearth/engine';
import type { JsonValue, Store } from '@hearth/store';
import { sameSecret } from './auth.ts';
import { jsonDepth, readBody, sendJson } from './body.ts';

const HANDLE_TYPES = new Set([
  'OS::Heat::WaitConditionHandle',
  'OS::Heat::UpdateWaitConditionHandle',
  'AWS::CloudFormation::WaitConditionHandle',
]);
const POLICY_TYPES = new Set(['OS::Heat::ScalingPolicy', 'AWS::AutoScaling::ScalingPolicy']);
/** Types whose URL is pre-signed (Heat's EC2-signed URLs): the token may come as ?token=. */
const PRESIGNED = new Set([...POLICY_TYPES, 'AWS::CloudFormation::WaitConditionHandle']);
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
  const handle = (await store.resourcesByPhysicalId(handleId)).find((r) => {
    const kind = r.implementation || r.type;
    return HANDLE_TYPES.has(kind) || POLICY_TYPES.has(kind);
  });
  const expected = typeof handle?.attributes.token === 'string' ? handle.attributes.token : null;
  const kind = handle ? handle.implementation || handle.type : '';
  const policy = POLICY_TYPES.has(kind);
  const query = new URL(req.url ?? '/', 'http://hearth').searchParams.get('token');
  const given = req.headers['x-auth-token'] ?? (PRESIGNED.has(kind) ? query : undefined);
  if (!handle || !expected) {
    sendJson(res, 404, { error: `There is no wait condition handle or scaling policy ${handleId}.` });
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
    if (policy) {
      const reason = await engine.signalResource(handle, details);
      sendJson(res, 200, reason === null ? { ok: true, action: 'none', reason: 'No action required.' } : { ok: true, reason });
      return;
    }
    const stored = await engine.signal(handleId, details);
    sendJson(res, 200, { ok: true, signal: stored.id, replaced: stored.replaced, signals: stored.count });
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    sendJson(res, error.code === 'TOO_LARGE' || error.code === 'IN_PROGRESS' ? 409 : 400, { error: error.message });
  }
}
