// Stack operations on a cloud's Heat: each is Heat's own API call (create,
// update with PUT or PATCH, preview, delete, cancel, suspend, resume,
// check), then the stack's mirror in Hearth's store is brought up to date
// and its events are read until the operation ends. Heat's refusals reach
// the caller as Heat gave them (HeatApiError).
import type { Plan, PlannedChange, PlannedAction } from '@hearth/engine';
import {
  HeatApiError,
  splitStatus,
  type HeatClient,
  type HeatResource,
  type HeatStack,
  type PreviewResult,
  type StackRequest,
} from '@hearth/openstack';
import { StoreError, type JsonValue, type NewStack, type StackRecord, type Store } from '@hearth/store';
import { stringify } from 'yaml';
import type { Clouds } from './clouds.ts';
import { heatState, stackStatePatch, type HeatMirrors } from './mirror.ts';
import { cloudLink, withLink, type CloudStackLink } from './target.ts';

/** A stack request as the API takes it, for a cloud. */
export interface CloudStackRequest {
  template?: string | undefined;
  environment?: string | undefined;
  parameters?: Record<string, JsonValue> | undefined;
  files?: Record<string, string> | undefined;
  environmentFiles?: string[] | undefined;
  clearParameters?: string[] | undefined;
  disableRollback?: boolean | undefined;
  timeoutMins?: number | undefined;
  /** The design it is deployed from (Hearth's own record; Heat is not told). */
  designId?: string | undefined;
}

/** A stack on a cloud, as its list shows it (and whether Hearth mirrors it). */
export interface CloudStackSummary {
  id: string;
  name: string;
  action: string;
  status: string;
  statusReason: string;
  createdAt: string;
  updatedAt: string | null;
  /** Hearth's mirror of it exists (it was deployed from Hearth or opened in it). */
  opened: boolean;
}

function heatRequest(request: CloudStackRequest): Partial<StackRequest> {
  return {
    ...(request.template !== undefined ? { template: request.template } : {}),
    ...(request.environment?.trim() ? { environment: request.environment } : {}),
    ...(request.parameters ? { parameters: request.parameters } : {}),
    ...(request.files ? { files: request.files } : {}),
    ...(request.disableRollback !== undefined ? { disableRollback: request.disableRollback } : {}),
    ...(request.timeoutMins !== undefined ? { timeoutMins: request.timeoutMins } : {}),
    ...(request.environmentFiles?.length ? { environmentFiles: request.environmentFiles } : {}),
    ...(request.clearParameters?.length ? { clearParameters: request.clearParameters } : {}),
  };
}

const CHANGE_ACTIONS: Array<[keyof PreviewResult, PlannedAction, string]> = [
  ['added', 'create', "Heat's preview: added"],
  ['updated', 'update', "Heat's preview: updated in place"],
  ['replaced', 'replace', "Heat's preview: replaced"],
  ['deleted', 'delete', "Heat's preview: deleted"],
  ['unchanged', 'unchanged', "Heat's preview: unchanged"],
];

/**
 * Heat's preview update as a Hearth plan. Heat lists the nested stacks'
 * resources (show_nested) beside the stack's own, each naming the resource
 * its stack belongs to: they become that resource's nested plan.
 */
export function planFromPreview(preview: PreviewResult): Plan {
  const top: PlannedChange[] = [];
  const nested = new Map<string, PlannedChange[]>();
  for (const [list, action, reason] of CHANGE_ACTIONS) {
    for (const item of preview[list] ?? []) {
      const change: PlannedChange = {
        resource: item.resource_name,
        type: item.resource_type ?? '',
        action,
        reason,
        changes: [],
        requires: [],
      };
      if (item.parent_resource) nested.set(item.parent_resource, [...(nested.get(item.parent_resource) ?? []), change]);
      else top.push(change);
    }
  }
  const summarize = (changes: PlannedChange[]): Plan => {
    const summary = { create: 0, update: 0, replace: 0, delete: 0, retain: 0, unchanged: 0 } as Record<PlannedAction, number>;
    for (const c of changes) {
      summary[c.action]++;
      const inner = nested.get(c.resource);
      if (inner) {
        nested.delete(c.resource);
        c.nested = summarize(inner);
      }
    }
    return { changes, summary };
  };
  return summarize(top);
}

export class CloudStacks {
  constructor(
    private readonly store: Store,
    private readonly clouds: Clouds,
    private readonly mirrors: HeatMirrors,
  ) {}

  private heat(link: CloudStackLink): HeatClient {
    return this.clouds.heat(link.cloud);
  }

  private static identity(link: CloudStackLink) {
    return { id: link.heatId, stack_name: link.heatName };
  }

  /** Marks the mirror as following an operation, takes Heat's state of it, and starts reading its events. */
  private async started(
    stack: StackRecord,
    link: CloudStackLink,
    patch: Partial<StackRecord> = {},
    options: Record<string, JsonValue> = {},
  ): Promise<StackRecord> {
    const now = await this.heat(link).get(link.heatId);
    await this.mirrors.start(stack.id, { ...patch, ...stackStatePatch(now) }, options);
    return (await this.store.getStack(stack.id))!;
  }

