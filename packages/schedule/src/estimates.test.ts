import { describe, expect, it } from 'vitest';
import { estimator, median } from './estimates.ts';

describe('estimates', () => {
  it('on the simulated cloud: its latency for what it simulates, plus the median overhead of past runs', () => {
    const fresh = estimator({ simulation: { latency: 2, latencyByType: { 'OS::Nova::Server': 5 } } });
    expect(fresh('OS::Nova::Server', 'create')).toEqual({ seconds: 5, source: 'simulated' });
    expect(fresh('OS::Neutron::Net', 'replace')).toEqual({ seconds: 2, source: 'simulated' });
    expect(fresh('OS::Heat::SoftwareDeployment', 'update')).toEqual({ seconds: 2, source: 'simulated' });
    // Heat's own resources take no simulated time; an unchanged resource none at all.
    expect(fresh('OS::Heat::SoftwareConfig', 'create')).toEqual({ seconds: 0, source: 'simulated' });
    expect(fresh('OS::Neutron::Net', 'unchanged').seconds).toBe(0);
    const known = estimator({ simulation: { latency: 2 }, history: { 'OS::Neutron::Net': { create: { median: 0.25, runs: 3 } } } });
    expect(known('OS::Neutron::Net', 'create')).toEqual({ seconds: 2.25, source: 'history' });
  });

  it('on a real cloud: the median of past runs, else a default for the type', () => {
    const real = estimator({ history: { 'OS::Nova::Server': { create: { median: 41, runs: 5 } } } });
    expect(real('OS::Nova::Server', 'create')).toEqual({ seconds: 41, source: 'history' });
    expect(real('OS::Nova::Server', 'delete')).toEqual({ seconds: 30, source: 'default' });
    expect(real('OS::Neutron::Port', 'create')).toEqual({ seconds: 2, source: 'default' });
    // A wait condition's time is its wait for signals, which the schedule derives.
    expect(real('OS::Heat::WaitCondition', 'create').seconds).toBe(0);
  });

  it('takes the median', () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('formatDuration', () => {
  it('reads as people write times', async () => {
    const { formatDuration } = await import('./format.ts');
    expect([0, 4.5, 4.04, 59.96, 75, 606].map(formatDuration)).toEqual(['0s', '4.5s', '4s', '1m 0s', '1m 15s', '10m 6s']);
  });
});
