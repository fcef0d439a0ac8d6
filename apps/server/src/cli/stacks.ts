// The stack verbs: plan, deploy, update, delete, cancel, events, outputs.
import { parseArgs } from 'node:util';
import { warnWithoutWorkers } from './engines.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import type { Value } from '@hearth/template';
import { connect, format, guarded, readEnvironments, readTemplateBundle, SERVER_OPTIONS, SERVER_USAGE, type Client } from './remote.ts';
import { parseParamArgs } from './validate.ts';
import { lastEventId, watchStack } from './watch.ts';

const TEMPLATE_OPTIONS = {
  env: { type: 'string', short: 'e', multiple: true, default: [] as string[] },
  param: { type: 'string', short: 'p', multiple: true, default: [] as string[] },
  format: { type: 'string', short: 'f', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SERVER_OPTIONS,
} as const;

const TEMPLATE_USAGE = `  -e, --env FILE          an environment file (repeat for more: they merge in order,
                          as Heat merges them)
  -p, --param NAME=VALUE  a parameter value (repeat for more)
  -f, --format FORMAT     text (default) or json
${SERVER_USAGE}`;

const CLOUD_USAGE = `      --os-cloud NAME     the stack is on the OpenStack cloud NAME (from the server's
                          clouds.yaml): its Heat runs the operation, Hearth follows it`;

const RUN_USAGE = `      --watch             follow the operation live; exit 1 unless it completes
${CLOUD_USAGE}
      --disable-rollback  keep what a failed create made
      --timeout MINUTES   fail the operation after this long
      --simulate-latency SECONDS   in a rehearsal: how long each simulated action takes
      --simulate-fail RESOURCE     in a rehearsal: make this resource's action fail (repeat)`;

export const PLAN_USAGE = `Usage: hearth plan [--stack NAME] [options] TEMPLATE

Shows what deploying TEMPLATE would do: to a new stack, or to the existing
stack NAME (create, update in place, replace, delete, unchanged; and why).

      --stack NAME        plan an update of this stack
${TEMPLATE_USAGE}`;

export const DEPLOY_USAGE = `Usage: hearth deploy [options] NAME TEMPLATE

Creates the stack NAME from TEMPLATE: a rehearsal on the server's own engine
(a simulated cloud), or with --os-cloud on that cloud's Heat.

${RUN_USAGE}
${TEMPLATE_USAGE}`;

export const UPDATE_USAGE = `Usage: hearth update [options] NAME TEMPLATE
       hearth update --existing [options] NAME [TEMPLATE]

Updates the stack NAME to TEMPLATE, following the plan it prints first.

      --existing          Heat's PATCH update: keep the stack's template, files,
                          environment and parameters, and change only what is
                          given (a template, --env files, --param values)
      --clear-parameter NAME
                          with --existing: forget the value given for NAME (it
                          falls back to parameter_defaults or its default)
${RUN_USAGE}
${TEMPLATE_USAGE}`;

export const DELETE_USAGE = `Usage: hearth delete [--watch] [--format json] [--os-cloud NAME] NAME

${CLOUD_USAGE}
${SERVER_USAGE}`;
export const CANCEL_USAGE = `Usage: hearth cancel [--no-rollback] [--watch] [--format json] [--os-cloud NAME] NAME

Cancels the update in progress on stack NAME, as Heat's cancel_update does:
nothing new starts, running actions are stopped, and the stack rolls back to
the template it had (whatever disable_rollback says).

  --no-rollback   Stop starting new work, let running actions finish and leave
                  the stack UPDATE_FAILED (or CREATE_FAILED: a create in
                  progress can be cancelled only this way). Nothing rolls back.
${CLOUD_USAGE}
${SERVER_USAGE}`;
export const SUSPEND_USAGE = `Usage: hearth suspend [--watch] [--format json] [--os-cloud NAME] NAME

Suspends stack NAME as Heat's stack suspend does: each resource in reverse
dependency order (servers are suspended; nested stacks suspend theirs). The
stack ends SUSPEND_COMPLETE, and cannot be updated until it is resumed.
${CLOUD_USAGE}
${SERVER_USAGE}`;
export const RESUME_USAGE = `Usage: hearth resume [--watch] [--format json] [--os-cloud NAME] NAME

Resumes the suspended stack NAME, each resource in dependency order.
${CLOUD_USAGE}
${SERVER_USAGE}`;
export const CHECK_USAGE = `Usage: hearth check [--watch] [--format json] [--os-cloud NAME] NAME

Checks that each of stack NAME's resources still exists and is healthy
(CHECK_COMPLETE or CHECK_FAILED).
${CLOUD_USAGE}
${SERVER_USAGE}`;
export const EVENTS_USAGE = `Usage: hearth events [--after ID] [--limit N] [--follow] [--format json] NAME

${SERVER_USAGE}`;
export const OUTPUTS_USAGE = `Usage: hearth outputs [--format json] NAME

${SERVER_USAGE}`;

type Plan = Awaited<ReturnType<Client['templates']['plan']['query']>>;

function printPlan(io: CliIO, plan: Plan): void {
  const symbols: Record<string, string> = { create: '+', update: '~', replace: '-/+', delete: '-', retain: '-', unchanged: ' ' };
  const nestedTotals = { create: 0, update: 0, replace: 0, delete: 0, retain: 0, unchanged: 0 };
  // A nested stack's changes follow its resource, named by their path (as Heat's preview with show_nested lists them).
  const print = (p: Plan, prefix: string) => {
    for (const change of p.changes) {
      if (prefix) nestedTotals[change.action]++;
      if (change.action === 'unchanged' && !change.nested) continue;
      io.out(
        `${(symbols[change.action] ?? '?').padStart(3)} ${prefix}${change.resource} (${change.type}): ${change.action} — ${change.reason}`,
      );
      for (const c of change.changes)
        io.out(
          `      ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}${c.forcesReplacement ? '  (forces replacement)' : ''}`,
        );
      if (change.nested) print(change.nested, `${prefix}${change.resource}/`);
    }
  };
  print(plan, '');
  const s = plan.summary;
  const n = nestedTotals;
  const inNested =
    n.create + n.update + n.replace + n.delete + n.retain
      ? ` In nested stacks: ${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete + n.retain} to delete.`
      : '';
  io.out(
    `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete + s.retain} to delete (${s.retain} retained), ${s.unchanged} unchanged.${inNested}`,
  );
}

export async function planCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...TEMPLATE_OPTIONS, stack: { type: 'string' } },
  });
  if (values.help) return (io.out(PLAN_USAGE), 0);
  const fmt = format(values.format);
  if (positionals.length !== 1) throw new UsageError('name one template');
  const bundle = readTemplateBundle(positionals[0]!, values.env, parseParamArgs(values.param));
  const client = connect(values);
  return guarded(io, async () => {
    const plan = await client.templates.plan.query({ ...bundle, ...(values.stack ? { stack: values.stack } : {}) });
    if (fmt === 'json') io.out(JSON.stringify(plan));
    else printPlan(io, plan);
    return 0;
  });
}

