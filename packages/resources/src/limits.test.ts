// Heat's max_resources_per_stack over a whole tree of nested stacks, and
// group sizes refused before their members are written out.
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '@hearth/engine';
import { harness, transitions, type Harness } from './test-support/index.ts';

let h: Harness;
afterEach(() => h?.close());

const group = (count: number | string, member = 'OS::Heat::None') =>
  `{type: OS::Heat::ResourceGroup, properties: {count: ${count}, resource_def: {type: ${member}}}}`;

describe('resources per stack tree', () => {
  it('refuses a group of ten million before anything is made, naming the limit', async () => {
    h = await harness();
    const error = await h.engine
      .createStack({ name: 'huge', template: `heat_template_version: 2018-08-31\nresources:\n  g: ${group(10_000_000)}\n` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('TOO_LARGE');
    expect((error as EngineError).message).toBe(
      'Request limit exceeded: Maximum resources per stack exceeded. (The stack with its resource groups would hold 10,000,001 resources; a stack with its nested stacks may hold at most 5,000.)',
    );
  });

  it('counts groups within groups: two nested groups of 100 are 10,101 resources, not 101', async () => {
    h = await harness();
    const template = `heat_template_version: 2018-08-31
resources:
  outer:
    type: OS::Heat::ResourceGroup
    properties:
      count: 100
      resource_def: {type: OS::Heat::ResourceGroup, properties: {count: 100, resource_def: {type: OS::Heat::None}}}
`;
    await expect(h.engine.createStack({ name: 'nested', template })).rejects.toThrow(/would hold 10,101 resources; .* at most 5,000/);
  });

  it('fails a nested stack that would take the tree past the limit, as Heat does, and rolls back', async () => {
    h = await harness({ limits: { maxResourcesPerStack: 50 } });
    // Each template resource's nested stack is a group of 30: fine alone, too many together.
    const files = { 'thirty.yaml': `heat_template_version: 2018-08-31\nresources:\n  g: ${group(30)}\n` };
    const template = `heat_template_version: 2018-08-31
resources:
  a: {type: thirty.yaml}
  b: {type: thirty.yaml, depends_on: a}
`;
    const stack = await h.create({ name: 'tree', template, files });
    expect(`${stack.action}_${stack.status}`).toBe('ROLLBACK_COMPLETE');
    const failed = (await h.events(stack.id)).find((e) => e.resourceName === 'b' && e.status === 'FAILED')!;
    expect(failed.reason).toMatch(/^RequestLimitExceeded: resources\.b: Request limit exceeded: Maximum resources per stack exceeded\./);
    expect(transitions(await h.events(stack.id))).toContain('a CREATE_COMPLETE');
  });

  it('refuses a group whose count is only known at run time before writing its members out', async () => {
    h = await harness({ limits: { maxResourcesPerStack: 50 } });
    const template = `heat_template_version: 2018-08-31
resources:
  n: {type: OS::Heat::Value, properties: {value: 1000000, type: number}}
  g: ${group('{get_attr: [n, value]}')}
`;
    const stack = await h.create({ name: 'late', template, options: { disableRollback: true } });
    expect(`${stack.action}_${stack.status}`).toBe('CREATE_FAILED');
    const failed = (await h.events(stack.id)).find((e) => e.resourceName === 'g' && e.status === 'FAILED')!;
    expect(failed.reason).toBe(
      "RequestLimitExceeded: resources.g: Request limit exceeded: Maximum resources per stack exceeded. (The group's 1,000,000 members would not fit: its stack tree has room for 48 more resources.)",
    );
  });
});
