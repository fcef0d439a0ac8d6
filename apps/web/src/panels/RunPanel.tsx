// Deploying the design and watching it run: parameters, plan, apply,
// cancel and delete; the event log, the schedule, the outputs, the stacks.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Value } from '@hearth/template';
import { useVirtualizer } from '@tanstack/react-virtual';
import { parameterProblems, type Graph, type GraphParameter } from '@hearth/design';
import { api, errorText } from '../api.ts';
import { revealLine } from '../editor/handle.ts';
import { download } from '../io/export.ts';
import { PlanIcon } from '../canvas/PlanIcon.tsx';
import { session, useDesign } from '../state/design.ts';
import { bindRunToDesign, watchStack, watchWhileMaking } from '../state/live.ts';
import { saveDesignNow } from '../state/persistence.ts';
import { useRun, type Plan, type ResourceStatus, type StackEvent } from '../state/run.ts';
import { stateStyle } from '../canvas/status.ts';
import { useSchedule } from '../state/schedule.ts';
import { eventShown } from './event-filter.ts';
import { ScheduleTab } from './ScheduleTab.tsx';

type Tab = 'deploy' | 'events' | 'schedule' | 'outputs' | 'stacks';

const ENGINES_REFRESH_MS = 5000;

function slug(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z]+/, '');
  return s || 'stack';
}

export function stackFailed(
  stack: { action: string; status: string } | null,
  statuses: Record<string, { state: string; note: string | null }>,
): boolean {
  if (!stack) return false;
  if (stack.status === 'FAILED' || stack.action === 'ROLLBACK') return true;
  // A loop, not Object.values: this runs at every frame of a deployment's events, over every resource.
  for (const name in statuses) if (statuses[name]!.state.endsWith('_FAILED') || statuses[name]!.note) return true;
  return false;
}

function StackBadge() {
  const stack = useRun((s) => s.stack);
  const statuses = useRun((s) => s.statuses);
  const connection = useRun((s) => s.connection);
  if (!stack) return <span className="muted">not deployed</span>;
  const where = stack.target.kind === 'openstack' ? `on ${stack.target.cloud} (Heat)` : 'rehearsal';
  const state = `${stack.action}_${stack.status}`;
  // A stack is never shown complete while something inside it failed.
  const failed = stackFailed(stack, statuses);
  const style = stateStyle(failed && stack.status === 'COMPLETE' ? `${stack.action}_FAILED` : state);
  return (
    <span
      className={`stack-badge ${style.className}`}
      data-testid="stack-status"
      data-state={state}
      data-failed={failed ? 'true' : 'false'}
      title={stack.statusReason}
    >
      {style.icon} {state}
      {failed && stack.status === 'COMPLETE' ? ' (with failures)' : ''}{' '}
      <span className="muted" data-testid="stack-target" data-target={stack.target.kind === 'openstack' ? stack.target.cloud : ''}>
        · {where}
      </span>
      {connection === 'reconnecting' && <span className="muted"> · reconnecting…</span>}
    </span>
  );
}

type Clouds = Awaited<ReturnType<typeof api.clouds.list.query>>['clouds'];

/** The OpenStack clouds the server is configured for (names and regions only: credentials stay on the server). */
function useClouds(): Clouds {
  const [clouds, setClouds] = useState<Clouds>([]);
  useEffect(() => {
    api.clouds.list.query().then(
      (c) => setClouds(c.clouds),
      () => setClouds([]),
    );
  }, []);
  return clouds;
}

/** Opens a stack of a cloud in the designer: its template, environment and files as Heat has them, then its events. */
export async function openCloudStack(cloud: string, name: string): Promise<void> {
  const opened = await api.clouds.open.mutate({ cloud, stack: name });
  const full = await api.stacks.get.query({ stack: opened.name });
  useDesign.getState().load({ id: null, name: full.name, text: full.template, environment: full.environment, files: full.files });
  useDesign.getState().setSaveState('unsaved');
  await bindRunToDesign(full.name);
}

type Engines = Awaited<ReturnType<typeof api.engines.list.query>>;

