// Heat's own resource types, behaving as Heat documents them.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ActionContext, NestedResult, ProvidedState, ResourceProvider, UpdateContext } from '@hearth/engine';
import { ResourceFailure } from '@hearth/engine';
import type { Value, ValueMap } from '@hearth/template';
import { isValueMap, jsonDumps } from '@hearth/template';
import type { SimulatedCloud } from './cloud.ts';
import { runSignalCommands } from './signal-commands.ts';
import { actionTakes, simulateAction } from './simulation.ts';
import { dig, nestedStackActions } from './groups.ts';

const str = (v: Value | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const num = (v: Value | undefined, d = 0): number => (typeof v === 'number' ? v : Number(v ?? d) || d);

/** OS::Heat::None: nothing to do. */
export const noneProvider: ResourceProvider = {
  async create() {
    return { physicalId: randomUUID(), attributes: {} };
  },
  async delete() {},
  async check() {},
  attribute: () => null,
};

function actionWait(ctx: ActionContext, action: 'create' | 'update' | 'delete'): number {
  const per = ctx.properties.action_wait_secs;
  if (isValueMap(per) && per[action] !== undefined && per[action] !== null) return num(per[action]);
  return num(ctx.properties.wait_secs);
}

/** OS::Heat::TestResource: waits, fails or returns its value as its properties say. */
export const testResourceProvider: ResourceProvider = {
  async create(ctx) {
    await actionTakes(ctx, actionWait(ctx, 'create'));
    if (ctx.properties.fail === true) throw new ResourceFailure('Test Resource failed ' + ctx.resourceName, 'ValueError');
    return { physicalId: randomUUID(), attributes: { output: str(ctx.properties.value ?? 'test_string') } };
  },
  async update(ctx: UpdateContext) {
    await actionTakes(ctx, actionWait(ctx, 'update'));
    if (ctx.properties.fail === true) throw new ResourceFailure('Test Resource failed ' + ctx.resourceName, 'ValueError');
    return { physicalId: ctx.physicalId ?? randomUUID(), attributes: { output: str(ctx.properties.value ?? 'test_string') } };
  },
  async delete(ctx) {
    await actionTakes(ctx, actionWait(ctx, 'delete'));
  },
  async check() {},
  replaceReason(before, after) {
    if (after.update_replace === true) return 'update_replace is true: TestResource replaces itself on every change.';
    if (
      after.update_replace_value !== undefined &&
      after.update_replace_value !== null &&
      before.update_replace_value !== after.update_replace_value
    ) {
      return 'update_replace_value changes, which replaces a TestResource.';
    }
    return null;
  },
};

const CLASSES: Record<string, string> = {
  lettersdigits: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdef',
  octdigits: '01234567',
};

function pick(chars: string): string {
  return chars[randomBytes(2).readUInt16BE(0) % chars.length]!;
}

/** OS::Heat::RandomString: a random string, made once. */
export const randomStringProvider: ResourceProvider = {
  async create(ctx) {
    const length = num(ctx.properties.length, 32);
    const classes = Array.isArray(ctx.properties.character_classes)
      ? ctx.properties.character_classes
      : [{ class: 'lettersdigits', min: 1 }];
    const sequences = Array.isArray(ctx.properties.character_sequences) ? ctx.properties.character_sequences : [];
    const pools: Array<{ chars: string; min: number }> = [];
    for (const c of classes) if (isValueMap(c)) pools.push({ chars: CLASSES[str(c.class)] ?? CLASSES.lettersdigits!, min: num(c.min, 1) });
    for (const s of sequences) if (isValueMap(s)) pools.push({ chars: str(s.sequence), min: num(s.min, 1) });
    if (typeof ctx.properties.sequence === 'string')
      pools.splice(0, pools.length, { chars: CLASSES[ctx.properties.sequence] ?? CLASSES.lettersdigits!, min: 1 });
    const required = pools.reduce((n, p) => n + p.min, 0);
    if (required > length)
      throw new ResourceFailure(
        `Length of ${length} is shorter than the minimum ${required} characters the character classes ask for.`,
        'StackValidationFailed',
      );
    const chars: string[] = [];
    for (const p of pools) for (let i = 0; i < p.min; i++) chars.push(pick(p.chars));
    const all = pools.map((p) => p.chars).join('');
    while (chars.length < length) chars.push(pick(all));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomBytes(2).readUInt16BE(0) % (i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const value = chars.join('');
    return { physicalId: value, attributes: { value } };
  },
  async delete() {},
  async check() {},
};

/** OS::Heat::Value: holds a computed value. */
export const valueProvider: ResourceProvider = {
  async create(ctx) {
    return { physicalId: randomUUID(), attributes: { value: ctx.properties.value ?? null } };
  },
  async update(ctx) {
    return { physicalId: ctx.physicalId ?? randomUUID(), attributes: { value: ctx.properties.value ?? null } };
  },
  async delete() {},
  async check() {},
};

/** OS::Heat::WaitConditionHandle: a URL and token to signal, with a working curl command. */
const HANDLE_TYPES = new Set(['OS::Heat::WaitConditionHandle', 'OS::Heat::UpdateWaitConditionHandle']);

export const waitConditionHandleProvider: ResourceProvider = {
  async create(ctx) {
    const id = randomUUID();
    const token = randomBytes(18).toString('base64url');
    return { physicalId: id, attributes: handleAttributes(ctx.services.signalBaseUrl, id, token) };
  },
  async delete(ctx) {
    if (ctx.physicalId) await ctx.services.deleteSignals(ctx.physicalId);
  },
  async check() {},
};

export function handleAttributes(base: string, id: string, token: string): ValueMap {
  const endpoint = `${base.replace(/\/$/, '')}/signal/${id}`;
  return {
    endpoint,
    token,
    curl_cli: `curl -i -X POST -H 'X-Auth-Token: ${token}' -H 'Content-Type: application/json' -H 'Accept: application/json' ${endpoint}`,
    signal: { url: endpoint, token },
  };
}

/** A stored signal as Heat's handle keeps it (the engine checked its format when it arrived). */
interface Signal {
  id: string;
  status: string;
  reason: string;
  data: Value;
}

function readSignal(stored: { id: string; data: Value }): Signal {
  const m = isValueMap(stored.data) ? stored.data : {};
  return { id: stored.id, status: str(m.status ?? 'SUCCESS'), reason: str(m.reason ?? ''), data: m.data ?? null };
}

/**
 * OS::Heat::WaitCondition: waits until its handle holds `count` signals (each
 * id counts once), all SUCCESS; any other status fails it with the reasons.
 * Messages as Heat's (WaitConditionFailure, WaitConditionTimeout).
 */
export const waitConditionProvider: ResourceProvider = {
  async create(ctx) {
    const handle = str(ctx.properties.handle);
    // Heat's _get_handle_resource: the handle is a resource of this stack (resource_by_refid), never another's.
    const found = await ctx.services.resourceByReference(ctx.stack, handle);
    if (!found || !HANDLE_TYPES.has(found.type))
      throw new ResourceFailure(`WaitCondition invalid Handle ${handle}`, 'StackValidationFailed');
    return waitOnHandle(ctx, handle, Math.max(1, num(ctx.properties.count, 1)), num(ctx.properties.timeout, 0));
  },
  async delete() {},
  async check() {},
};

/**
 * Waits until the handle holds `count` signals (each id counts once), all SUCCESS; any other status
 * fails with the reasons, and so does the timeout (seconds; 0: none). The wait condition's state.
 */
export async function waitOnHandle(ctx: ActionContext, handle: string, count: number, timeout: number): Promise<ProvidedState> {
  const controller = new AbortController();
  const stop = () => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stop, { once: true });
  let signals: Signal[] = [];
  const timer =
    timeout > 0
      ? setTimeout(() => {
          const reasons = signals.filter((s) => s.status === 'SUCCESS').map((s) => s.reason);
          const message = `${reasons.length} of ${count} received${reasons.length ? ` - ${reasons.join(';')}` : ''}`;
          controller.abort(new ResourceFailure(message, 'WaitConditionTimeout'));
        }, timeout * 1000)
      : null;
  try {
    for (;;) {
      signals = (await ctx.services.signals(handle)).map(readSignal);
      const failed = signals.filter((s) => s.status !== 'SUCCESS');
      if (failed.length) throw new ResourceFailure(failed.map((s) => s.reason).join(';'), 'WaitConditionFailure');
      if (signals.length >= count) {
        const data = Object.fromEntries(signals.map((s) => [s.id, s.data]));
        return { physicalId: randomUUID(), attributes: { data: jsonDumps(data as ValueMap) } };
      }
      await ctx.services.waitForSignal(handle, controller.signal);
    }
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof ResourceFailure) throw controller.signal.reason;
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
    ctx.signal.removeEventListener('abort', stop);
  }
}

