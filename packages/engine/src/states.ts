// Heat's actions and statuses, and the status reasons Heat gives.

export const ACTIONS = ['INIT', 'CREATE', 'UPDATE', 'DELETE', 'ROLLBACK', 'CHECK', 'SUSPEND', 'RESUME', 'ADOPT', 'SNAPSHOT'] as const;
export type Action = (typeof ACTIONS)[number];
export const STATUSES = ['IN_PROGRESS', 'COMPLETE', 'FAILED'] as const;
export type Status = (typeof STATUSES)[number];

export function stateName(action: string, status: string): string {
  return `${action}_${status}`;
}

export const REASON = {
  stateChanged: 'state changed',
  retained: 'deletion_policy Retain: kept in the cloud',
  stackStarted: (action: string) => `Stack ${action} started`,
  stackCompleted: (action: string) => `Stack ${action} completed successfully`,
  resourceFailed: (action: string, reason: string) => `Resource ${action} failed: ${reason}`,
  timedOut: (action: string) => `${action.charAt(0)}${action.slice(1).toLowerCase()} timed out`,
  cancelled: (action: string) => `Stack ${action} cancelled`,
  engineRestarted: (action: string) => `Engine restarted while the ${action} was in progress; the work it was doing was stopped.`,
  failure: (kind: string, resource: string, message: string) => `${kind}: resources.${resource}: ${message}`,
};
