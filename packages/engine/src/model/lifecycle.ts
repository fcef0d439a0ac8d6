// What both schedulers do the same way around the phases of an operation:
// which nodes a phase has (and the rows it needs written first), what a
// node's resource is when its action begins (a replacement's new
// generation), and the state changes a transition of the lifecycle table
// writes (outputs resolved, the previous template restored or forgotten).
// Every function takes the store to work in: the scheduler's transaction.
import type { Analysis, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { BudgetExceeded, childEnvironment, nodeToValue } from '@hearth/template';
import type { JsonValue, NewResource, ResourceRecord, StackPatch, StackRecord, Store } from '@hearth/store';
import { toJson, type Resolver } from './resolution.ts';
import { computePlan, isNestedStack, type Plan } from './plan.ts';
import type { TemplateSource } from '../analysis.ts';
import type { ProviderRegistry } from '../provider.ts';
import type { StateChange } from '../state-writer.ts';
import { stackChange, type ChangeSource } from './changes.ts';
import {
  checkNodes,
  deletionNodes,
  forgetNodes,
  isCurrent,
  resumeNodes,
  suspendNodes,
  updateNodes,
  type PhaseKind,
  type PhaseNode,
  type Work,
} from './phases.ts';
import type { StateWrite } from './transitions.ts';
import { implementationOf } from './implementation.ts';
import { facadeOf } from './facade.ts';
import { heatErrorWithPath, REASON } from '../states.ts';

/**
 * A node its resource may not run: the environment's restricted_actions
 * forbid it. Heat writes only an event (the resource keeps its state) and
 * fails the operation with `failure`.
 */
export interface Refused {
  /** `event`: the resource's FAILED event, or null when Heat fails the stack without touching the resource. */
  refused: { event: string | null; failure: string };
}

/** The template, environment, parameters, files and options a stack had before an update (kept for its rollback). */
export interface PreviousTemplate {
  template: string;
  environment: string;
  parameters: Record<string, JsonValue>;
  files: Record<string, string>;
  options: Record<string, JsonValue>;
}

/** The templates an operation runs: the stack's (the new one, for an update) and, for an update, the one it replaces. */
export interface Analyses {
  current: Analysis | null;
  previous: Analysis | null;
}

/** The analysis a phase runs with: a rollback of an update goes back to the previous template. */
export function analysisFor(kind: PhaseKind, analyses: Analyses): Analysis | null {
  return kind === 'rollback-update' || kind === 'rollback-cleanup' ? analyses.previous : analyses.current;
}

/** A resource's row before it is created (INIT), for its generation: a replacement is generation n+1. */
export function newResource(stackId: string, info: ResourceInfo, analysis: Analysis, generation: number): NewResource {
  return {
    stackId,
    name: info.name,
    type: info.def.type ?? '',
    physicalId: null,
    action: 'INIT',
    status: 'COMPLETE',
    statusReason: '',
    attributes: {},
    properties: {},
    definition: toJson(nodeToValue(info.def.node)),
    requires: [...new Set([...info.requires, ...(analysis.implicit.get(info.name) ?? [])])].sort(),
    generation,
    clientToken: `${stackId}/${info.name}/${generation}`,
    implementation: implementationOf(info),
    replacedBy: null,
    engineId: null,
  };
}

/** The rows of a new stack's resources. */
export function resourceRows(stackId: string, analysis: Analysis): NewResource[] {
  return analysis.resources.filter((r) => r.enabled && !r.def.broken).map((info) => newResource(stackId, info, analysis, 0));
}

/** What an update writes on the stack: the new template, keeping the one it replaces for a rollback. */
export function updatePatch(
  stack: StackRecord,
  next: { template: string; environment?: string; parameters?: Record<string, Value>; files?: Record<string, string>; options?: ValueMap },
): StackPatch {
  const previous: PreviousTemplate = {
    template: stack.template,
    environment: stack.environment,
    parameters: stack.parameters,
    files: stack.files,
    options: stack.options,
  };
  return {
    template: next.template,
    environment: next.environment ?? '',
    parameters: (next.parameters ?? {}) as Record<string, JsonValue>,
    files: next.files ?? {},
    options: toJson({ ...(stack.options as ValueMap), ...(next.options ?? {}) }) as Record<string, JsonValue>,
    previous: toJson(previous as unknown as Value),
  };
}

/**
 * The resources a deletion acts on: rows of resources never created go at
 * once (there is nothing to delete), and so do rows already deleted.
 */
export async function toDelete(tx: Store, records: ResourceRecord[]): Promise<ResourceRecord[]> {
  const never = records.filter((r) => r.action === 'INIT');
  if (never.length) await tx.deleteResourcesById(never.map((r) => r.id));
  return records.filter((r) => r.action !== 'INIT' && !(r.action === 'DELETE' && r.status === 'COMPLETE'));
}

/**
 * Heat's _get_best_existing_rsrc_db (stack.py): of the rows a name has (an
 * original and its replacements), the one an update goes on with. A failed
 * row scores -30, a deleted one -50, a replaced one -1, the stack's current
 * one +5; rolling back, the originals a failed update replaced +10. So a
 * user updating back after a replacement failed keeps the original, and the
 * failed copy goes in the cleanup: no third object.
 */
export function bestExisting(rows: ResourceRecord[], rollingBack = false): Map<string, ResourceRecord> {
  const score = (r: ResourceRecord) =>
    (r.status === 'FAILED' ? -30 : 0) + (r.action === 'DELETE' ? -50 : 0) + (r.replacedBy !== null ? -1 + (rollingBack ? 10 : 0) : 5);
  const best = new Map<string, ResourceRecord>();
  for (const r of rows) {
    const known = best.get(r.name);
    if (!known || score(r) > score(known) || (score(r) === score(known) && r.id > known.id)) best.set(r.name, r);
  }
  return best;
}

/**
 * Makes each name's best row the stack's current one (its replacement, if
 * it had one, becomes a superseded row the cleanup deletes); the rows as
 * they are then, by name.
 */
async function reinstate(tx: Store, stackId: string, rollingBack: boolean): Promise<Map<string, ResourceRecord>> {
  const rows = await tx.listResources(stackId);
  const best = bestExisting(rows, rollingBack);
  for (const chosen of best.values()) {
    if (isCurrent(chosen)) continue;
    for (const other of rows.filter((r) => r.name === chosen.name && r !== chosen && isCurrent(r))) {
      await tx.updateResource(other.id, { replacedBy: chosen.id });
      other.replacedBy = chosen.id;
    }
    await tx.updateResource(chosen.id, { replacedBy: null });
    chosen.replacedBy = null;
  }
  return best;
}

/**
 * Heat's restricted_actions (resource.py _check_restricted_actions and
 * _check_for_convergence_replace): an update or a replacement the
 * environment forbids for the resource.
 */
function restricted(work: Work, name: string, analysis: Analysis | null): Refused | null {
  if (!analysis || (work !== 'update' && work !== 'replace')) return null;
  const action = work;
  if (!analysis.environment.registry.restrictionsFor(name).has(action)) return null;
  const event = REASON.restricted(action);
  return { refused: { event, failure: REASON.failure('ResourceActionRestricted', name, event) } };
}

/**
 * Heat's Resource.suspend and Resource.resume refuse a resource in a state
 * they cannot act from; the stack fails and the resource keeps its state.
 */
function invalidState(work: Work, rec: ResourceRecord): Refused | null {
  const state = `('${rec.action}', '${rec.status}')`;
  const refuse = (verb: string) => ({
    refused: { event: null, failure: heatErrorWithPath('Error', ['resources', rec.name], `State ${state} invalid for ${verb}`) },
  });
  if (work === 'suspend' && (rec.action === 'DELETE' || (rec.action !== 'SUSPEND' && rec.status !== 'COMPLETE'))) return refuse('suspend');
  if (
    work === 'resume' &&
    !((rec.action === 'SUSPEND' && rec.status === 'COMPLETE') || (rec.action === 'RESUME' && rec.status !== 'IN_PROGRESS'))
  )
    return refuse('resume');
  return null;
}

/** Reads a template as the engine does (for the plans of nested stacks). */
export type Analyse = (source: TemplateSource) => Analysis;

/** Heat's nested depth limit: plans of nested stacks go no deeper. */
const MAX_PLAN_DEPTH = 5;

export class Lifecycle {
  constructor(
    private readonly resolver: Resolver,
    private readonly providers: ProviderRegistry,
    private readonly analyse?: Analyse,
  ) {}

  /**
   * The plan with the plans of the nested stacks it updates, as Heat's
   * preview with show_nested gives them: each nested stack's template (a
   * template resource's file, a group's generated members) with its new
   * properties, planned against the nested stack's resources.
   */
  async planWithNested(tx: Store, stack: StackRecord, analysis: Analysis, depth = 0): Promise<Plan> {
    const plan = await this.plan(tx, stack.id, analysis);
    if (!this.analyse || depth >= MAX_PLAN_DEPTH) return plan;
    const live = await tx.liveResourcesByName(stack.id);
    for (const change of plan.changes) {
      const info = analysis.resources.find((r) => r.name === change.resource);
      const rec = live.get(change.resource);
      if (change.action !== 'update' || !info || !isNestedStack(info) || !rec?.physicalId) continue;
      const nested = await tx.getStack(rec.physicalId);
      if (!nested || nested.deletedAt) continue;
      let properties: ValueMap;
      let metadata: ValueMap;
      try {
        ({ properties, metadata } = this.resolver.resolve(analysis, info, live));
      } catch {
        continue;
      }
      const template =
        info.resolution === 'template'
          ? info.nested?.text
          : this.providers.provider(info.iface ?? '')?.nestedTemplate?.(
              properties,
              (await tx.liveResources(nested.id)).map((r) => r.name),
            );
      if (!template) continue;
      try {
        const nestedAnalysis = this.analyse({
          name: nested.name,
          template,
          environment: childEnvironment(stack.environment, info.templateEntry, info.name),
          parameters: info.resolution === 'template' ? properties : {},
          files: stack.files,
          parentStack: stack.id,
          ...(info.resolution === 'template' ? { resourceFacade: facadeOf(analysis, info, metadata) } : {}),
        });
        change.nested = await this.planWithNested(tx, nested, nestedAnalysis, depth + 1);
      } catch (error) {
        if (error instanceof BudgetExceeded) throw error;
        // A nested template that cannot be read now fails when the update runs; the parent's plan still stands.
      }
    }
    return plan;
  }

  /** The plan that takes the stack's live resources to the analysed template. */
  async plan(tx: Store, stackId: string, analysis: Analysis, rollingBack = false): Promise<Plan> {
    const current = bestExisting(await tx.listResources(stackId), rollingBack);
    return computePlan({
      analysis,
      current,
      providers: this.providers,
      resolveProperties: (info) => this.resolver.resolve(analysis, info, current).properties,
    });
  }

  /**
   * The nodes of a phase that follows another (a create's nodes come with its
   * rows; an update's first phase comes with its plan): a deletion of
   * everything, the cleanup of what was replaced or removed, a rollback's
   * update to the previous template (its new rows written here), a check.
   */
  async phaseNodes(tx: Store, stack: StackRecord, kind: PhaseKind, analyses: Analyses, plan?: Plan): Promise<PhaseNode[]> {
    switch (kind) {
      case 'create':
      case 'adopt':
        return (await tx.listResources(stack.id)).map((r) => ({
          key: r.name,
          resourceId: r.id,
          work: kind as Work,
          requires: [...r.requires],
        }));
      case 'rollback':
      case 'delete':
        return deletionNodes(await toDelete(tx, await tx.listResources(stack.id)));
      case 'rollback-adopt':
        return forgetNodes(await tx.liveResources(stack.id));
      case 'cleanup':
      case 'rollback-cleanup': {
        const analysis = analysisFor(kind, analyses);
        const kept = new Set((analysis?.resources ?? []).filter((r) => r.enabled).map((r) => r.name));
        const all = await tx.listResources(stack.id);
        return deletionNodes(
          await toDelete(
            tx,
            all.filter((r) => !isCurrent(r) || !kept.has(r.name)),
          ),
        );
      }
      case 'update':
      case 'rollback-update': {
        const analysis = analysisFor(kind, analyses);
        if (!analysis) throw new Error(`the ${kind === 'update' ? 'new' : 'previous'} template does not analyse`);
        const rollingBack = kind === 'rollback-update';
        const changes = plan ?? (await this.plan(tx, stack.id, analysis, rollingBack));
        const rows = await reinstate(tx, stack.id, rollingBack);
        const infos = new Map(analysis.resources.map((r) => [r.name, r]));
        const made = await tx.insertResources(
          changes.changes
            .filter((c) => c.action === 'create' && !rows.has(c.resource))
            .map((c) => newResource(stack.id, infos.get(c.resource)!, analysis, 0)),
        );
        for (const r of made) rows.set(r.name, r);
        return updateNodes(changes, rows);
      }
      case 'check':
        return checkNodes(await tx.liveResources(stack.id));
      case 'suspend':
        return suspendNodes(await tx.liveResources(stack.id));
      case 'resume':
        return resumeNodes(await tx.liveResources(stack.id));
    }
  }

  /**
   * The resource a node acts on, once its action begins: a replacement's new
   * generation is made here (once: a retry finds it), an update's resource
   * takes the requirements of its new definition. `settled`: the node has
   * nothing to do (an unchanged resource takes its new definition and is done).
   */
  async prepare(
    tx: Store,
    stack: StackRecord,
    node: { work: Work; firstStart: boolean },
    rec: ResourceRecord,
    kind: PhaseKind,
    analysis: Analysis | null,
  ): Promise<ResourceRecord | 'settled' | Refused> {
    const info = analysis?.resources.find((r) => r.name === rec.name);
    const refused = node.firstStart ? (restricted(node.work, rec.name, analysis) ?? invalidState(node.work, rec)) : null;
    if (refused) return refused;
    if (node.work === 'unchanged') {
      if (info) {
        await tx.updateResource(rec.id, {
          requires: newResource(stack.id, info, analysis!, 0).requires,
          definition: toJson(nodeToValue(info.def.node)),
        });
      }
      return 'settled';
    }
    if (node.work === 'replace') {
      // Heat creates the replacement first; the old one goes in the cleanup.
      if (rec.replacedBy !== null) return (await tx.getResource(rec.replacedBy)) ?? rec;
      if (!info) return rec;
      // After the generations the name has had (a failed copy set aside keeps its client token).
      const generation = Math.max(...(await tx.resourcesNamed(stack.id, [rec.name])).map((r) => r.generation)) + 1;
      const [fresh] = await tx.insertResources([newResource(stack.id, info, analysis!, generation)]);
      await tx.updateResource(rec.id, { replacedBy: fresh!.id });
      return fresh!;
    }
    if (node.firstStart && info && kind !== 'create' && (node.work === 'create' || node.work === 'update')) {
      // An update may change what the resource requires (a new stack's rows have it already); a row
      // never created is created now as what the template says it is.
      const fresh = newResource(stack.id, info, analysis!, 0);
      const patch =
        node.work === 'create'
          ? { requires: fresh.requires, type: fresh.type, implementation: fresh.implementation }
          : { requires: fresh.requires };
      await tx.updateResource(rec.id, patch);
      return { ...rec, ...patch };
    }
    return rec;
  }

  /** The live resources a create or update needs, by name, read in one query per stack. */
  async required(tx: Store, stackId: string, recs: ResourceRecord[]): Promise<Map<string, ResourceRecord>> {
    const wanted = new Set(recs.flatMap((r) => r.requires));
    if (!wanted.size) return new Map();
    return new Map((await tx.resourcesNamed(stackId, [...wanted])).filter(isCurrent).map((r) => [r.name, r]));
  }

  /**
   * The stack's state changes for a transition's writes, each with what it
   * carries: outputs resolved now against the live resources, the previous
   * template restored (a rollback begins) or forgotten (an update is over).
   * `stack` is updated in place, as the changes will leave it.
   */
  async stateChanges(
    tx: Store,
    stack: StackRecord,
    source: ChangeSource,
    writes: StateWrite[],
    analysis: Analysis | null,
  ): Promise<StateChange[]> {
    const changes: StateChange[] = [];
    for (const w of writes) {
      const patch: StackPatch = {};
      for (const effect of w.effects) {
        switch (effect) {
          case 'outputs':
            patch.outputs = analysis ? this.resolver.outputs(analysis, await tx.liveResourcesByName(stack.id)) : {};
            break;
          case 'deleted':
            patch.deletedAt = new Date().toISOString();
            break;
          case 'forget-previous':
            patch.previous = null;
            break;
          case 'forget-adopt-data': {
            const { adoptData: _adopted, ...options } = stack.options as Record<string, JsonValue>;
            patch.options = options;
            break;
          }
          case 'restore-previous': {
            const previous = stack.previous as unknown as PreviousTemplate;
            Object.assign(patch, {
              template: previous.template,
              environment: previous.environment,
              parameters: previous.parameters,
              files: previous.files,
              options: previous.options,
            });
            break;
          }
        }
      }
      Object.assign(stack, patch, { action: w.action, status: w.status, statusReason: w.reason });
      changes.push(stackChange(source, w.action, w.status, w.reason, patch));
    }
    return changes;
  }
}