/**
 * Heat's reference to a nested stack (heat/common/identifier.py
 * HeatIdentifier.arn). Hearth has no projects: the tenant part is empty.
 */
export function stackArn(name: string, id: string): string {
  return `arn:openstack:heat:::stacks/${encodeURIComponent(name)}/${id}`;
}

const STACK_ID_OUTPUT = 'OS::stack_id';
const MEMBER_PREFIX = 'resource.';

/**
 * A template resource's attributes: its nested stack's outputs; OS::stack_id,
 * which is also what get_resource gives (the output of that name when the
 * template has one, else the nested stack's arn, as Heat caches it); and each
 * nested resource's reference and attributes under `resource.<name>`, for
 * get_attr [res, resource.<name>.<attribute>].
 */
async function templateAttributes(ctx: ActionContext, nested: NestedResult): Promise<ValueMap> {
  const members = await ctx.services.nestedResources(nested.stackId);
  const attributes: ValueMap = {};
  for (const m of members) attributes[`${MEMBER_PREFIX}${m.name}`] = { reference: m.physicalId, attributes: m.attributes };
  Object.assign(attributes, nested.outputs);
  attributes[STACK_ID_OUTPUT] =
    STACK_ID_OUTPUT in nested.outputs ? (nested.outputs[STACK_ID_OUTPUT] ?? null) : stackArn(nested.name, nested.stackId);
  return attributes;
}

