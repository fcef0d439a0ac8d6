// A graph sent again after a keystroke is mostly the graph sent before it.
// The reader sends, for each of its lists, only the items that changed, and
// the index of the previous item for each that did not; the receiver takes
// those from the graph it received before. A message across threads then
// carries a few items instead of a thousand (copying them cost the page
// about 7 ms per keystroke at 1,000 resources), and unchanged items keep
// their identity, so that views can skip them.
import type { WorkflowResource } from '@hearth/schedule';
import type { Graph } from './view-model.ts';

/** A list as sent: an item, or the index of the same item in the list sent before. */
export type SharedList<T> = Array<T | number>;

type Lists = Pick<Graph, 'resources' | 'parameters' | 'parameterGroups' | 'outputs' | 'edges' | 'diagnostics'>;
const LISTS = ['resources', 'parameters', 'parameterGroups', 'outputs', 'edges', 'diagnostics'] as const satisfies ReadonlyArray<
  keyof Lists
>;

/** A graph as sent (plain data). The workflow's lookup by name is rebuilt by the receiver. */
export type SharedGraph = { [K in keyof Lists]: SharedList<Lists[K][number]> } & {
  errorCount: number;
  workflow: { resources: SharedList<WorkflowResource>; waves: SharedList<string[]> };
};

/** Where each item (by its content) was in the lists last sent. */
type SentIndex = Map<string, Map<string, number>>;

function share<T>(items: readonly T[], name: string, before: SentIndex, after: SentIndex): SharedList<T> {
  const previous = before.get(name);
  const now = new Map<string, number>();
  after.set(name, now);
  return items.map((item, i) => {
    const key = JSON.stringify(item);
    now.set(key, i);
    return previous?.get(key) ?? item;
  });
}

/** The sending side: remembers what it sent last. */
export class GraphSharer {
  private sent: SentIndex = new Map();

  encode(graph: Graph): SharedGraph {
    const before = this.sent;
    const after: SentIndex = new Map();
    const lists = Object.fromEntries(LISTS.map((name) => [name, share<unknown>(graph[name], name, before, after)])) as {
      [K in keyof Lists]: SharedList<Lists[K][number]>;
    };
    const workflow = {
      resources: share(graph.workflow.resources, 'workflow.resources', before, after),
      waves: share(graph.workflow.waves, 'workflow.waves', before, after),
    };
    this.sent = after;
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

/** The receiving side: the graph, with the unchanged items taken from the graph received before (base). */
export function decodeGraph(shared: SharedGraph, base: Graph | null): Graph {
  const lists = Object.fromEntries(LISTS.map((name) => [name, take(shared[name] as SharedList<unknown>, base?.[name])])) as Lists;
  const resources = take(shared.workflow.resources, base?.workflow.resources);
  return {
    ...lists,
    errorCount: shared.errorCount,
    workflow: { resources, waves: take(shared.workflow.waves, base?.workflow.waves), byName: new Map(resources.map((r) => [r.name, r])) },
  };
}
