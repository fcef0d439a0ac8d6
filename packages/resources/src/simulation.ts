// How the simulated cloud behaves for a stack: latency and injected faults,
// from the stack's `simulation` option, so that designs can be rehearsed and
// tests can prove that nothing leaks after a failure.
import type { ActionContext } from '@hearth/engine';
import { ActionPending, ResourceFailure } from '@hearth/engine';
import type { Value, ValueMap } from '@hearth/template';
import { isValueMap } from '@hearth/template';

export interface SimulationSettings {
  /** Seconds each action takes (default 0). */
  latency: number;
  /** Seconds per resource type, overriding `latency`. */
  latencyByType: Record<string, number>;
  /** Resources whose action fails. */
  fail: Set<string>;
  /** Actions the failures apply to (default: create and update). */
  failOn: Set<string>;
  /** Probability that any action fails. */
  failProbability: number;
  /** Resources whose action never finishes (until cancelled or timed out). */
  hang: Set<string>;
  seed: number;
}

function names(v: Value | undefined): Set<string> {
  return new Set(
    Array.isArray(v)
      ? v.map(String)
      : typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
  );
}

export function settingsOf(options: ValueMap): SimulationSettings {
  const s = isValueMap(options.simulation) ? options.simulation : {};
  const byType = isValueMap(s.latencyByType) ? s.latencyByType : {};
  return {
    latency: Number(s.latency ?? 0) || 0,
    latencyByType: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, Number(v) || 0])),
    fail: names(s.fail),
    failOn: names(s.failOn).size ? names(s.failOn) : new Set(['create', 'update']),
    failProbability: Number(s.failProbability ?? 0) || 0,
    hang: names(s.hang),
    seed: Number(s.seed ?? 1) || 1,
  };
}

/** Waits, or rejects as soon as the action is aborted. */
export function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  // A negative wait never ends by itself (Heat's TestResource: wait_secs < 0 waits forever).
  if (seconds < 0)
    return new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  if (seconds === 0) return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, seconds * 1000);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A deterministic pseudo-random number in [0, 1) for a key. */
function chance(key: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100000) / 100000;
}

/** Waits shorter than this inline even when the action runs in steps: a new job would cost more. */
const INLINE_WAIT_MS = 1000;

/**
 * Makes an action take `seconds` (negative: until aborted). Run in steps (engine
 * workers), the time is kept by the clock from the action's start: a long
 * wait becomes ActionPending, and the next step finds how much is left.
 */
export async function actionTakes(ctx: ActionContext, seconds: number): Promise<void> {
  if (!ctx.steps) return sleep(seconds, ctx.signal);
  if (seconds < 0) throw new ActionPending(5000);
  const left = ctx.steps.startedAt + seconds * 1000 - Date.now();
  if (left > INLINE_WAIT_MS) throw new ActionPending(left);
  await sleep(Math.max(0, left) / 1000, ctx.signal);
}

/** Applies latency and faults to one action of the simulated cloud. */
export async function simulateAction(ctx: ActionContext, action: 'create' | 'update' | 'delete' | 'check'): Promise<void> {
  const s = settingsOf(ctx.stack.options);
  const latency = s.latencyByType[ctx.type] ?? s.latency;
  await actionTakes(ctx, s.hang.has(ctx.resourceName) && action !== 'delete' ? -1 : latency);
  const failsHere =
    s.failOn.has(action) &&
    (s.fail.has(ctx.resourceName) || (s.failProbability > 0 && chance(`${ctx.clientToken}:${action}`, s.seed) < s.failProbability));
  if (failsHere)
    throw new ResourceFailure(
      `Simulated failure of ${ctx.resourceName} (${action}), as the stack's simulation settings asked.`,
      'SimulatedFault',
    );
}
