import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '@hearth/engine';
import { harness, transitions, type Harness } from './test-support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const chain = `heat_template_version: 2018-08-31
parameters:
  greeting: {type: string, default: hello}
resources:
  a:
    type: OS::Heat::TestResource
    properties: {value: {get_param: greeting}}
  b:
    type: OS::Heat::TestResource
    properties: {value: {get_attr: [a, output]}}
  c:
    type: OS::Heat::None
    depends_on: b
outputs:
  b_out: {value: {get_attr: [b, output]}}
`;

describe('create and delete', () => {
  it('creates resources in dependency order with Heat states and reasons, and resolves outputs', async () => {
    const stack = await h.create({ name: 's1', template: chain });
    expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
    expect(stack.statusReason).toBe('Stack CREATE completed successfully');
    expect(stack.outputs).toEqual({ b_out: 'hello' });
    const events = await h.events(stack.id);
    expect(transitions(events)).toEqual([
      '<stack> CREATE_IN_PROGRESS',
      'a CREATE_IN_PROGRESS',
      'a CREATE_COMPLETE',
      'b CREATE_IN_PROGRESS',
      'b CREATE_COMPLETE',
      'c CREATE_IN_PROGRESS',
      'c CREATE_COMPLETE',
      '<stack> CREATE_COMPLETE',
    ]);
    expect(events.find((e) => e.resourceName === 'a')!.reason).toBe('state changed');
    const ids = events.map((e) => e.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const deleted = await h.remove('s1');
    expect(`${deleted.action}_${deleted.status}`).toBe('DELETE_COMPLETE');
    const del = transitions(await h.store.listEvents({ stackId: stack.id, afterId: ids.at(-1)! }));
    expect(del.indexOf('c DELETE_COMPLETE')).toBeLessThan(del.indexOf('b DELETE_IN_PROGRESS'));
    expect(del.indexOf('b DELETE_COMPLETE')).toBeLessThan(del.indexOf('a DELETE_IN_PROGRESS'));
    await expect(h.engine.getStack('s1')).rejects.toThrow(/no stack s1/);
  });
});

describe('refusals', () => {
  it('refuses a second operation while one is in progress', async () => {
    const slow = `heat_template_version: 2018-08-31
resources:
  a: {type: OS::Heat::TestResource, properties: {wait_secs: 0.3}}
`;
    const stack = await h.engine.createStack({ name: 'busy', template: slow });
    await expect(h.engine.deleteStack('busy')).rejects.toThrow(/already has an action \(CREATE\) in progress/);
    await expect(h.engine.deleteStack('busy')).rejects.toBeInstanceOf(EngineError);
    await h.engine.wait(stack.id);
  });

  it('refuses an invalid template with its diagnostics', async () => {
    const error = await h.engine
      .createStack({ name: 'bad', template: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Nope}\n' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('TEMPLATE_INVALID');
    expect((error as EngineError).diagnostics[0]).toMatchObject({ line: 3 });
  });
});
