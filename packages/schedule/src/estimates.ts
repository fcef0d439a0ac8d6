// How long a step is expected to take: the median of past runs on the same
// target when there are some, else the simulated cloud's latency (a
// rehearsal), else a default for the type (a real cloud).
import type { StepAction } from './steps.ts';

export type EstimateSource = 'history' | 'simulated' | 'default';

export interface Estimate {
  seconds: number;
  source: EstimateSource;
}

/** The kind of action a duration is kept for. */
export type TimedAction = 'create' | 'update' | 'delete';

/**
 * Past durations per resource type and action, in seconds. On the simulated
 * cloud a sample is the time beyond the simulated latency (so that runs with
 * another latency still inform the estimate); on a real cloud, the whole time.
 */
export type DurationHistory = Record<string, Partial<Record<TimedAction, { median: number; runs: number }>>>;

/** The simulated cloud's settings that make actions take time (the stack option `simulation`). */
export interface SimulatedLatency {
  latency: number;
  latencyByType?: Record<string, number>;
}

export type Estimator = (type: string, action: StepAction) => Estimate;

/**
 * Types whose actions the simulated cloud makes take its latency: its
 * objects (servers, networks, volumes…) and software deployments, which
 * its agents run. Heat's own resources (configs, handles, random strings)
 * take none. Mirrors where `simulateAction` is called in @hearth/resources.
 */
export function takesSimulatedLatency(type: string): boolean {
  return !type.startsWith('OS::Heat::') || type === 'OS::Heat::SoftwareDeployment' || type === 'OS::Heat::StructuredDeployment';
}

/** Types that wait for something else (a signal): their time is the wait, which the schedule derives. */
export const SIGNALLED_TYPES = new Set(['OS::Heat::WaitCondition', 'AWS::CloudFormation::WaitCondition', 'OS::Heat::SwiftSignal']);

/** Rough creation times on a real OpenStack, in seconds, when nothing better is known. */
const REAL_CLOUD_DEFAULTS: Array<[RegExp, number]> = [
  [/^OS::Nova::Server$|^AWS::EC2::Instance$/, 60],
  [/^OS::Cinder::Volume$|^AWS::EC2::Volume$/, 15],
  [/Attachment$/, 10],
  [/^OS::(Octavia|Neutron::LBaaS)::/, 30],
  [/^OS::Trove::/, 300],
  [/^OS::Magnum::/, 600],
  [/^OS::Heat::(Software|Structured)Deployment/, 60],
  [/^OS::Heat::(ResourceGroup|AutoScalingGroup|ResourceChain)$|^AWS::AutoScaling::AutoScalingGroup$/, 60],
  [/^OS::Neutron::Router(Interface|Gateway)?$/, 5],
  [/^OS::Neutron::/, 2],
  [/^OS::Heat::/, 1],
];

function realCloudDefault(type: string): number {
  for (const [pattern, seconds] of REAL_CLOUD_DEFAULTS) if (pattern.test(type)) return seconds;
  return 5;
}

function timedAction(action: StepAction): TimedAction | null {
  if (action === 'unchanged') return null;
  return action === 'replace' ? 'create' : action;
}

/**
 * The estimator for one target: `simulation` for a rehearsal on the
 * simulated cloud (null for a real cloud), `history` from past runs there.
 */
export function estimator(options: { history?: DurationHistory; simulation?: SimulatedLatency | null }): Estimator {
  const { history = {}, simulation = null } = options;
  return (type, action) => {
    const timed = timedAction(action);
    if (!timed || SIGNALLED_TYPES.has(type)) return { seconds: 0, source: 'default' };
    const past = history[type]?.[timed];
    if (simulation) {
      const latency = takesSimulatedLatency(type) ? (simulation.latencyByType?.[type] ?? simulation.latency) : 0;
      return past ? { seconds: Math.max(0, latency + past.median), source: 'history' } : { seconds: latency, source: 'simulated' };
    }
    if (past) return { seconds: past.median, source: 'history' };
    const created = realCloudDefault(type);
    return { seconds: timed === 'create' ? created : Math.max(1, created / 2), source: 'default' };
  };
}

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