  async create(cloud: string, name: string, request: CloudStackRequest & { template: string }): Promise<StackRecord> {
    if (await this.store.getStack(name)) throw new StoreError(`A stack named ${name} already exists.`, 'CONFLICT');
    const heat = this.clouds.heat(cloud);
    // Rollback on failure unless disabled, as on Hearth's own engine (Heat's API alone defaults to no rollback).
    const created = await heat.create(name, { ...heatRequest(request), disableRollback: request.disableRollback ?? false } as StackRequest);
    const link: CloudStackLink = { cloud, heatId: created.id, heatName: name, markers: {}, following: true };
    const stack = await this.mirror(created.id, name, {
      action: 'CREATE',
      status: 'IN_PROGRESS',
      statusReason: 'Stack CREATE started',
      template: request.template,
      environment: request.environment ?? '',
      parameters: request.parameters ?? {},
      files: request.files ?? {},
      options: withLink(
        {
          ...(request.disableRollback !== undefined ? { disableRollback: request.disableRollback } : {}),
          ...(request.timeoutMins !== undefined ? { timeoutMins: request.timeoutMins } : {}),
          ...(request.designId !== undefined ? { designId: request.designId } : {}),
        },
        link,
      ),
    });
    return this.started(stack, link);
  }

  /** Hearth's record of a stack Heat has made; if it cannot be written, the error says where the stack is. */
  private async mirror(id: string, name: string, fields: Omit<NewStack, 'id' | 'name' | 'currentTraversal'>): Promise<StackRecord> {
    try {
      return await this.store.createStack({ id, name, ...fields, currentTraversal: null });
    } catch (error) {
      throw new StoreError(`Heat has stack ${name} (${id}), but Hearth could not record it: ${(error as Error).message}`, 'CONFLICT');
    }
  }

  /** Heat's update: PUT, or with `existing` its PATCH (only what is given changes). */
  async update(stack: StackRecord, request: CloudStackRequest, existing: boolean): Promise<StackRecord> {
    const link = this.link(stack);
    await this.heat(link).update(CloudStacks.identity(link), heatRequest(request), existing);
    // A PATCH's result is Heat's merge of the old and the new: read it back.
    const kept = existing
      ? await this.fromHeat(link)
      : {
          template: request.template ?? '',
          environment: request.environment ?? '',
          files: request.files ?? {},
          parameters: request.parameters ?? {},
        };
    return this.started(stack, link, kept, request.designId !== undefined ? { designId: request.designId } : {});
  }

  /** Heat's preview update of the stack to this request, nested stacks included. */
  async preview(stack: StackRecord, request: CloudStackRequest, existing = false): Promise<Plan> {
    const link = this.link(stack);
    return planFromPreview(await this.heat(link).preview(CloudStacks.identity(link), heatRequest(request), existing));
  }

  /**
   * Heat's own view of a mirrored stack now. An operation started elsewhere
   * (the openstack CLI, Horizon) is noticed here and its events are read too;
   * a stack Heat no longer has is marked deleted.
   */
  async live(stack: StackRecord): Promise<{ heat: HeatStack; resources: HeatResource[] } | null> {
    const link = this.link(stack);
    const heat = this.heat(link);
    let now: HeatStack;
    try {
      now = await heat.get(link.heatId);
    } catch (error) {
      if (!(error instanceof HeatApiError && error.status === 404)) throw error;
      this.mirrors.follow(stack.id);
      return null;
    }
    const state = heatState(now.stack_status);
    const changed = !state || state.action !== stack.action || state.status !== stack.status;
    // Followed but nobody reads (the reading failed): read again.
    if (link.following && !this.mirrors.following(stack.id)) this.mirrors.follow(stack.id);
    else if (!link.following && (state?.status === 'IN_PROGRESS' || changed)) await this.mirrors.start(stack.id);
    return { heat: now, resources: await heat.resources(CloudStacks.identity(link), 0, false) };
  }

  async delete(stack: StackRecord): Promise<StackRecord> {
    const link = this.link(stack);
    await this.heat(link).delete(CloudStacks.identity(link));
    return this.startedOrGone(stack, link);
  }

  async cancel(stack: StackRecord, rollback: boolean): Promise<StackRecord> {
    const link = this.link(stack);
    await this.heat(link).cancel(CloudStacks.identity(link), rollback);
    if (rollback) this.mirrors.expectRollback(stack.id);
    return this.started(stack, link);
  }

