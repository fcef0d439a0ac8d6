import { afterEach, describe, expect, it } from 'vitest';
import { AnalysisPool, AnalysisRefused } from './pool.ts';
import type { AnalysisTask } from './tasks.ts';

const settings = { allowLocalScripts: false };
const validate = (template: string): AnalysisTask => ({ kind: 'validate', source: { name: 't', template }, settings });

const SMALL = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';
/** A regular expression that backtracks for hours: nothing bounds one match but the worker's time limit. */
const RUNAWAY = `heat_template_version: 2018-08-31
conditions:
  c: {yaql: {expression: "regex('(a+)+$').matches($.data)", data: "${'a'.repeat(40)}b"}}
resources: {}
`;
const LARGE = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: 5000 }, (_, i) => `  r${i}: {type: OS::Heat::Value, properties: {value: v${i}}}\n`).join('')}`;

let pools: AnalysisPool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});
const pool = (options: ConstructorParameters<typeof AnalysisPool>[0]) => {
  const p = new AnalysisPool(options);
  pools.push(p);
  return p;
};

async function refusal(work: Promise<unknown>): Promise<AnalysisRefused> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnalysisRefused);
  return error as AnalysisRefused;
}

describe('the analysis pool', () => {
  it('analyses templates in worker threads', async () => {
    const result = await pool({ size: 1 }).run(validate(SMALL));
    expect(result.kind).toBe('validate');
    if (result.kind === 'validate') {
      expect(result.result.valid).toBe(true);
      expect(result.result.positions).toEqual({ a: { line: 3, column: 3 } });
    }
  });

  it('stops a template that runs past its time limit, and goes on with the next', async () => {
    // The runaway would take hours: any limit stops it. The next template takes milliseconds.
    const p = pool({ size: 1, timeoutMs: 3000 });
    const stopped = await refusal(p.run(validate(RUNAWAY)));
    expect(stopped.reason).toBe('TIMEOUT');
    expect(stopped.message).toBe('The template took longer than 3 s to analyse, the most Hearth gives one template; it was stopped.');
    expect((await p.run(validate(SMALL))).kind).toBe('validate');
  });

  it('stops a template that outgrows its memory', async () => {
    // 16 MB holds the worker's code and a small template, not 5,000 resources.
    const p = pool({ size: 1, heapMb: 16 });
    expect((await p.run(validate(SMALL))).kind).toBe('validate');
    const stopped = await refusal(p.run(validate(LARGE)));
    expect(stopped.reason).toBe('MEMORY');
    expect(stopped.message).toContain('needed more than 16 MB');
  });

  it('says so when its workers cannot even start, rather than starting them forever', async () => {
    const stopped = await refusal(pool({ size: 1, heapMb: 2 }).run(validate(SMALL)));
    expect(stopped.reason).toBe('CRASHED');
    expect(stopped.message).toMatch(/^Hearth's analysis workers cannot start: /);
  });

  it('refuses at once what would wait beyond its queue', async () => {
    const p = pool({ size: 1, maxQueue: 1, timeoutMs: 60_000 });
    const running = refusal(p.run(validate(RUNAWAY)));
    const waiting = refusal(p.run(validate(SMALL)));
    const busy = await refusal(p.run(validate(SMALL)));
    expect(busy.reason).toBe('BUSY');
    await p.close();
    expect((await running).reason).toBe('CLOSED');
    expect((await waiting).reason).toBe('CLOSED');
  });
});
