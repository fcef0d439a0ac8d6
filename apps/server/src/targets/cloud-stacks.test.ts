import { describe, expect, it } from 'vitest';
import { planFromPreview } from './cloud-stacks.ts';

describe("Heat's preview as a plan", () => {
  it('takes each list as an action, and the nested stacks’ resources (show_nested) as their parent’s nested plan', () => {
    const plan = planFromPreview({
      added: [{ resource_name: 'new', resource_type: 'OS::Heat::Value' }],
      updated: [{ resource_name: 'group', resource_type: 'OS::Heat::ResourceGroup' }],
      replaced: [
        { resource_name: 'secret', resource_type: 'OS::Heat::RandomString' },
        { resource_name: '1', resource_type: 'OS::Heat::Value', parent_resource: 'group' },
      ],
      deleted: [{ resource_name: 'old' }],
      unchanged: [{ resource_name: '0', parent_resource: 'group' }, { resource_name: 'keep' }],
    });
    expect(plan.changes.map((c) => [c.resource, c.action])).toEqual([
      ['new', 'create'],
      ['group', 'update'],
      ['secret', 'replace'],
      ['old', 'delete'],
      ['keep', 'unchanged'],
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 1, replace: 1, delete: 1, retain: 0, unchanged: 1 });
    const group = plan.changes.find((c) => c.resource === 'group')!;
    expect(group.nested?.changes.map((c) => [c.resource, c.action])).toEqual([
      ['1', 'replace'],
      ['0', 'unchanged'],
    ]);
    expect(group.nested?.summary).toMatchObject({ replace: 1, unchanged: 1 });
  });
});
