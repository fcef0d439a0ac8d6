// The schedule in the inspector: for one resource, when it starts and ends,
// its slack (or that it is on the critical path) and what it waits for; for
// two, why one waits for the other, as the chain of reasons.
import { formatDuration as duration, whyWaits, type Wait } from '@hearth/schedule';
import { useDesign } from '../state/design.ts';
import { useSchedule } from '../state/schedule.ts';

function Chain({ chain }: { chain: Wait[] }) {
  return (
    <ol className="why-chain" data-testid="why-chain">
      {chain.map((w) => (
        <li key={`${w.resource}>${w.on}`} data-kind={w.kind}>
          <b>{w.resource}</b> waits for <b>{w.on}</b>: {w.reason}
        </li>
      ))}
    </ol>
  );
}

export function StepFacts({ name }: { name: string }) {
  const step = useSchedule((s) => s.view?.schedule.byId.get(name));
  const operation = useSchedule((s) => s.view?.operation);
  if (!step) return null;
  return (
    <div className="field schedule-facts" data-testid="schedule-facts" data-slack={step.slack} data-critical={step.critical || undefined}>
      <label>schedule ({operation})</label>
      <div>
        {duration(step.start)} → {duration(step.finish)} (
        {step.state === 'planned' ? `estimated ${duration(step.estimate.seconds)}, ${step.estimate.source}` : step.state}) ·{' '}
        {step.critical ? <b className="critical-text">on the critical path</b> : `slack ${duration(step.slack)}`}
      </div>
      {step.after.length > 0 && (
        <ul className="muted waits">
          {step.after.slice(0, 8).map((w) => (
            <li key={w.on}>
              after <b>{w.on}</b>: {w.reason}
            </li>
          ))}
          {step.after.length > 8 && <li>… and {step.after.length - 8} more</li>}
        </ul>
      )}
      {step.signalledBy.length > 0 && (
        <div className="muted">
          done once {step.signalsNeeded} of {step.signalledBy.map((w) => w.on).join(', ')} signalled
        </div>
      )}
    </div>
  );
}

export function WhyFacts({ a, b }: { a: string; b: string }) {
  const workflow = useDesign((s) => s.graph?.workflow);
  if (!workflow || !workflow.byName.has(a) || !workflow.byName.has(b)) return null;
  const forward = whyWaits(workflow, a, b);
  const backward = forward ? null : whyWaits(workflow, b, a);
  return (
    <div className="field why" data-testid="why">
      <label>
        why this order: {a} and {b}
      </label>
      {forward && <Chain chain={forward} />}
      {backward && <Chain chain={backward} />}
      {!forward && !backward && <p className="muted">Neither waits for the other: Heat may run them at the same time.</p>}
    </div>
  );
}
