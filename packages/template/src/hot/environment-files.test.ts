import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { childEnvironment } from './environment-files.ts';

// Expected registries printed by Heat 19's environment.get_child_environment for the same parent.
const PARENT = `resource_registry:
  My::Thing: OS::Heat::None
  resources:
    data: {vol: {restricted_actions: [update]}, hooks: pre-create}
    d*: {other: {restricted_actions: [replace]}}
    web: {x: {hooks: pre-update}}
`;

const registry = (text: string) => (load(text) as { resource_registry: unknown }).resource_registry;

describe('the environment a nested stack gets (get_child_environment)', () => {
  it("keeps, of the per-resource section, what the parent's gave the resource the nested stack is made for", () => {
    expect(registry(childEnvironment(PARENT, null, 'data'))).toEqual({
      'My::Thing': 'OS::Heat::None',
      resources: { hooks: 'pre-create', other: { restricted_actions: ['replace'] }, vol: { restricted_actions: ['update'] } },
    });
    expect(registry(childEnvironment(PARENT, null, 'web'))).toEqual({
      'My::Thing': 'OS::Heat::None',
      resources: { x: { hooks: 'pre-update' } },
    });
    expect(registry(childEnvironment(PARENT, null, 'nothing'))).toEqual({ 'My::Thing': 'OS::Heat::None', resources: {} });
  });

  it('drops the mapping that led to the nested template, and leaves an environment without either untouched', () => {
    expect(registry(childEnvironment(PARENT, ['My::Thing'], null))).not.toHaveProperty('My::Thing');
    const plain = 'parameter_defaults: {a: 1}\n';
    expect(childEnvironment(plain, null, 'data')).toBe(plain);
  });
});
