// Wait condition signals as Heat reads them (heat/engine/resources/
// wait_condition.py and openstack/heat/wait_condition_handle.py): a JSON
// object with at most status, reason, data and id; status SUCCESS or
// FAILURE (SUCCESS when absent); the id keys the signal, so a repeat
// replaces the earlier one instead of counting twice.
import type { JsonValue, SignalInput } from '@hearth/store';

/** Signals one handle keeps at most; past that a new id is refused (a repeated id still replaces its signal). */
export const MAX_SIGNALS_PER_HANDLE = 1000;

const KEYS = new Set(['status', 'reason', 'data', 'id']);

export class SignalFormatError extends Error {}

/** What a signal's body says, or why it is not a signal. `undefined`: no body at all (curl_cli as it is), a SUCCESS. */
export function parseSignal(details: JsonValue | undefined): SignalInput {
  if (details === undefined) return { id: null, data: { status: 'SUCCESS', reason: null, data: null } };
  // cfn-signal's form (an AWS::CloudFormation::WaitConditionHandle's, which Heat takes only with all four keys).
  if (isCfnSignal(details)) {
    const cfn = details as { [key: string]: JsonValue };
    return parseSignal({ status: cfn.Status!, reason: cfn.Reason!, id: cfn.UniqueId!, data: cfn.Data! });
  }
  if (details === null || typeof details !== 'object' || Array.isArray(details)) {
    const kind = details === null ? 'null' : Array.isArray(details) ? 'a list' : `a ${typeof details}`;
    throw new SignalFormatError(`A signal is a JSON object ({"status": "SUCCESS", "reason": ..., "data": ..., "id": ...}), not ${kind}.`);
  }
  const extra = Object.keys(details).filter((k) => !KEYS.has(k));
  if (extra.length) {
    throw new SignalFormatError(
      `Metadata format invalid: a signal has only "status", "reason", "data" and "id", not ${extra.map((k) => `"${k}"`).join(', ')}.`,
    );
  }
  const status = details.status ?? 'SUCCESS';
  if (status !== 'SUCCESS' && status !== 'FAILURE') {
    throw new SignalFormatError(`Metadata format invalid: a signal's status is SUCCESS or FAILURE, not ${JSON.stringify(status)}.`);
  }
  const reason = details.reason === undefined || details.reason === null ? null : pyText(details.reason);
  const id = details.id === undefined || details.id === null ? null : pyText(details.id);
  return { id, data: { status, reason, data: details.data ?? null } };
}

const CFN_KEYS = ['Data', 'Reason', 'Status', 'UniqueId'];

function isCfnSignal(details: JsonValue): boolean {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return false;
  const keys = Object.keys(details).sort();
  return keys.length === CFN_KEYS.length && keys.every((k, i) => k === CFN_KEYS[i]);
}

/** Python's str() of a JSON scalar, as Heat turns an id into a key. */
function pyText(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (v === true) return 'True';
  if (v === false) return 'False';
  return JSON.stringify(v);
}
