// The schedule: the order Heat runs the design's resources in, as a
// timeline of estimated bars (and, for a run, the actual ones growing over
// them), the critical path, slack, the estimated total and, during a run,
// the time left and what each waiting resource waits on. For a depends_on on
// the critical path it shows what removing it would save, before the edit.
import { useMemo } from 'react';
import { formatDuration as duration, scheduleOf, withoutWait, type Operation, type TimedStep } from '@hearth/schedule';
import { useDesign } from '../state/design.ts';
import { useRun } from '../state/run.ts';
import { useSchedule, type ScheduleMode } from '../state/schedule.ts';

const MODES: Array<{ mode: ScheduleMode; label: string }> = [
  { mode: 'run', label: 'This run' },
  { mode: 'create', label: 'Create' },
  { mode: 'update', label: 'Update (plan)' },
  { mode: 'delete', label: 'Delete' },
];

const NO_WAVES: string[][] = [];

function pct(x: number, span: number): string {
  return `${(100 * x) / span}%`;
}

/**
 * What removing a depends_on would make the estimated total, beside the total with it (both estimated
 * the same way, whatever a run took).
 */
function useWhatIf(step: TimedStep, operation: Operation): { before: number; after: number } | null {
  const workflow = useDesign((s) => s.graph?.workflow);
  const estimate = useSchedule((s) => s.estimate);
  const wait = step.boundBy;
  return useMemo(() => {
    if (!workflow || !estimate || !wait || wait.kind !== 'depends_on' || operation !== 'create') return null;
    return {
      before: scheduleOf(workflow, { estimate }).total,
      after: scheduleOf(withoutWait(workflow, wait.resource, wait.on), { estimate }).total,
    };
  }, [workflow, wait, operation, estimate]);
}

function WhatIf({ step, operation }: { step: TimedStep; operation: Operation }) {
  const figures = useWhatIf(step, operation);
  if (figures === null || !step.boundBy) return null;
  const { before, after } = figures;
  const { resource, on } = step.boundBy;
  return (
    <span className="what-if" data-testid="what-if" data-total={after} data-before={before}>
      without this depends_on: {duration(after)} ({after < before ? `−${duration(before - after)}` : 'no faster'}){' '}
      <button className="link" onClick={() => useDesign.getState().apply({ op: 'removeDependency', resource, requires: on })}>
        remove it
      </button>
    </span>
  );
}

function Row({
  step,
  span,
  operation,
  waiting,
  wave,
}: {
  step: TimedStep;
  span: number;
  operation: Operation;
  waiting: string;
  wave: number | undefined;
}) {
  const select = useDesign((s) => s.select);
  const estimated = step.estimate.seconds;
  const actual = step.state === 'running' || step.state === 'done' || step.state === 'failed';
  return (
    <div
      className={`tl-row${step.critical ? ' critical' : ''}`}
      data-testid="schedule-row"
      data-step={step.id}
      data-state={step.state}
      data-critical={step.critical || undefined}
      onClick={() => select([step.resource])}
    >
      <span className="tl-name" title={`${step.type}${wave !== undefined ? `, wave ${wave + 1}` : ''}`}>
        {wave !== undefined && <span className="tl-wave">{wave + 1}</span>}
        {step.id}
      </span>
      <span className="tl-track">
        {/* The estimate: from the step's start, its estimated time (a wait condition: until its signal). */}
        <span
          className="tl-bar tl-estimate"
          style={{ left: pct(step.start, span), width: pct(Math.max(actual ? estimated : step.finish - step.start, span / 400), span) }}
          title={`estimated ${duration(estimated)} (${step.estimate.source})`}
        />
        {actual && (
          <span
            className={`tl-bar tl-actual st-${step.state}`}
            style={{ left: pct(step.start, span), width: pct(Math.max(step.finish - step.start, span / 400), span) }}
            title={`${step.state === 'running' ? 'running for' : 'took'} ${duration(step.finish - step.start)}`}
          />
        )}
      </span>
      <span className="tl-facts muted">
        {duration(step.finish - step.start)}
        {step.slack >= 0.05 && !step.critical ? ` · slack ${duration(step.slack)}` : ''}
        {waiting && (
          <span className="tl-waiting" data-testid="schedule-waiting">
            {' '}
            · waiting on {waiting}
          </span>
        )}
        {step.critical && step.boundBy && <WhatIf step={step} operation={operation} />}
      </span>
    </div>
  );
}

export function ScheduleTab() {
  const view = useSchedule((s) => s.view);
  const mode = useSchedule((s) => s.mode);
  const highlight = useSchedule((s) => s.highlight);
  const computeMs = useSchedule((s) => s.computeMs);
  const hasPlan = useRun((s) => Boolean(s.plan));
  const workflowWaves = useDesign((s) => s.graph?.workflow.waves) ?? NO_WAVES;
  if (!view) return <p className="muted">The schedule appears once the template parses.</p>;
  const { schedule, run, elapsed, remaining, operation } = view;
  const span = Math.max(schedule.total, elapsed ?? 0, 1e-3);
  // Heat's waves: each resource one wave after the latest it waits for (backwards for a delete).
  const waveList = operation === 'delete' ? [...workflowWaves].reverse() : workflowWaves;
  const waveOf = new Map(waveList.flatMap((wave, i) => wave.map((name) => [name, i] as const)));
  const sources = new Set(schedule.steps.map((s) => s.estimate.source));
  return (
    <div className="schedule" data-testid="schedule" data-operation={operation}>
      <div className="schedule-head">
        <select aria-label="Schedule of" value={mode} onChange={(e) => useSchedule.getState().setMode(e.target.value as ScheduleMode)}>
          {MODES.filter((m) => m.mode !== 'update' || hasPlan || mode === 'update').map((m) => (
            <option key={m.mode} value={m.mode}>
              {m.label}
            </option>
          ))}
        </select>
        <strong data-testid="schedule-total" data-seconds={schedule.total}>
          {run ? 'projected' : 'estimated'} {duration(schedule.total)}
        </strong>
        <span className="muted">
          {schedule.steps.length} steps in {waveList.length} waves, critical path of {schedule.criticalPath.length}; estimates from{' '}
          {[...sources]
            .map((s) => (s === 'history' ? 'past runs' : s === 'simulated' ? 'the simulated latency' : 'type defaults'))
            .join(', ')}
          {computeMs >= 1 ? ` (${Math.round(computeMs)} ms)` : ''}
        </span>
        {run && (
          <span data-testid="schedule-remaining" data-seconds={remaining ?? 0}>
            {run.endedAt === null
              ? `elapsed ${duration(elapsed ?? 0)} · about ${duration(remaining ?? 0)} left`
              : `took ${duration(elapsed ?? 0)}`}
          </span>
        )}
        <label>
          <input type="checkbox" checked={highlight} onChange={(e) => useSchedule.getState().setHighlight(e.target.checked)} /> critical
          path on the canvas
        </label>
      </div>
      {mode === 'run' && !run && <p className="muted">No run yet: the estimate of a create is shown.</p>}
      <div className="timeline">
        {schedule.steps.map((step) => (
          <Row
            key={step.id}
            step={step}
            span={span}
            operation={operation}
            waiting={view.waiting[step.resource] ?? ''}
            wave={operation === 'update' ? undefined : waveOf.get(step.id)}
          />
        ))}
      </div>
    </div>
  );
}
