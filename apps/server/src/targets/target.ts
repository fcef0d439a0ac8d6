// Where a stack runs: Hearth's own engine over its simulated cloud (a
// rehearsal: nothing exists in a real cloud), or a cloud's Heat. A stack on
// a cloud is kept in Hearth's store as a mirror: its template and the
// events Hearth has read from Heat, under Heat's own stack id; Heat holds
// the stack itself.
import type { JsonValue, StackRecord } from '@hearth/store';

export type StackTarget = { kind: 'rehearsal' } | { kind: 'openstack'; cloud: string };

export const REHEARSAL: StackTarget = { kind: 'rehearsal' };

/** A mirrored stack's place on its cloud and how far its events have been read. */
export interface CloudStackLink {
  cloud: string;
  /** Heat's stack id and name (the mirror has the same id). */
  heatId: string;
  heatName: string;
  /** Per stack of the tree (Heat id): the last event read. */
  markers: Record<string, string>;
  /** An operation was started or seen and its events are still being read (survives a restart). */
  following: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stack's link to its cloud, or null for a rehearsal stack. */
export function cloudLink(stack: Pick<StackRecord, 'options'>): CloudStackLink | null {
  const link = stack.options.cloudStack;
  if (!isRecord(link) || typeof link.cloud !== 'string' || typeof link.heatId !== 'string' || typeof link.heatName !== 'string')
    return null;
  const markers = isRecord(link.markers)
    ? Object.fromEntries(Object.entries(link.markers).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
  return { cloud: link.cloud, heatId: link.heatId, heatName: link.heatName, markers, following: link.following === true };
}

export function targetOf(stack: Pick<StackRecord, 'options'>): StackTarget {
  const link = cloudLink(stack);
  return link ? { kind: 'openstack', cloud: link.cloud } : REHEARSAL;
}

/** The stack's options with its link changed. */
export function withLink(options: Record<string, JsonValue>, link: CloudStackLink): Record<string, JsonValue> {
  return { ...options, cloudStack: { ...link } };
}
