import { analyzeTemplate } from '@hearth/template';
import { describe, expect, it } from 'vitest';
import type { Estimator } from './estimates.ts';
import { observeRun, type RunEvent } from './observe.ts';
import { stepsOf } from './schedule.ts';
import { scheduleView } from './view.ts';
import { waitingOn } from './why.ts';
import { workflowOf } from './workflow.ts';

const TEMPLATE = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}
  port: {type: OS::Neutron::Port, properties: {network: {get_resource: net}}}
  server:
    type: OS::Nova::Server
    properties: {image: img, flavor: small, networks: [{port: {get_resource: port}}]}
`;
const estimate: Estimator = (type) => ({ seconds: type === 'OS::Nova::Server' ? 10 : 2, source: 'default' });
const t0 = Date.UTC(2026, 0, 1);
const ev = (resourceName: string | null, status: string, s: number, action = 'CREATE'): RunEvent => ({
  resourceName,
  action,
  status,
  time: new Date(t0 + s * 1000).toISOString(),
});

describe('the schedule view', () => {
  const workflow = workflowOf(analyzeTemplate(TEMPLATE, { filename: 't.yaml' }));

  it('before a run: the estimate and the critical path as resources and canvas edges', () => {
    const view = scheduleView({ workflow, estimate });
    expect(view.schedule.total).toBe(16);
    expect([...view.critical]).toEqual(['net', 'subnet', 'port', 'server']);
    expect([...view.criticalWaits]).toEqual(['subnet>net', 'port>subnet', 'server>port']);
    expect(view.remaining).toBeNull();
    expect(scheduleView({ workflow, estimate, operation: 'delete' }).criticalWaits).toEqual(
      new Set(['server>port', 'port>subnet', 'subnet>net']),
    );
  });

  it('during a run: the time left shrinks as steps finish, and each waiting resource names the chain to what runs', () => {
    const events = [ev(null, 'IN_PROGRESS', 0), ev('net', 'IN_PROGRESS', 0), ev('net', 'COMPLETE', 2), ev('subnet', 'IN_PROGRESS', 2)];
    const early = scheduleView({ workflow, estimate, run: observeRun(events), now: t0 + 3000 });
    expect(early.elapsed).toBe(3);
    expect(early.remaining).toBe(13);
    expect(early.waiting).toEqual({ port: 'subnet', server: 'port → subnet' });
    const later = scheduleView({
      workflow,
      estimate,
      run: observeRun([...events, ev('subnet', 'COMPLETE', 4), ev('port', 'IN_PROGRESS', 4)]),
      now: t0 + 5000,
    });
    expect(later.remaining).toBe(11);
    expect(later.waiting).toEqual({ server: 'port' });
    const done = scheduleView({ workflow, estimate, run: observeRun([...events, ev(null, 'COMPLETE', 20)]), now: t0 + 60_000 });
    expect(done.remaining).toBe(0);
    expect(done.elapsed).toBe(20);
    // Only what ran counts once the run has ended (subnet's end was not seen: it ran until the end).
    expect(done.schedule.total).toBe(20);
    expect(done.schedule.byId.get('server')!.state).toBe('skipped');
    expect(done.waiting).toEqual({});
  });

  it('names for each waiting resource the same chain as waitingOn, on long chains that share their ends', () => {
    // Each resource waits on the one before it and on the one seven before: chains that meet.
    const template = `heat_template_version: 2018-08-31\nresources:\n${Array.from(
      { length: 60 },
      (_, i) => `  r${i}: {type: OS::Heat::None${i ? `, depends_on: [r${i - 1}${i >= 7 ? `, r${i - 7}` : ''}]` : ''}}\n`,
    ).join('')}`;
    const chains = workflowOf(analyzeTemplate(template, { filename: 'chains.yaml' }));
    const events = [ev(null, 'IN_PROGRESS', 0)];
    for (let i = 0; i < 20; i++) events.push(ev(`r${i}`, 'IN_PROGRESS', i), ev(`r${i}`, 'COMPLETE', i + 1));
    events.push(ev('r20', 'IN_PROGRESS', 21));
    const view = scheduleView({ workflow: chains, estimate, run: observeRun(events), now: t0 + 22_000 });
    const expected: Record<string, string> = {};
    for (const step of view.schedule.steps) {
      if (step.state !== 'planned') continue;
      const chain = waitingOn(view.schedule, step.id);
      if (chain.length) expected[step.resource] = chain.map((w) => view.schedule.byId.get(w.on)!.resource).join(' → ');
    }
    expect(Object.keys(expected)).toHaveLength(39);
    expect(expected['r59']!.split(' → ')).toHaveLength(39);
    expect(view.waiting).toEqual(expected);
  });

  it('computed again from the same workflow (a run’s next batch of events), gives what a new workflow gives', () => {
    const run = (n: number) =>
      observeRun([ev(null, 'IN_PROGRESS', 0), ev('net', 'IN_PROGRESS', 0), ...(n > 1 ? [ev('net', 'COMPLETE', 2)] : [])]);
    for (const operation of ['create', 'delete'] as const) {
      expect(stepsOf(workflow, operation)).toBe(stepsOf(workflow, operation));
      for (const n of [1, 2, 1]) {
        const again = scheduleView({ workflow, estimate, operation, run: run(n), now: t0 + 3000 });
        const anew = scheduleView({
          workflow: workflowOf(analyzeTemplate(TEMPLATE, { filename: 't.yaml' })),
          estimate,
          operation,
          run: run(n),
          now: t0 + 3000,
        });
        expect(again.schedule.steps).toEqual(anew.schedule.steps);
        expect(again.waiting).toEqual(anew.waiting);
        expect(again.critical).toEqual(anew.critical);
      }
    }
  });
});