function runOptions(values: { 'disable-rollback'?: boolean; timeout?: string; 'simulate-latency'?: string; 'simulate-fail'?: string[] }) {
  const simulation: { latency?: number; fail?: string[] } = {};
  if (values['simulate-latency'] !== undefined) simulation.latency = Number(values['simulate-latency']);
  if (values['simulate-fail']?.length) simulation.fail = values['simulate-fail'];
  if (simulation.latency !== undefined && !(simulation.latency >= 0)) throw new UsageError('--simulate-latency needs a number of seconds');
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout needs a number of minutes');
  return {
    ...(values['disable-rollback'] ? { disableRollback: true } : {}),
    ...(timeout !== undefined ? { timeoutMins: timeout } : {}),
    ...(Object.keys(simulation).length ? { simulation } : {}),
  };
}

const RUN_OPTIONS = {
  watch: { type: 'boolean', short: 'w', default: false },
  'disable-rollback': { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'simulate-latency': { type: 'string' },
  'simulate-fail': { type: 'string', multiple: true, default: [] as string[] },
  existing: { type: 'boolean', default: false },
  'os-cloud': { type: 'string' },
  'clear-parameter': { type: 'string', multiple: true, default: [] as string[] },
} as const;

export async function finish(
  client: Client,
  io: CliIO,
  stack: string,
  after: number | null,
  expected: string,
  watch: boolean,
  json: boolean,
  started: unknown,
  outcome: 'COMPLETE' | 'FAILED' = 'COMPLETE',
  requested = `${expected} started`,
): Promise<number> {
  // Engine workers run rehearsals only: a cloud's Heat runs its own stacks.
  const onCloud = (started as { target?: { kind: string } } | null)?.target?.kind === 'openstack';
  if (!onCloud) await warnWithoutWorkers(client, io);
  if (!watch) {
    io.out(json ? JSON.stringify(started) : `Stack ${stack}: ${requested}.`);
    return 0;
  }
  const result = await watchStack(client, io, stack, after, expected, json, outcome);
  return result.ok ? 0 : 1;
}

/** What deploy and update read from their arguments: the stack, its template bundle, the run options. */
function runRequest(argv: string[], io: CliIO, usage: string) {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...TEMPLATE_OPTIONS, ...RUN_OPTIONS } });
  if (values.help) {
    io.out(usage);
    return null;
  }
  const json = format(values.format) === 'json';
  const patch = values.existing && usage === UPDATE_USAGE;
  if (!patch && values['clear-parameter'].length) throw new UsageError('--clear-parameter goes with update --existing');
  if (values.existing && !patch) throw new UsageError('--existing is an option of update');
  if (positionals.length !== 2 && !(patch && positionals.length === 1)) throw new UsageError('give the stack name and the template');
  const [name, templatePath] = positionals as [string, string | undefined];
  const parameters = parseParamArgs(values.param);
  const bundle: { template?: string; parameters: Record<string, Value> } = templatePath
    ? readTemplateBundle(templatePath, values.env, parameters)
    : { ...readEnvironments(values.env).request, parameters };
  const request = patch ? { ...bundle, existing: true, clearParameters: values['clear-parameter'] } : bundle;
  return {
    name,
    bundle: request,
    json,
    watch: values.watch,
    options: runOptions(values),
    client: connect(values),
    cloud: values['os-cloud'],
  };
}