/** What runs the stacks; with workers, how many are live, and a warning when none is. */
function EnginesNote() {
  const [engines, setEngines] = useState<Engines | null>(null);
  useEffect(() => {
    let stopped = false;
    const look = () =>
      void api.engines.list
        .query()
        .then((e) => !stopped && setEngines(e))
        .catch(() => {});
    look();
    const timer = setInterval(look, ENGINES_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (!engines || engines.mode === 'one process') return null;
  const count = engines.engines.length;
  if (!count)
    return (
      <span className="error" data-testid="engines" data-count="0" title="Start one with: hearth worker (see the README)">
        ⚠ No engine worker is running: deployments wait until one starts.
      </span>
    );
  const running = engines.engines.reduce((n, e) => n + e.running, 0);
  return (
    <span
      className="muted"
      data-testid="engines"
      data-count={count}
      title={engines.engines.map((e) => `${e.id} on ${e.host}: ${e.running}/${e.concurrency} jobs`).join('\n')}
    >
      {count} engine worker{count === 1 ? '' : 's'}, {running} job{running === 1 ? '' : 's'} running
    </span>
  );
}

type ParameterValues = { values: Record<string, string>; setValues: (v: Record<string, string>) => void };

const NO_PARAMETERS: GraphParameter[] = [];
const NO_GROUPS: Graph['parameterGroups'] = [];

function ParametersForm({ values, setValues }: ParameterValues) {
  // The fields come from the graph (read off the page's thread); the constraints are checked with the
  // analysis, read here once typing pauses.
  const params = useDesign((s) => s.graph?.parameters) ?? NO_PARAMETERS;
  const groups = useDesign((s) => s.graph?.parameterGroups) ?? NO_GROUPS;
  const text = useDesign((s) => s.text);
  const files = useDesign((s) => s.files);
  const environment = useDesign((s) => s.environment);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const checked = useRef(values);
  useEffect(() => {
    // Constraints checked as the user types values, by the same code the server runs; after a change to the
    // design only once typing in it has paused for a while (the check reads the analysis on this thread).
    const delay = checked.current === values ? 1000 : 150;
    const timer = setTimeout(() => {
      checked.current = values;
      const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) as Record<string, Value>;
      setProblems(parameterProblems({ template: text, environment, files }, given, session.analysisNow() ?? undefined));
    }, delay);
    return () => clearTimeout(timer);
  }, [values, text, files, environment]);
  if (!params.length) return <p className="muted">This template has no parameters.</p>;
  const grouped = groups.length
    ? groups.map((g) => ({ label: g.label ?? 'Parameters', names: g.parameters }))
    : [{ label: 'Parameters', names: params.map((p) => p.name) }];
  const listed = new Set(grouped.flatMap((g) => g.names));
  const rest = params.filter((p) => !listed.has(p.name)).map((p) => p.name);
  if (rest.length) grouped.push({ label: 'Other parameters', names: rest });
  return (
    <div className="params" data-testid="parameters">
      {grouped.map((g) => (
        <fieldset key={g.label}>
          <legend>{g.label}</legend>
          {g.names.map((name) => {
            const p = params.find((x) => x.name === name);
            if (!p) return null;
            const placeholder =
              p.default === undefined
                ? 'required'
                : `default: ${p.hidden ? '••••' : typeof p.default === 'string' ? p.default : JSON.stringify(p.default)}`;
            return (
              <label key={name} className="param" data-param={name}>
                <span title={p.description ?? ''}>{p.label ?? name}</span>
                {p.type === 'boolean' ? (
                  <select value={values[name] ?? ''} onChange={(e) => setValues({ ...values, [name]: e.target.value })}>
                    <option value="">{placeholder}</option>
                    <option>true</option>
                    <option>false</option>
                  </select>
                ) : (
                  <input
                    type={p.hidden ? 'password' : p.type === 'number' ? 'number' : 'text'}
                    value={values[name] ?? ''}
                    placeholder={placeholder}
                    onChange={(e) => setValues({ ...values, [name]: e.target.value })}
                  />
                )}
                {problems[name] && (
                  <span className="error" data-testid="param-problem">
                    {problems[name]}
                  </span>
                )}
              </label>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}

function PlanSummary({ plan }: { plan: Plan }) {
  return (
    <div className="plan-summary" data-testid="plan-summary">
      {(['create', 'update', 'replace', 'delete', 'retain', 'unchanged'] as const).map((a) => (
        <span key={a} className={`plan-count plan-${a}`} data-action={a}>
          <PlanIcon action={a} /> {plan.summary[a] ?? 0} {a}
        </span>
      ))}
    </div>
  );
}

/**
 * The resource to make fail in a rehearsal. Its list of every resource is filled while it is being chosen
 * (from the press or the focus that opens it until it loses focus). Kept filled, it changed with each
 * keystroke that renamed a resource, and a thousand options laid out again at every keystroke, with the
 * panel's column and the canvas's background, cost the page more than the canvas's own update.
 */
function FailurePicker({ value, onChange }: { value: string; onChange: (resource: string) => void }) {
  const [choosing, setChoosing] = useState(false);
  const resources = useDesign((s) => (choosing ? s.graph?.resources : null));
  const names = choosing ? (resources ?? []).map((r) => r.name) : value ? [value] : [];
  const choose = () => setChoosing(true);
  return (
    <select
      aria-label="Inject failure in"
      value={value}
      onMouseDown={choose}
      onFocus={choose}
      onBlur={() => setChoosing(false)}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">(none)</option>
      {names.map((name) => (
        <option key={name}>{name}</option>
      ))}
    </select>
  );
}

function DeployTab() {
  const designName = useDesign((s) => s.designName);
  const stackName = useRun((s) => s.stackName);
  const stack = useRun((s) => s.stack);
  const plan = useRun((s) => s.plan);
  const [name, setName] = useState(stackName || slug(designName));
  const [values, setValues] = useState<Record<string, string>>({});
  const [latency, setLatency] = useState('0.2');
  const [fail, setFail] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const clouds = useClouds();
  const [chosenCloud, setChosenCloud] = useState('');
  const [verdict, setVerdict] = useState<{ cloud: string; valid: boolean; message: string | null } | null>(null);
  useEffect(() => {
    if (stackName) setName(stackName);
  }, [stackName]);
  // Another design: its own stack's name, or one made from its name.
  // The name follows the design's name (renamed, or saved as "name (2)") until the user types one.
  const loads = useDesign((s) => s.loads);
  const typedName = useRef(false);
  // The run panel scrolls: the confirmation shows where the user looks when it opens, not below the fold.
  const showConfirm = useCallback((el: HTMLDivElement | null) => el?.scrollIntoView({ block: 'nearest' }), []);
  useEffect(() => {
    typedName.current = false;
    setName(useRun.getState().stackName || slug(useDesign.getState().designName));
  }, [loads]);
  useEffect(() => {
    if (!typedName.current && !useRun.getState().stackName) setName(slug(designName));
  }, [designName]);
  // A stack that exists runs where it was made; a new one where the picker says ('' is the rehearsal).
  const live = stack && stack.name === name && !(stack.action === 'DELETE' && stack.status === 'COMPLETE') ? stack : null;
  const cloud = live ? (live.target.kind === 'openstack' ? live.target.cloud : '') : chosenCloud;
  const rehearsal = cloud === '';
  const where = rehearsal ? ' (a rehearsal on the simulated cloud)' : ` on ${cloud} (real resources in your project)`;

  const request = () => {
    session.flush();
    const s = useDesign.getState();
    const parameters = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    return { template: s.text, files: s.files, parameters, ...(s.environment.trim() ? { environment: s.environment } : {}) };
  };
  // The stack of that name, or null when there is none (a failure to ask is an error, not a new stack).
  const exists = () => api.stacks.find.query({ stack: name });
  useEffect(() => setVerdict(null), [stackName]);
  // The schedule estimates for where this deployment goes.
  useEffect(
    () => useSchedule.getState().setTarget({ cloud: rehearsal ? null : cloud, latency: Number(latency) || 0 }),
    [cloud, rehearsal, latency],
  );
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      useDesign.getState().notify('error', errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const makePlan = () =>
    run(async () => {
      const current = await exists();
      const mine = useDesign.getState().designId;
      if (current?.designId && current.designId !== mine)
        useDesign.getState().notify('info', `Stack ${name} was deployed from another design: this plan compares this design with it.`);
      const p = await api.templates.plan.query({ ...request(), ...(current ? { stack: name } : {}) });
      useRun.getState().setPlan(p, current?.updatedAt ?? null);
      // On a cloud, Heat's own verdict beside Hearth's.
      if (!rehearsal) setVerdict({ cloud, ...(await api.clouds.validate.query({ cloud, ...request() })) });
      else setVerdict(null);
    });

  const apply = () =>
    run(async () => {
      setConfirming(false);
      const current = await exists();
      const designId = await saveDesignNow();
      // Nothing is applied to another design's stack unless the user says so here.
      if (
        current?.designId &&
        current.designId !== designId &&
        !window.confirm(`Stack ${name} was deployed from another design. Apply this design to it (it then belongs to this one)?`)
      )
        return;
      // Simulation is the rehearsal's; a cloud's Heat runs the real thing. A stack that exists runs where it was made.
      const onCloud = current ? current.target.kind === 'openstack' : !rehearsal;
      const options = {
        designId,
        ...(onCloud ? {} : { simulation: { latency: Number(latency) || 0, ...(fail ? { fail: [fail] } : {}) } }),
      };
      if (current) {
        const { planBasedOn } = useRun.getState();
        await api.stacks.update.mutate({ stack: name, ...request(), options, ...(planBasedOn ? { planBasedOn } : {}) });
        watchStack(name);
      } else {
        await watchWhileMaking(name, () =>
          api.stacks.create.mutate({ name, ...request(), options, ...(rehearsal ? {} : { target: { cloud } }) }),
        );
      }
      useSchedule.getState().setAppliedPlan(current ? useRun.getState().plan : null);
      useRun.getState().setPlan(null, null);
    });

  return (
    <div className="deploy" data-testid="deploy">
      <div className="row">
        <label>
          Stack <input aria-label="Stack name" value={name} onChange={(e) => ((typedName.current = true), setName(e.target.value))} />
        </label>
        <label title={live ? `Stack ${live.name} runs here; delete it to deploy elsewhere` : 'Where the stack runs'}>
          Target{' '}
          <select
            aria-label="Target"
            data-testid="target"
            value={cloud}
            disabled={Boolean(live)}
            onChange={(e) => (setChosenCloud(e.target.value), setVerdict(null))}
          >
            <option value="">Rehearsal (simulated cloud)</option>
            {clouds.map((c) => (
              <option key={c.name} value={c.name}>
                OpenStack: {c.name}
                {c.region ? ` (${c.region})` : ''}
              </option>
            ))}
            {cloud && !clouds.some((c) => c.name === cloud) && <option value={cloud}>OpenStack: {cloud}</option>}
          </select>
        </label>
        {rehearsal ? (
          <>
            <label title="Seconds each simulated cloud action takes">
              Simulated latency{' '}
              <input
                aria-label="Simulated latency"
                type="number"
                min="0"
                step="0.1"
                value={latency}
                onChange={(e) => setLatency(e.target.value)}
              />
            </label>
            <label title="Make one resource fail, to rehearse a failure">
              Inject failure in <FailurePicker value={fail} onChange={setFail} />
            </label>
          </>
        ) : (
          <span className="muted" data-testid="real-cloud-note">
            Real resources: {cloud}&rsquo;s Heat creates them in your project.
          </span>
        )}
      </div>
      <ParametersForm values={values} setValues={setValues} />
      <div className="row">
        <button onClick={() => void makePlan()} disabled={busy} data-testid="plan">
          Plan
        </button>
        {/* As in Heat, a new update supersedes one in progress. */}
        <button
          className="primary"
          onClick={() => setConfirming(true)}
          disabled={busy || Boolean(stack?.inProgress && stack.action !== 'UPDATE')}
          data-testid="apply"
        >
          {stack && stack.status !== 'DELETE' ? 'Apply update…' : 'Deploy…'}
        </button>
        {stack?.inProgress && stack.action === 'UPDATE' && (
          <button
            onClick={() => void run(async () => void (await api.stacks.cancel.mutate({ stack: name })))}
            title="Stop the update and roll back to the template the stack had (Heat's cancel_update)"
            data-testid="cancel"
          >
            Cancel update
          </button>
        )}
        {stack?.inProgress && (stack.action === 'UPDATE' || stack.action === 'CREATE') && (
          <button
            onClick={() => void run(async () => void (await api.stacks.cancel.mutate({ stack: name, rollback: false })))}
            title="Start nothing new, let running actions finish, leave the stack FAILED without rolling back"
            data-testid="cancel-no-rollback"
          >
            {stack.action === 'CREATE' ? 'Cancel create' : 'Cancel without rollback'}
          </button>
        )}
        {stack && !stack.inProgress && stack.action !== 'DELETE' && (
          // Heat's suspend and resume: a suspended stack cannot be updated until it is resumed.
          <button
            onClick={() =>
              void run(
                async () =>
                  void (stack.action === 'SUSPEND'
                    ? await api.stacks.resume.mutate({ stack: name })
                    : await api.stacks.suspend.mutate({ stack: name })),
              )
            }
            title={
              stack.action === 'SUSPEND'
                ? 'Resume each resource in dependency order'
                : 'Suspend each resource in reverse dependency order (servers are suspended); updates wait until it is resumed'
            }
            data-testid={stack.action === 'SUSPEND' ? 'resume-stack' : 'suspend-stack'}
          >
            {stack.action === 'SUSPEND' ? 'Resume' : 'Suspend'}
          </button>
        )}
        {stack && !(stack.inProgress && stack.action === 'DELETE') && (
          <button
            className="danger"
            data-testid="delete-stack"
            onClick={() => {
              const running = stack.inProgress ? ` This stops its ${stack.action.toLowerCase()} in progress.` : '';
              const where =
                stack.target.kind === 'openstack' ? ` on ${stack.target.cloud}: its real resources are deleted` : ' (rehearsal)';
              // The stack the panel shows, not whatever the name field holds now.
              if (window.confirm(`Delete stack ${stack.name}${where}, and everything in it?${running}`))
                void run(async () => void (await api.stacks.delete.mutate({ stack: stack.name })));
            }}
          >
            Delete stack
          </button>
        )}
        <StackBadge />
        <EnginesNote />
      </div>
      {plan && <PlanSummary plan={plan} />}
      {verdict && verdict.cloud === cloud && (
        <div className={verdict.valid ? 'muted' : 'error'} data-testid="heat-verdict" data-valid={String(verdict.valid)}>
          Heat on {verdict.cloud}: {verdict.valid ? '✓ the template is valid' : `✗ ${verdict.message ?? 'invalid'}`}
        </div>
      )}
      {confirming && (
        <div className="confirm" data-testid="confirm" ref={showConfirm}>
          {plan
            ? `Apply the plan to ${name}${where}: ${plan.summary.create ?? 0} to create, ${plan.summary.update ?? 0} to update, ${plan.summary.replace ?? 0} to replace, ${(plan.summary.delete ?? 0) + (plan.summary.retain ?? 0)} to delete?`
            : `Deploy the design as stack ${name}${where}?`}
          <button className="primary" onClick={() => void apply()} data-testid="confirm-apply">
            Yes, go
          </button>
          <button onClick={() => setConfirming(false)}>No</button>
        </div>
      )}
    </div>
  );
}

/** A line of the log (one line each: a long reason is cut, and whole in the line's title). */
const EVENT_LINE_PX = 15;

/**
 * One line of the log, placed by the log's virtualizer. An event never changes: as a deployment's
 * events stream in, only the lines that come into view render.
 */
const EventRow = memo(function EventRow({ event: e, top }: { event: StackEvent; top: number }) {
  const line = `${e.time.slice(11, 23)} ${e.resourceName ?? `[stack ${e.stackName}]`} ${e.action}_${e.status} ${e.reason}`;
  return (
    <div
      style={{ transform: `translateY(${top}px)` }}
      className={`event ${stateStyle(`${e.action}_${e.status}`).className}`}
      data-testid="event"
      data-event-id={e.id}
      title={e.engineId ? `${line}\n(written by ${e.engineId})` : line}
    >
      <span className="muted">{e.time.slice(11, 23)}</span> <b>{e.resourceName ?? `[stack ${e.stackName}]`}</b> {e.action}_{e.status}{' '}
      <span className="muted">{e.reason}</span>
    </div>
  );
});

/**
 * The stack's events, filtered, following the newest. A big stack's log holds thousands of lines: only
 * those in view (and a few around them) are in the page (`@tanstack/react-virtual`), so that a
 * deployment's events cost the same whatever the log's length. Export gives the whole log.
 */
function EventsTab() {
  const events = useRun((s) => s.events);
  const [resource, setResource] = useState('');
  const [state, setState] = useState('');
  const [paused, setPaused] = useState<StackEvent[] | null>(null);
  const [follow, setFollow] = useState(true);
  const list = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => (paused ?? events).filter((e) => eventShown(e, { resource, state })), [paused, events, resource, state]);
  const log = useVirtualizer({
    count: shown.length,
    getScrollElement: () => list.current,
    estimateSize: () => EVENT_LINE_PX,
    getItemKey: (index) => shown[index]!.id,
    overscan: 10,
  });
  // Following: to the end as lines come (one scroll; the virtualizer then shows the lines there).
  useLayoutEffect(() => {
    if (follow && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [shown.length, follow]);
  return (
    <div className="events">
      <div className="row">
        <input
          type="search"
          aria-label="Filter by resource"
          placeholder="resource (part of its name)"
          value={resource}
          onChange={(e) => setResource(e.target.value)}
        />
        <select aria-label="Filter by state" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">all states</option>
          <option>IN_PROGRESS</option>
          <option>COMPLETE</option>
          <option>FAILED</option>
        </select>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <button onClick={() => setPaused(paused ? null : events)}>{paused ? 'Resume' : 'Pause'}</button>
        <button
          data-testid="export-events"
          onClick={() => download('events.jsonl', events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'application/x-ndjson')}
        >
          Export
        </button>
        <span className="muted" data-testid="event-count">
          {events.length}
        </span>
      </div>
      <div className="event-log" data-testid="event-log" ref={list}>
        <div className="event-lines" style={{ height: log.getTotalSize() }}>
          {log.getVirtualItems().map((line) => (
            <EventRow key={line.key} event={shown[line.index]!} top={line.start} />
          ))}
        </div>
      </div>
    </div>
  );
}

function OutputsTab() {
  const stackName = useRun((s) => s.stackName);
  const stack = useRun((s) => s.stack);
  const parameters = useDesign((s) => s.graph?.parameters) ?? NO_PARAMETERS;
  const [outputs, setOutputs] = useState<Record<string, unknown> | null>(null);
  const [reveal, setReveal] = useState<Record<string, boolean>>({});
  useEffect(() => {
    if (!stackName || stack?.inProgress) return;
    api.stacks.outputs.query({ stack: stackName }).then(
      (o) => setOutputs(o.outputs),
      () => setOutputs(null),
    );
  }, [stackName, stack?.inProgress, stack?.action, stack?.status]);
  const hidden = new Set(
    parameters
      .filter((p) => p.hidden)
      .map((p) => (typeof p.default === 'string' ? p.default : null))
      .filter(Boolean),
  );
  const secret = (name: string, v: unknown) => /password|secret|token|key$/i.test(name) || (typeof v === 'string' && hidden.has(v));
  if (!outputs) return <p className="muted">Outputs appear once the stack is deployed.</p>;
  return (
    <table className="outputs" data-testid="outputs">
      <tbody>
        {Object.entries(outputs).map(([k, v]) => {
          const text = typeof v === 'string' ? v : JSON.stringify(v);
          const masked = secret(k, v) && !reveal[k];
          return (
            <tr key={k} data-output={k}>
              <th>{k}</th>
              <td className="output-value">{masked ? '••••••' : text}</td>
              <td>
                {secret(k, v) && <button onClick={() => setReveal({ ...reveal, [k]: !reveal[k] })}>{masked ? 'Show' : 'Hide'}</button>}
                <button onClick={() => void navigator.clipboard?.writeText(text)}>Copy</button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

type CloudStackList = Awaited<ReturnType<typeof api.clouds.stacks.query>>;

/** A cloud's stacks (made by Hearth, the openstack CLI or Horizon), each opened on the canvas with a click. */
function CloudStacksList() {
  const clouds = useClouds();
  const [cloud, setCloud] = useState('');
  // The list with the cloud it came from: a click opens that cloud's stack, whatever is chosen meanwhile.
  const [listed, setListed] = useState<{ cloud: string; stacks: CloudStackList }>({ cloud: '', stacks: [] });
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setListed({ cloud, stacks: [] });
    setProblem(null);
    if (!cloud) return;
    let current = true;
    api.clouds.stacks.query({ cloud }).then(
      (stacks) => current && setListed({ cloud, stacks }),
      (error: unknown) => current && setProblem(errorText(error)),
    );
    return () => {
      current = false;
    };
  }, [cloud]);
  if (!clouds.length) return <p className="muted">No OpenStack cloud is configured on the server (clouds.yaml): see the README.</p>;
  return (
    <div data-testid="cloud-stacks">
      <h4>
        Stacks on{' '}
        <select aria-label="Cloud" value={cloud} onChange={(e) => setCloud(e.target.value)}>
          <option value="">(choose a cloud)</option>
          {clouds.map((c) => (
            <option key={c.name}>{c.name}</option>
          ))}
        </select>
      </h4>
      {problem && <p className="error">{problem}</p>}
      <ul>
        {listed.stacks.map((s) => (
          <li key={s.id} data-cloud-stack={s.name}>
            <button
              className="link"
              title="Open on the canvas with its template from Heat, and follow it"
              onClick={() =>
                void openCloudStack(listed.cloud, s.id).catch((error: unknown) => useDesign.getState().notify('error', errorText(error)))
              }
            >
              {s.name}
            </button>{' '}
            <span className={stateStyle(`${s.action}_${s.status}`).className}>
              {s.action}_{s.status}
            </span>
            {s.opened && <span className="muted"> · in Hearth</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function StacksTab() {
  const [stacks, setStacks] = useState<Array<{ name: string; action: string; status: string; updatedAt: string }>>([]);
  const [history, setHistory] = useState<
    Array<{ kind: string; status: string; reason: string; startedAt: string; finishedAt: string | null }>
  >([]);
  const stackName = useRun((s) => s.stackName);
  const stack = useRun((s) => s.stack);
  useEffect(() => {
    api.stacks.list.query().then(setStacks, () => setStacks([]));
    if (stackName) api.stacks.operations.query({ stack: stackName }).then(setHistory, () => setHistory([]));
  }, [stackName, stack?.action, stack?.status]);
  return (
    <div className="stacks" data-testid="stacks">
      <ul>
        {stacks.map((s) => (
          <li key={s.name}>
            <button className="link" onClick={() => watchStack(s.name)}>
              {s.name}
            </button>{' '}
            <span className={stateStyle(`${s.action}_${s.status}`).className}>
              {s.action}_{s.status}
            </span>
          </li>
        ))}
      </ul>
      <CloudStacksList />
      {stackName && (
        <>
          <h4>History of {stackName}</h4>
          <ul>
            {history.map((h, i) => (
              <li key={i}>
                {h.startedAt.slice(0, 19).replace('T', ' ')} {h.kind} → {h.status} <span className="muted">{h.reason}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * The resources that failed in the current operation (a rolled-back resource
 * keeps its reason), each a link to it. Its own component: it follows every
 * event, and the panel around it need not.
 */
function FailedResources() {
  const statuses = useRun((s) => s.statuses);
  const graph = useDesign((s) => s.graph);
  // A loop, not Object.entries: this runs at every frame of a deployment's events, over every resource.
  const failed: Array<[string, ResourceStatus]> = [];
  for (const name in statuses) if (statuses[name]!.note) failed.push([name, statuses[name]!]);
  if (!failed.length) return null;
  return (
    <span className="error failed-list">
      Failed:{' '}
      {failed.map(([name, s]) => (
        <button
          key={name}
          className="link"
          data-testid="failed-resource"
          title={s.note ?? ''}
          onClick={() => {
            useDesign.getState().select([name]);
            const r = graph?.resources.find((x) => x.name === name);
            if (r) revealLine(r.line);
          }}
        >
          {name}
        </button>
      ))}
    </span>
  );
}

export function RunPanel() {
  const [tab, setTab] = useState<Tab>('deploy');
  const [open, setOpen] = useState(true);

  return (
    <section className={`run-panel${open ? '' : ' closed'}`} data-testid="run-panel">
      <nav className="tabs">
        {(['deploy', 'events', 'schedule', 'outputs', 'stacks'] as const).map((t) => (
          <button key={t} className={t === tab ? 'active' : ''} onClick={() => (setTab(t), setOpen(true))} data-testid={`tab-${t}`}>
            {t}
          </button>
        ))}
        <FailedResources />
        <button className="link collapse" onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
      </nav>
      {open && (
        <div className="tab-body">
          {tab === 'deploy' && <DeployTab />}
          {tab === 'events' && <EventsTab />}
          {tab === 'schedule' && <ScheduleTab />}
          {tab === 'outputs' && <OutputsTab />}
          {tab === 'stacks' && <StacksTab />}
        </div>
      )}
    </section>
  );
}
