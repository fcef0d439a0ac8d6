// `hearth schedule`: the order Heat will create (or delete) a template's
// resources in, with estimated times, the critical path and each resource's
// slack, read from the template alone (and past runs, when a server has them).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeTemplate, formatDiagnostic } from '@hearth/template';
import { estimator, formatDuration as duration, scheduleOf, type DurationHistory, type Operation, type Schedule } from '@hearth/schedule';
import { diskLoader } from './files.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './io.ts';
import { connect, format, guarded, SERVER_OPTIONS, SERVER_USAGE } from './remote.ts';
import { loadEnvironments, parseParamArgs } from './validate.ts';

export const SCHEDULE_USAGE = `Usage: hearth schedule [--env FILE]... [--param NAME=VALUE]... [options] TEMPLATE

Prints the waves in which Heat creates the template's resources, the
estimated start and end of each, the critical path (the chain that sets the
total time) and each resource's slack. Exit status: 0, 1 when the template
is invalid (no schedule), 2 for a usage error.

  -e, --env FILE          an environment file; give it several times to layer them
  -p, --param NAME=VALUE  a parameter value (overrides the environments)
      --operation OP      create (default) or delete
      --latency SECONDS   estimate a rehearsal on Hearth's simulated cloud with this latency
                          (default: a real OpenStack, with typical times per resource type)
      --cloud NAME        with --history: past runs on this cloud's Heat
      --history           use the durations of past runs kept by the server
${SERVER_USAGE}
  -f, --format FORMAT     text (default) or json`;

export function scheduleJson(template: string, operation: Operation, s: Schedule & { workflow: { waves: string[][] } }) {
  return {
    template,
    operation,
    total: s.total,
    waves: operation === 'delete' ? [...s.workflow.waves].reverse() : s.workflow.waves,
    criticalPath: s.criticalPath,
    steps: s.steps.map((step) => ({
      id: step.id,
      resource: step.resource,
      type: step.type,
      action: step.action,
      start: step.start,
      finish: step.finish,
      estimate: step.estimate,
      slack: step.slack,
      critical: step.critical,
      waits: [...step.after, ...step.signalledBy].map((w) => ({ on: w.on, kind: w.kind, reason: w.reason })),
    })),
  };
}

export async function scheduleCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string', short: 'e', multiple: true, default: [] },
      param: { type: 'string', short: 'p', multiple: true, default: [] },
      operation: { type: 'string', default: 'create' },
      latency: { type: 'string' },
      cloud: { type: 'string' },
      history: { type: 'boolean', default: false },
      format: { type: 'string', short: 'f', default: 'text' },
      help: { type: 'boolean', short: 'h', default: false },
      ...SERVER_OPTIONS,
    },
  });
  if (values.help) {
    io.out(SCHEDULE_USAGE);
    return 0;
  }
  const output = format(values.format);
  const operation = values.operation;
  if (operation !== 'create' && operation !== 'delete') throw new UsageError(`--operation must be create or delete, not "${operation}"`);
  const latency = values.latency === undefined ? null : Number(values.latency);
  if (latency !== null && !(Number.isFinite(latency) && latency >= 0))
    throw new UsageError(`--latency must be a number of seconds, not "${values.latency}"`);
  if (latency !== null && values.cloud) throw new UsageError('--latency (the simulated cloud) and --cloud (a real one) exclude each other');
  if (positionals.length !== 1) throw new UsageError('name one template');
  const template = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(template, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${template}: ${(error as Error).message}`);
  }
  const { environment, problems } = loadEnvironments(values.env);
  for (const p of problems) io.err(p);
  const analysis = analyzeTemplate(text, {
    filename: template,
    environment,
    parameters: parseParamArgs(values.param),
    loadFile: diskLoader(process.cwd()),
  });
  if (!analysis.valid) {
    for (const d of analysis.diagnostics.filter((x) => x.severity === 'error')) io.err(formatDiagnostic(template, d));
    io.err(`${template}: invalid, no schedule (run "hearth validate" for every diagnostic)`);
    return 1;
  }
  return guarded(io, async () => {
    let history: DurationHistory = {};
    if (values.history) {
      const client = connect({ server: values.server, token: values.token });
      history = await client.schedule.history.query({ cloud: values.cloud ?? null });
    }
    const simulation = latency !== null || (values.history && !values.cloud) ? { latency: latency ?? 0 } : null;
    const s = scheduleOf(analysis, { operation, estimate: estimator({ history, simulation }) });
    const json = scheduleJson(template, operation, s);
    if (output === 'json') {
      io.out(JSON.stringify(json));
      return 0;
    }
    const where = simulation
      ? `Hearth's simulated cloud (latency ${simulation.latency}s)`
      : values.cloud
        ? `the cloud ${values.cloud}`
        : 'a typical OpenStack';
    io.out(
      `${template}: ${operation} of ${s.steps.length} resources in ${json.waves.length} waves, estimated ${duration(s.total)} on ${where}`,
    );
    io.out('');
    json.waves.forEach((wave, i) => io.out(`wave ${i + 1}: ${wave.join(', ')}`));
    io.out('');
    io.out(`critical path (${s.criticalPath.length} resources, ${duration(s.total)}):`);
    for (const id of s.criticalPath) {
      const step = s.byId.get(id)!;
      const why = step.boundBy ? `  ← ${step.boundBy.on}: ${step.boundBy.reason}` : '';
      io.out(`  ${duration(step.start).padStart(7)} → ${duration(step.finish).padEnd(7)} ${id} (${step.type})${why}`);
    }
    const slack = s.steps.filter((x) => !x.critical && x.slack > 0).sort((a, b) => b.slack - a.slack);
    if (slack.length) {
      io.out('');
      io.out('most slack (could start this much later without delaying the stack):');
      for (const step of slack.slice(0, 5)) io.out(`  ${step.id}: ${duration(step.slack)}`);
    }
    return 0;
  });
}
