import { analyzeTemplate } from '@hearth/template';
import { describe, expect, it } from 'vitest';
import type { Estimator } from './estimates.ts';
import { observeRun, type RunEvent } from './observe.ts';
import { scheduleView } from './view.ts';
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
});