function nestedRequest(ctx: ActionContext, template: NonNullable<ActionContext['nestedTemplate']>) {
  return {
    parent: ctx.stack,
    resourceName: ctx.resourceName,
    template: template.text,
    parameters: ctx.properties,
    files: template.files,
    registryEntry: template.registryEntry,
    ...(template.facade ? { facade: template.facade } : {}),
    signal: ctx.signal,
  };
}

/** A resource whose type is a template: a nested stack with its properties as parameters, its outputs as attributes. */
export const templateResourceProvider: ResourceProvider = {
  async create(ctx) {
    if (!ctx.nestedTemplate) throw new ResourceFailure(`The template of ${ctx.type} is not available.`, 'NotFound');
    const nested = await ctx.services.createNested(nestedRequest(ctx, ctx.nestedTemplate));
    return { physicalId: nested.stackId, attributes: await templateAttributes(ctx, nested) };
  },
  async update(ctx) {
    if (!ctx.nestedTemplate || !ctx.physicalId) return this.create(ctx);
    const nested = await ctx.services.updateNested(ctx.physicalId, nestedRequest(ctx, ctx.nestedTemplate));
    return { physicalId: nested.stackId, attributes: await templateAttributes(ctx, nested) };
  },
  ...nestedStackActions,
  reference(state) {
    return state.attributes[STACK_ID_OUTPUT] ?? undefined;
  },
  // heat/engine/resources/stack_resource.py: the nested stack is adopted with the resources the data gives it.
  async adoptFrom(ctx, data) {
    if (!ctx.nestedTemplate) throw new ResourceFailure(`The template of ${ctx.type} is not available.`, 'NotFound');
    const nested = await ctx.services.createNested({
      ...nestedRequest(ctx, ctx.nestedTemplate),
      adoptData: { resources: data.resources ?? {} },
    });
    return { physicalId: nested.stackId, attributes: await templateAttributes(ctx, nested) };
  },
  // heat/engine/resources/template_resource.py get_attribute: resource.<name>[.<attribute>] reads the nested stack.
  attribute(state, name, path) {
    if (!name.startsWith(MEMBER_PREFIX)) return undefined;
    // As get_nested_attrs: the name's parts after resource. and then the path; one part alone is the reference.
    const [member, ...rest] = name.slice(MEMBER_PREFIX.length).split('.');
    const [attribute, ...below] = [...rest, ...path];
    const entry = state.attributes[`${MEMBER_PREFIX}${member}`];
    if (!isValueMap(entry)) return null;
    if (attribute === undefined) return entry.reference ?? null;
    const attributes = isValueMap(entry.attributes) ? entry.attributes : {};
    return dig(attributes[String(attribute)] ?? null, below);
  },
};

