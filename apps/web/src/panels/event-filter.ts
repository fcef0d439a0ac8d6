// Which of a stack's events the events tab shows. A big stack has a thousand resources: the user types
// a part of a name (as in a search box) rather than picking it from a list of every one.

export interface EventFilter {
  /** A part of the resource's name, in any case ("stack": the stack's own events); empty: all. */
  resource: string;
  /** IN_PROGRESS, COMPLETE or FAILED; empty: all. */
  state: string;
}

export function eventShown(
  event: { resourceName: string | null; action: string; status: string },
  { resource, state }: EventFilter,
): boolean {
  const part = resource.trim().toLowerCase();
  if (part && !(event.resourceName ?? '(stack)').toLowerCase().includes(part)) return false;
  return !state || `${event.action}_${event.status}`.includes(state);
}