export async function deployCommand(argv: string[], io: CliIO): Promise<number> {
  const run = runRequest(argv, io, DEPLOY_USAGE);
  if (!run) return 0;
  const { name, bundle, json, watch, options, client, cloud } = run;
  return guarded(io, async () => {
    const { template, ...rest } = bundle;
    const stack = await client.stacks.create.mutate({
      name,
      template: template!,
      ...rest,
      options,
      ...(cloud ? { target: { cloud } } : {}),
    });
    return finish(client, io, name, null, 'CREATE', watch, json, stack);
  });
}

export async function updateCommand(argv: string[], io: CliIO): Promise<number> {
  const run = runRequest(argv, io, UPDATE_USAGE);
  if (!run) return 0;
  const { name, bundle, json, watch, options, client, cloud } = run;
  return guarded(io, async () => {
    if (cloud) await client.clouds.open.mutate({ cloud, stack: name });
    const current = await client.stacks.get.query({ stack: name });
    const after = await lastEventId(client, name);
    const { plan, stack } = await client.stacks.update.mutate({ stack: name, ...bundle, options, planBasedOn: current.updatedAt });
    if (json) io.out(JSON.stringify({ type: 'plan', ...plan }));
    else printPlan(io, plan);
    return finish(client, io, name, after, 'UPDATE', watch, json, stack);
  });
}

const SIMPLE = {
  watch: { type: 'boolean', short: 'w', default: false },
  format: { type: 'string', short: 'f', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
  ...SERVER_OPTIONS,
} as const;

/** How an operation on a named stack is meant to end (`<action>_<outcome>`), and what is said when it is not watched. */
interface Expected {
  action: string;
  outcome: 'COMPLETE' | 'FAILED';
  requested: string;
}

/** A verb that starts an operation on one named stack (delete, cancel), optionally watched to its end. */
async function stackOperation(
  argv: string[],
  io: CliIO,
  verb: {
    usage: string;
    missing: string;
    /** `already`: nothing was started, the stack is where the verb would take it (said instead of watching). */
    start: (client: Client, stack: string, flags: { noRollback: boolean }) => Promise<Expected & { started: unknown; already?: string }>;
  },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...SIMPLE, 'no-rollback': { type: 'boolean', default: false }, 'os-cloud': { type: 'string' } },
  });
  if (values.help) return (io.out(verb.usage), 0);
  const json = format(values.format) === 'json';
  if (positionals.length !== 1) throw new UsageError(verb.missing);
  const name = positionals[0]!;
  const client = connect(values);
  return guarded(io, async () => {
    // A stack on a cloud that Hearth has not opened yet (made with the openstack CLI or Horizon) is opened first.
    const cloud = values['os-cloud'];
    if (cloud) await client.clouds.open.mutate({ cloud, stack: name });
    const after = await lastEventId(client, name);
    const { action, outcome, requested, started, already } = await verb.start(client, name, { noRollback: values['no-rollback'] });
    if (already) return (io.out(json ? JSON.stringify(started) : `Stack ${name}: ${already}.`), 0);
    return finish(client, io, name, after, action, values.watch, json, started, outcome, requested);
  });
}

