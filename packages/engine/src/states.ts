// The status reasons Heat gives. (Heat's actions and statuses are typed
// where they are stored: @hearth/store's HeatAction and HeatStatus.)

export const REASON = {
  stateChanged: 'state changed',
  retained: 'deletion_policy Retain: kept in the cloud',
  /** A resource forgotten by a failed adopt's rollback: its object stays. */
  abandoned: 'abandoned: kept in the cloud',
  stackStarted: (action: string) => `Stack ${action} started`,
  stackCompleted: (action: string) => `Stack ${action} completed successfully`,
  resourceFailed: (action: string, reason: string) => `Resource ${action} failed: ${reason}`,
  timedOut: (action: string) => `${action.charAt(0)}${action.slice(1).toLowerCase()} timed out`,
  cancelled: (action: string) => `Stack ${action} cancelled`,
  /** A resource's action stopped by a cancel of the stack's. */
  actionCancelled: (action: string) => `${action} cancelled`,
  /** A resource's action still running error_wait_time after another resource failed. */
  actionAborted: (action: string) => `${action} aborted`,
  /** An action the environment's restricted_actions forbids (Heat's ResourceActionRestricted). */
  restricted: (action: 'update' | 'replace') => `${action} is restricted for resource.`,
  engineRestarted: (action: string) => `Engine restarted while the ${action} was in progress; the work it was doing was stopped.`,
  /** A resource's failure (Heat's ResourceFailure): `resources.<name>` and any path below it, e.g. into its nested stack. */
  failure: (kind: string, resource: string, message: string, below: readonly string[] = []) =>
    heatErrorWithPath(kind, ['resources', resource, ...below], message),
};

/**
 * Heat's HeatExceptionWithPath message: `error: path: message`, the path's
 * parts joined with dots and numeric parts in brackets (`resources.g.resources[0]`).
 */
export function heatErrorWithPath(error: string, path: readonly string[], message: string): string {
  let joined = '';
  for (const part of path) {
    if (/^\d+$/.test(part)) joined += `[${part}]`;
    else joined += joined ? `.${part}` : part;
  }
  return `${error ? `${error}: ` : ''}${joined ? `${joined}: ` : ''}${message}`;
}

/**
 * A nested stack's failure as its parent resource reports it (Heat's
 * ResourceFailure._from_status_reason): the nested reason `Resource CREATE
 * failed: Kind: resources.x: message` becomes kind, path [resources, x] and
 * message, so the parent can put its own path in front.
 */
export function nestedFailure(action: string, statusReason: string): { kind: string; path: string[]; message: string } {
  if (!statusReason.includes(`Resource ${action} failed: `)) return { kind: '', path: [], message: statusReason };
  const parsed = statusReason.split(':').map((part) => part.trim());
  if (parsed.length < 4) return { kind: '', path: [], message: statusReason };
  return { kind: parsed[1]!, path: parsed[2]!.split('.'), message: parsed.slice(3).join(': ') };
}
