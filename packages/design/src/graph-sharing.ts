// A graph sent again after a keystroke is mostly the graph sent before it.
// The reader sends, for each of its lists, only the items that changed, and
// the index of the previous item for each that did not; the receiver takes
// those from the graph it received before. A message across threads then
// carries a few items instead of a thousand (copying them cost the page
// about 7 ms per keystroke at 1,000 resources), and unchanged items keep
// their identity, so that views can skip them.
import { workflowFrom, type WorkflowResource } from '@hearth/schedule';
import type { Graph } from './view-model.ts';

/** A list as sent: an item, or the index of the same item in the list sent before. */
export type SharedList<T> = Array<T | number>;

type Lists = Pick<Graph, 'resources' | 'parameters' | 'parameterGroups' | 'outputs' | 'edges' | 'diagnostics'>;
const LISTS = ['resources', 'parameters', 'parameterGroups', 'outputs', 'edges', 'diagnostics'] as const satisfies ReadonlyArray<
  keyof Lists
>;

/** A graph as sent (plain data). The workflow's lookup by name and its waves are made again by the receiver. */
export type SharedGraph = { [K in keyof Lists]: SharedList<Lists[K][number]> } & {
  errorCount: number;
  workflow: { resources: SharedList<WorkflowResource> };
};

/** Whether two values of plain data (what a graph holds: objects, arrays, strings, numbers, booleans, null) are equal. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!Object.hasOwn(y, k) || !sameData(x[k], y[k])) return false;
  return true;
}

/**
 * Each item, or the index of an equal item in `previous`. An item is looked for at its own place,
 * shifted as far as the last item found was (an insertion or a removal above it shifts the rest by
 * one), and one place either side of that: a keystroke changes a few items and shifts the others,
 * so most are found at the first look, and each look is one comparison that stops at the first
 * difference. (A whole-list index by content, JSON.stringify of every item, cost the reader a fifth
 * of its time per keystroke at 1,000 resources.)
 */
export function shareList<T>(items: readonly T[], previous: readonly T[] | undefined): SharedList<T> {
  if (!previous?.length) return [...items];
  let shift = 0;
  return items.map((item, i) => {
    for (const j of [i + shift, i, i + shift + 1, i + shift - 1]) {
      if (j >= 0 && j < previous.length && sameData(item, previous[j])) {
        shift = j - i;
        return j;
      }
    }
    return item;
  });
}

/** The sending side: remembers the graph it sent last. */
export class GraphSharer {
  private sent: Graph | null = null;

  encode(graph: Graph): SharedGraph {
    const before = this.sent;
    const lists = Object.fromEntries(LISTS.map((name) => [name, shareList<unknown>(graph[name], before?.[name])])) as {
      [K in keyof Lists]: SharedList<Lists[K][number]>;
    };
    const workflow = { resources: shareList(graph.workflow.resources, before?.workflow.resources) };
    this.sent = graph;
    return { ...lists, errorCount: graph.errorCount, workflow };
  }
}

function take<T>(list: SharedList<T>, base: readonly T[] | undefined): T[] {
  return list.map((item) => {
    if (typeof item !== 'number') return item;
    const kept = base?.[item];
    if (kept === undefined) throw new Error(`a shared graph refers to item ${item} of a list it was not sent`);
    return kept;
  });
}

/** Whether a list as sent is the list sent before, item for item at the same places. */
function unchanged<T>(list: SharedList<T>, base: readonly T[] | undefined): boolean {
  return base !== undefined && list.length === base.length && list.every((item, i) => item === i);
}

/**
 * The receiving side: the graph, with the unchanged items taken from the graph received before (base).
 * A workflow none of whose resources changed is the one received before, so that what is worked out from
 * it (its waves, the schedule) is not worked out again.
 */
export function decodeGraph(shared: SharedGraph, base: Graph | null): Graph {
  const lists = Object.fromEntries(LISTS.map((name) => [name, take(shared[name] as SharedList<unknown>, base?.[name])])) as Lists;
  const workflow =
    base && unchanged(shared.workflow.resources, base.workflow.resources)
      ? base.workflow
      : workflowFrom(take(shared.workflow.resources, base?.workflow.resources));
  return { ...lists, errorCount: shared.errorCount, workflow };
}