  /** Heat's stack actions: suspend, resume, check. */
  async action(stack: StackRecord, action: 'suspend' | 'resume' | 'check'): Promise<StackRecord> {
    const link = this.link(stack);
    // Heat leaves a stack already suspended (or resumed) as it is, with no event: so does Hearth, at once.
    const now = heatState((await this.heat(link).get(link.heatId)).stack_status);
    if (action !== 'check' && now?.action === action.toUpperCase() && now.status === 'COMPLETE') return stack;
    await this.heat(link).action(CloudStacks.identity(link), action);
    return this.started(stack, link);
  }

  /** A delete can end before Heat is asked again: then the stack is gone at once. */
  private async startedOrGone(stack: StackRecord, link: CloudStackLink): Promise<StackRecord> {
    try {
      return await this.started(stack, link);
    } catch (error) {
      if (!(error instanceof HeatApiError && error.status === 404)) throw error;
      await this.mirrors.start(stack.id);
      return (await this.store.getStack(stack.id))!;
    }
  }

  private link(stack: StackRecord): CloudStackLink {
    const link = cloudLink(stack);
    if (!link) throw new StoreError(`Stack ${stack.name} is not on a cloud.`, 'INVALID');
    return link;
  }

  /** The cloud's stacks (the project's), newest first, each saying whether Hearth has it open. */
  async list(cloud: string): Promise<CloudStackSummary[]> {
    const stacks = await this.clouds.heat(cloud).list();
    const mirrored = new Set((await this.store.listStacks()).map((s) => s.id));
    return stacks.map((s) => {
      const { action, status } = splitStatus(s.stack_status);
      return {
        id: s.id,
        name: s.stack_name,
        action,
        status,
        statusReason: s.stack_status_reason,
        createdAt: s.creation_time,
        updatedAt: s.updated_time,
        opened: mirrored.has(s.id),
      };
    });
  }

  /**
   * Opens a stack of the cloud in Hearth (one made by Hearth, the openstack
   * CLI or Horizon): its template, environment and files as Heat has them,
   * every event so far, and live ones from now on.
   */
  async open(cloud: string, nameOrId: string): Promise<StackRecord> {
    const heat = this.clouds.heat(cloud);
    const found = await heat.get(nameOrId);
    // Heat finds a deleted stack by its id until it is purged.
    if (found.stack_status === 'DELETE_COMPLETE') throw new HeatApiError(`The stack ${nameOrId} was deleted.`, 404, 'EntityNotFound');
    const mirror = await this.store.getStack(found.id);
    if (mirror && !mirror.deletedAt) {
      // Already open: read on only if Heat has moved on (nothing is written otherwise).
      await this.live(mirror);
      return (await this.store.getStack(mirror.id))!;
    }
    if (mirror) throw new StoreError(`Hearth recorded stack ${found.stack_name} (${found.id}) as deleted.`, 'CONFLICT');
    const other = await this.store.getStack(found.stack_name);
    if (other)
      throw new StoreError(`Hearth already has a stack named ${found.stack_name}; delete or rename it to open this one.`, 'CONFLICT');
    const link: CloudStackLink = { cloud, heatId: found.id, heatName: found.stack_name, markers: {}, following: true };
    const stack = await this.mirror(found.id, found.stack_name, {
      action: 'INIT',
      status: 'COMPLETE',
      statusReason: '',
      ...(await this.fromHeat(link)),
      options: withLink({ disableRollback: found.disable_rollback ?? true }, link),
    });
    await this.mirrors.start(stack.id, stackStatePatch(found));
    return (await this.store.getStack(stack.id))!;
  }

  /**
   * The stack's template, environment and files as Heat has them. Heat gives
   * the template back as JSON: as YAML it reads as the author wrote it (key
   * order is kept, comments are lost). Hidden parameters' values in the
   * environment are masked, as Heat masks them in stack show.
   */
  private async fromHeat(link: CloudStackLink): Promise<Pick<StackRecord, 'template' | 'environment' | 'files' | 'parameters'>> {
    const heat = this.heat(link);
    const identity = CloudStacks.identity(link);
    const [template, environment, files] = await Promise.all([heat.template(identity), heat.environment(identity), heat.files(identity)]);
    const env = { ...((environment ?? {}) as Record<string, unknown>) };
    const declared = ((template as { parameters?: Record<string, { hidden?: unknown }> } | null)?.parameters ?? {}) as Record<
      string,
      { hidden?: unknown }
    >;
    for (const section of ['parameters', 'parameter_defaults']) {
      const values = env[section];
      if (!values || typeof values !== 'object') continue;
      env[section] = Object.fromEntries(
        Object.entries(values as Record<string, unknown>).map(([k, v]) => [
          k,
          declared[k]?.hidden === true || declared[k]?.hidden === 'true' ? '******' : v,
        ]),
      );
    }
    const meaningful = Object.values(env).some((v) => v && (typeof v !== 'object' || Object.keys(v).length));
    return {
      template: stringify(template, { lineWidth: 0 }),
      environment: meaningful ? stringify(env, { lineWidth: 0 }) : '',
      files: files ?? {},
      parameters: {},
    };
  }
}