/** Software configurations: stored, immutable, referenced by deployments. */
export function configProvider(cloud: SimulatedCloud, kind: string): ResourceProvider {
  return {
    async create(ctx) {
      const existing = await cloud.objects.byToken(ctx.clientToken);
      const config = ctx.properties.config ?? (kind === 'multipart' ? (ctx.properties.parts ?? []) : '');
      const record = {
        group: str(ctx.properties.group ?? 'Heat::Ungrouped'),
        config: JSON.parse(JSON.stringify(config)),
        inputs: JSON.parse(JSON.stringify(ctx.properties.inputs ?? [])),
        outputs: JSON.parse(JSON.stringify(ctx.properties.outputs ?? [])),
        options: JSON.parse(JSON.stringify(ctx.properties.options ?? {})),
        name: ctx.resourceName,
      };
      const object =
        existing ??
        (await cloud.objects.insert({
          id: randomUUID(),
          kind,
          clientToken: ctx.clientToken,
          stackId: ctx.stack.id,
          resourceName: ctx.resourceName,
          data: record,
        }));
      return { physicalId: object.id, attributes: { config: typeof config === 'string' ? config : (config as Value) } };
    },
    async delete(ctx) {
      if (ctx.physicalId) await cloud.objects.delete(ctx.physicalId);
    },
    async check() {},
    async adopt(ctx) {
      const o = await cloud.objects.byToken(ctx.clientToken);
      return o ? { physicalId: o.id, attributes: { config: (o.data.config as Value) ?? '' } } : null;
    },
  };
}

/**
 * Software deployments, run by the simulated agent of the server they
 * target: it substitutes the inputs, "applies" the configuration, reports
 * deploy_stdout, deploy_stderr and deploy_status_code, and gives each output
 * the input of the same name (or a value saying which server produced it).
 */
export function deploymentProvider(cloud: SimulatedCloud): ResourceProvider {
  const deploy = async (ctx: ActionContext, action: 'CREATE' | 'UPDATE' | 'DELETE'): Promise<ProvidedState> => {
    const actions = Array.isArray(ctx.properties.actions) ? ctx.properties.actions.map(String) : ['CREATE', 'UPDATE'];
    const server = await cloud.find('server', str(ctx.properties.server));
    if (!server) throw new ResourceFailure(`The server ${str(ctx.properties.server)} could not be found.`, 'NotFound');
    const config = ctx.properties.config ? await cloud.get(str(ctx.properties.config)) : null;
    const inputs = isValueMap(ctx.properties.input_values) ? ctx.properties.input_values : {};
    const id = ctx.physicalId ?? randomUUID();
    if (!actions.includes(action)) return { physicalId: id, attributes: { deploy_stdout: '', deploy_stderr: '', deploy_status_code: 0 } };
    await simulateAction(ctx, action === 'DELETE' ? 'delete' : action === 'UPDATE' ? 'update' : 'create');
    const declared = Array.isArray(config?.data.outputs) ? (config!.data.outputs as Value[]) : [];
    const outputs: ValueMap = {};
    for (const o of declared) {
      const name = isValueMap(o) ? str(o.name) : str(o);
      if (!name) continue;
      outputs[name] = inputs[name] ?? `${String(server.data.name)}:${name}`;
    }
    const stdout = `[simulated agent on ${String(server.data.name)}] ${action} ${String(config?.data.name ?? 'configuration')} (${String(config?.data.group ?? 'Heat::Ungrouped')}) with ${Object.keys(inputs).length} inputs`;
    const log = Array.isArray(server.data.deployments) ? server.data.deployments : [];
    await cloud.objects.update(server.id, {
      ...server.data,
      deployments: [
        ...log,
        {
          deployment: id,
          resource: ctx.resourceName,
          action,
          config: config?.id ?? null,
          inputs: JSON.parse(JSON.stringify(inputs)),
          outputs: JSON.parse(JSON.stringify(outputs)),
          time: new Date().toISOString(),
        },
      ],
    });
    // The agent "runs" the script: the wait condition signals it sends are sent, with the outputs as data.
    const script = [typeof config?.data.config === 'string' ? config.data.config : '', ...Object.values(inputs).map((v) => str(v))].join(
      '\n',
    );
    await runSignalCommands(ctx, script, { status: 'SUCCESS', reason: `${ctx.resourceName} applied`, data: outputs, id: ctx.resourceName });
    return { physicalId: id, attributes: { ...outputs, deploy_stdout: stdout, deploy_stderr: '', deploy_status_code: 0 } };
  };
  return {
    create: (ctx) => deploy(ctx, 'CREATE'),
    update: (ctx) => deploy(ctx, 'UPDATE'),
    async delete(ctx) {
      const actions = Array.isArray(ctx.properties.actions) ? ctx.properties.actions.map(String) : [];
      if (actions.includes('DELETE')) await deploy(ctx, 'DELETE');
    },
    async check() {},
    attribute(state, name) {
      return name in state.attributes ? undefined : null;
    },
  };
}
