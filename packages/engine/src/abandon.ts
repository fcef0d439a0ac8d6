// Heat's stack abandon and adopt (heat/engine/stack.py prepare_abandon,
// resource.py prepare_abandon and adopt): abandon forgets a stack and keeps
// every object it made, answering with the data that names them; adopt makes
// a stack from a template and that data, taking the objects instead of
// making new ones.
import type { ResourceRecord, StackRecord, Store } from '@hearth/store';
import type { ValueMap } from '@hearth/template';
import type { AdoptResource } from './actions/runner.ts';

/** What abandon answers (Heat's keys; `parameters` and each resource's `attributes` are Hearth's own). */
export interface AbandonData {
  name: string;
  id: string;
  action: string;
  status: string;
  template: unknown;
  environment: string;
  parameters: Record<string, unknown>;
  files: Record<string, string>;
  project_id: string;
  stack_user_project_id: string;
  tags: string[];
  resources: Record<string, AdoptResource>;
}

/** A live resource's nested stack, when it has one (template resources and groups). */
async function nestedOf(store: Store, stack: StackRecord, rec: ResourceRecord): Promise<StackRecord | null> {
  if (!rec.physicalId) return null;
  const nested = await store.getStack(rec.physicalId);
  const options = (nested?.options ?? {}) as { parentStack?: string };
  return nested && !nested.deletedAt && options.parentStack === stack.id ? nested : null;
}

/** The abandon data of a stack's resources, nested stacks' included; `tree` collects every stack met. */
async function resourcesOf(store: Store, stack: StackRecord, tree: StackRecord[]): Promise<Record<string, AdoptResource>> {
  tree.push(stack);
  const out: Record<string, AdoptResource> = {};
  for (const rec of await store.liveResources(stack.id)) {
    const entry: AdoptResource = {
      name: rec.name,
      resource_id: rec.physicalId,
      type: rec.type,
      action: rec.action,
      status: rec.status,
      metadata: ((rec.definition as ValueMap | null)?.metadata as ValueMap | undefined) ?? {},
      resource_data: {},
      attributes: rec.attributes as ValueMap,
    };
    const nested = await nestedOf(store, stack, rec);
    if (nested) entry.resources = await resourcesOf(store, nested, tree);
    out[rec.name] = entry;
  }
  return out;
}

/** The stack's abandon data, and every stack of its tree (itself first). */
export async function abandonData(
  store: Store,
  stack: StackRecord,
  template: unknown,
): Promise<{ data: AbandonData; tree: StackRecord[] }> {
  const tree: StackRecord[] = [];
  const resources = await resourcesOf(store, stack, tree);
  return {
    data: {
      name: stack.name,
      id: stack.id,
      action: stack.action,
      status: stack.status,
      template,
      environment: stack.environment,
      parameters: stack.parameters,
      files: stack.files,
      project_id: '',
      stack_user_project_id: '',
      tags: [],
      resources,
    },
    tree,
  };
}
