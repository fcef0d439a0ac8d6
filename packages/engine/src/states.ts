// The status reasons Heat gives. (Heat's actions and statuses are typed
// where they are stored: @hearth/store's HeatAction and HeatStatus.)

export const REASON = {
  stateChanged: 'state changed',
  retained: 'deletion_policy Retain: kept in the cloud',
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
  failure: (kind: string, resource: string, message: string) => `${kind}: resources.${resource}: ${message}`,
};