export function deleteCommand(argv: string[], io: CliIO): Promise<number> {
  return stackOperation(argv, io, {
    usage: DELETE_USAGE,
    missing: 'name the stack to delete',
    start: async (client, stack, { noRollback }) => {
      if (noRollback) throw new UsageError('--no-rollback is an option of cancel');
      return { action: 'DELETE', outcome: 'COMPLETE', requested: 'DELETE started', started: await client.stacks.delete.mutate({ stack }) };
    },
  });
}

/** Suspend, resume and check: an operation that ends ACTION_COMPLETE or ACTION_FAILED, without rollback. */
function plainOperation(
  action: 'SUSPEND' | 'RESUME' | 'CHECK',
  usage: string,
  run: (client: Client, stack: string) => Promise<{ action: string; status: string; inProgress: boolean }>,
) {
  return (argv: string[], io: CliIO) =>
    stackOperation(argv, io, {
      usage,
      missing: `name the stack to ${action.toLowerCase()}`,
      start: async (client, stack, { noRollback }) => {
        if (noRollback) throw new UsageError('--no-rollback is an option of cancel');
        const started = await run(client, stack);
        // Heat leaves a stack already suspended (or resumed) as it is.
        const already =
          action !== 'CHECK' && started.action === action && started.status === 'COMPLETE' && !started.inProgress
            ? `already ${action}_COMPLETE, nothing to do`
            : undefined;
        return { action, outcome: 'COMPLETE', requested: `${action} started`, started, ...(already ? { already } : {}) };
      },
    });
}

export const suspendCommand = plainOperation('SUSPEND', SUSPEND_USAGE, (client, stack) => client.stacks.suspend.mutate({ stack }));
export const resumeCommand = plainOperation('RESUME', RESUME_USAGE, (client, stack) => client.stacks.resume.mutate({ stack }));
export const checkCommand = plainOperation('CHECK', CHECK_USAGE, (client, stack) => client.stacks.check.mutate({ stack }));

export function cancelCommand(argv: string[], io: CliIO): Promise<number> {
  return stackOperation(argv, io, {
    usage: CANCEL_USAGE,
    missing: 'name the stack whose update to cancel',
    start: async (client, stack, { noRollback }) => {
      const started = await client.stacks.cancel.mutate({ stack, rollback: !noRollback });
      // Without rollback the operation cancelled ends FAILED, as it is meant to.
      return noRollback
        ? { action: started.action, outcome: 'FAILED', requested: 'cancel without rollback requested', started }
        : { action: 'ROLLBACK', outcome: 'COMPLETE', requested: 'cancel requested', started };
    },
  });
}

export async function eventsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...SIMPLE,
      after: { type: 'string' },
      limit: { type: 'string', default: '1000' },
      follow: { type: 'boolean', default: false },
    },
  });
  if (values.help) return (io.out(EVENTS_USAGE), 0);
  const json = format(values.format) === 'json';
  if (positionals.length !== 1) throw new UsageError('name the stack');
  const name = positionals[0]!;
  const client = connect(values);
  return guarded(io, async () => {
    const afterId = values.after === undefined ? 0 : Number(values.after);
    if (values.follow) {
      const result = await watchStack(client, io, name, afterId, '', json);
      return result.status === 'COMPLETE' ? 0 : 1;
    }
    const { events } = await client.stacks.events.query({ stack: name, afterId, limit: Math.min(1000, Number(values.limit) || 1000) });
    for (const e of events) {
      if (json) io.out(JSON.stringify(e));
      else io.out(`${e.id}\t${e.time}\t${e.resourceName ?? `[stack ${e.stackName}]`}\t${e.action}_${e.status}\t${e.reason}`);
    }
    return 0;
  });
}

export async function outputsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: SIMPLE });
  if (values.help) return (io.out(OUTPUTS_USAGE), 0);
  const json = format(values.format) === 'json';
  if (positionals.length !== 1) throw new UsageError('name the stack');
  const client = connect(values);
  return guarded(io, async () => {
    const result = await client.stacks.outputs.query({ stack: positionals[0]! });
    if (json) io.out(JSON.stringify(result));
    else for (const [k, v] of Object.entries(result.outputs)) io.out(`${k}\t${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return 0;
  });
}
