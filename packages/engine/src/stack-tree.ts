// Heat's max_resources_per_stack counts a stack with all its nested stacks
// (heat/engine/resources/stack_resource.py, _validate_nested_resources):
// two nested ResourceGroups of 100 make 10,201 resources, not 101. Both
// checks live here: what a template would make before it runs (for groups
// whose size is known), and what a tree holds when a nested stack is made.
import type { Analysis, Value } from '@hearth/template';
import { BudgetExceeded, EvalError, HeatError, isValueMap } from '@hearth/template';
import type { StackRecord, Store } from '@hearth/store';
import { resolveDefinition } from './analysis.ts';

/** Heat's words when a stack tree would pass the limit. */
export const RESOURCE_LIMIT_MESSAGE = 'Request limit exceeded: Maximum resources per stack exceeded.';

const GROUP_TYPES = new Set(['OS::Heat::ResourceGroup']);

export function resourceLimitMessage(total: number, limit: number, what: string): string {
  return `${RESOURCE_LIMIT_MESSAGE} (${what} would hold ${total.toLocaleString('en-US')} resources; a stack with its nested stacks may hold at most ${limit.toLocaleString('en-US')}.)`;
}

/** Resources a group definition makes, counting groups inside groups, or null when its size is not known yet. */
function groupSize(count: Value, definition: Value, depth = 0): number | null {
  if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) return null;
  if (!isValueMap(definition) || depth > 10) return count;
  const type = definition.type;
  if (typeof type === 'string' && GROUP_TYPES.has(type) && isValueMap(definition.properties)) {
    const inner = groupSize(definition.properties.count ?? 1, definition.properties.resource_def ?? null, depth + 1);
    return inner === null ? count : count * (1 + inner);
  }
  return count;
}

/**
 * The resources a template would make in all, its groups' members
 * included, where their counts are known before anything runs (parameters,
 * literals). Templates of nested files are counted when they run.
 */
export function plannedTreeSize(analysis: Analysis): number {
  let total = 0;
  const env = analysis.evalEnv();
  for (const info of analysis.resources) {
    if (!info.enabled || info.def.broken) continue;
    total++;
    if (!GROUP_TYPES.has(info.iface ?? info.def.type ?? '')) continue;
    try {
      const { properties } = resolveDefinition(analysis, info, env);
      total += groupSize(properties.count ?? 1, properties.resource_def ?? null) ?? 0;
    } catch (error) {
      if (error instanceof BudgetExceeded) throw error;
      if (!(error instanceof EvalError || error instanceof HeatError)) throw error;
    }
  }
  return total;
}

/** The stack at the top of `stack`'s tree. */
async function rootOf(store: Store, stack: StackRecord): Promise<StackRecord> {
  let current = stack;
  for (let depth = 0; depth < 50; depth++) {
    const parent = (current.options as { parentStack?: string }).parentStack;
    const next = parent ? await store.getStack(parent) : null;
    if (!next) return current;
    current = next;
  }
  return current;
}

/** How many resources the tree `stack` belongs to holds now, and its root. */
export async function treeResources(store: Store, stack: StackRecord): Promise<{ root: StackRecord; total: number }> {
  const root = await rootOf(store, stack);
  const children = new Map<string, string[]>();
  for (const s of await store.listStacks()) {
    const parent = (s.options as { parentStack?: string }).parentStack;
    if (parent) children.set(parent, [...(children.get(parent) ?? []), s.id]);
  }
  const ids: string[] = [];
  for (const queue = [root.id]; queue.length;) {
    const id = queue.pop()!;
    ids.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return { root, total: await store.countResources(ids) };
}
