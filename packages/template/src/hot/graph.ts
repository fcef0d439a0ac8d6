// The dependency graph: waves in which resources can be created (each
// resource after everything it requires) and the cycles that prevent it.

/** requires: resource → the resources it waits for. */
export type Requirements = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Strongly connected components with more than one node, or with a
 * self-edge: each is a cycle, its members in an order that follows edges.
 */
export function findCycles(nodes: readonly string[], requires: Requirements): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const known = new Set(nodes);
  // Iterative Tarjan, so that long chains cannot overflow the call stack.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; edges: string[]; i: number }> = [];
    const push = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: [...(requires.get(node) ?? [])].filter((n) => known.has(n)), i: 0 });
    };
    push(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.edges.length) {
        const next = frame.edges[frame.i++]!;
        if (!index.has(next)) push(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (requires.get(component[0]!)?.has(component[0]!) ?? false);
        if (component.length > 1 || selfLoop) cycles.push(orderCycle(component, requires));
      }
    }
  }
  return cycles;
}

/** A walk around the cycle starting from its alphabetically first member. */
function orderCycle(component: string[], requires: Requirements): string[] {
  const members = new Set(component);
  const first = [...component].sort()[0]!;
  const path = [first];
  const seen = new Set([first]);
  let current = first;
  for (;;) {
    const next = [...(requires.get(current) ?? [])].filter((n) => members.has(n)).sort();
    const unvisited = next.find((n) => !seen.has(n));
    if (unvisited === undefined) break;
    path.push(unvisited);
    seen.add(unvisited);
    current = unvisited;
  }
  return path;
}

/**
 * Waves of creation: a resource's wave is one more than the latest wave
 * among its requirements. Resources on cycles are left out.
 */
export function creationWaves(nodes: readonly string[], requires: Requirements): string[][] {
  const level = new Map<string, number>();
  const inProgress = new Set<string>();
  const blocked = new Set<string>();
  const known = new Set(nodes);
  const visit = (root: string) => {
    const stack: Array<{ node: string; deps: string[]; i: number; max: number }> = [];
    const enter = (node: string) => {
      inProgress.add(node);
      stack.push({ node, deps: [...(requires.get(node) ?? [])].filter((d) => known.has(d)), i: 0, max: -1 });
    };
    enter(root);
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      if (frame.i < frame.deps.length) {
        const dep = frame.deps[frame.i++]!;
        if (blocked.has(dep) || inProgress.has(dep)) {
          frame.max = Infinity;
          continue;
        }
        const l = level.get(dep);
        if (l !== undefined) frame.max = Math.max(frame.max, l);
        else enter(dep);
        continue;
      }
      stack.pop();
      inProgress.delete(frame.node);
      if (frame.max === Infinity) blocked.add(frame.node);
      else level.set(frame.node, frame.max + 1);
      const parent = stack[stack.length - 1];
      if (parent) {
        if (frame.max === Infinity) parent.max = Infinity;
        else parent.max = Math.max(parent.max, frame.max + 1);
      }
    }
  };
  for (const n of nodes) if (!level.has(n) && !blocked.has(n)) visit(n);
  const waves: string[][] = [];
  for (const [node, l] of level) (waves[l] ??= []).push(node);
  return waves.filter(Boolean).map((w) => w.sort());
}
