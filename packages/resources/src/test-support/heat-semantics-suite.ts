// Heat 19's behaviour on updates, environments and nested stacks, run
// against each scheduler (in memory, and PostgreSQL workers in packages/cluster).
// Each case names the Heat code it follows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transitions, type Harness, type MakeHarness } from './harness.ts';
import { watch } from './watch.ts';

const hot = (resources: string, rest = '') => `heat_template_version: 2018-08-31\n${rest}resources:\n${resources}`;

export function heatSemanticsSuite(makeHarness: MakeHarness): void {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const physicalId = async (stack: string, name: string) =>
    (await h.engine.resources((await h.engine.getStack(stack)).id)).find((r) => r.name === name)?.physicalId ?? null;

  describe('a resource keeps what it was created as', () => {
    // heat/engine/resource.py Resource.load: a resource is loaded with the environment it was made with.
    it('deletes a resource made through an alias after the alias has left the environment', async () => {
      await h.create({
        name: 'alias-gone',
        template: hot('  thing: {type: My::Thing, properties: {value: a}}\n  other: {type: OS::Heat::None}\n'),
        environment: 'resource_registry:\n  My::Thing: OS::Heat::TestResource\n',
      });
      const updated = await h.update('alias-gone', { template: hot('  other: {type: OS::Heat::None}\n'), environment: '' });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect((await h.engine.resources(updated.id)).map((r) => r.name)).toEqual(['other']);
      expect((await h.remove('alias-gone')).status).toBe('COMPLETE');
    });

    it('deletes a template resource after its template has left the files', async () => {
      const child = hot('  vol: {type: OS::Cinder::Volume, properties: {size: 1}}\n');
      await h.create({ name: 'file-gone', template: hot('  disk: {type: disk.yaml}\n'), files: { 'disk.yaml': child } });
      const updated = await h.update('file-gone', { template: hot('  other: {type: OS::Heat::None}\n'), files: {} });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect(await h.cloud.objects.list({ kind: 'volume' })).toEqual([]);
      expect((await h.remove('file-gone')).status).toBe('COMPLETE');
    });

    it('shrinks a group whose members were made through an alias the update drops', async () => {
      const group = (count: number, type: string) =>
        hot(
          `  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n      count: ${count}\n      resource_def: {type: ${type}, properties: {value: v}}\n`,
        );
      await h.create({
        name: 'shrink',
        template: group(3, 'My::Thing'),
        environment: 'resource_registry:\n  My::Thing: OS::Heat::TestResource\n',
      });
      const updated = await h.update('shrink', { template: group(1, 'OS::Heat::TestResource'), environment: '' });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect((await h.remove('shrink')).status).toBe('COMPLETE');
    });
  });

  describe('types compared as Heat compares them', () => {
    // heat/engine/resource.py update_convergence: `type(self) is not new_res_type` decides a replacement.
    const env = (target: string) => `resource_registry:\n  My::A: ${target}\n  My::B: OS::Heat::TestResource\n`;

    it('updates in place when a resource moves between two aliases of the same type', async () => {
      await h.create({
        name: 'aliases',
        template: hot('  r: {type: My::A, properties: {value: a}}\n'),
        environment: env('OS::Heat::TestResource'),
      });
      const before = await physicalId('aliases', 'r');
      const next = { template: hot('  r: {type: My::B, properties: {value: a}}\n'), environment: env('OS::Heat::TestResource') };
      const plan = await h.engine.plan('aliases', { name: 'aliases', ...next });
      expect(plan.changes.find((c) => c.resource === 'r')!.action).toBe('update');
      const updated = await h.update('aliases', next);
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect(await physicalId('aliases', 'r')).toBe(before);
    });

    it('replaces a resource whose alias now points at another type', async () => {
      await h.create({
        name: 'retarget',
        template: hot('  r: {type: My::A, properties: {value: a}}\n'),
        environment: env('OS::Heat::TestResource'),
      });
      const before = await physicalId('retarget', 'r');
      const next = { template: hot('  r: {type: My::A}\n'), environment: env('OS::Heat::None') };
      const plan = await h.engine.plan('retarget', { name: 'retarget', ...next });
      expect(plan.changes.find((c) => c.resource === 'r')).toMatchObject({ action: 'replace' });
      const updated = await h.update('retarget', next);
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect(await physicalId('retarget', 'r')).not.toBe(before);
    });

    // heat/engine/resources/stack_resource.py child_definition: get_child_environment(item_to_remove=resource_info).
    it('lets a template mapped over a type use that type inside itself', async () => {
      const random = hot(
        '  inner: {type: OS::Heat::RandomString, properties: {length: {get_param: length}}}\n',
        'parameters:\n  length: {type: number, default: 8}\n',
      ).concat('outputs:\n  value: {value: {get_attr: [inner, value]}}\n');
      const stack = await h.create({
        name: 'over',
        template: hot('  r: {type: OS::Heat::RandomString, properties: {length: 12}}\n').concat(
          'outputs:\n  v: {value: {get_attr: [r, value]}}\n',
        ),
        environment: 'resource_registry:\n  OS::Heat::RandomString: random.yaml\n',
        files: { 'random.yaml': random },
      });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(String(stack.outputs.v)).toHaveLength(12);
    });
  });

  describe('safeguards', () => {
    // heat/engine/resource.py _check_restricted_actions: an event on the resource, which keeps its state; the stack fails.
    const restricting = (action: string) => `resource_registry:\n  resources:\n    r*:\n      restricted_actions: ${action}\n`;

    it("refuses an update the environment restricts: UPDATE_FAILED with Heat's reason, the resource untouched", async () => {
      await h.create({ name: 'restricted', template: hot('  r1: {type: OS::Heat::TestResource, properties: {value: a}}\n') });
      const updated = await h.update('restricted', {
        template: hot('  r1: {type: OS::Heat::TestResource, properties: {value: b}}\n'),
        environment: restricting('update'),
        options: { disableRollback: true },
      });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_FAILED');
      expect(updated.statusReason).toBe(
        'Resource UPDATE failed: ResourceActionRestricted: resources.r1: update is restricted for resource.',
      );
      const events = await h.events(updated.id);
      expect(events.filter((e) => e.resourceName === 'r1' && e.action === 'UPDATE').map((e) => [e.status, e.reason])).toEqual([
        ['FAILED', 'update is restricted for resource.'],
      ]);
      const [r1] = await h.engine.resources(updated.id);
      expect([r1!.action, r1!.status, r1!.attributes.output]).toEqual(['CREATE', 'COMPLETE', 'a']);
    });

    it('refuses a replacement the environment restricts, and rolls back to nothing changed', async () => {
      await h.create({
        name: 'no-replace',
        template: hot('  r1: {type: OS::Heat::TestResource, properties: {value: a, update_replace_value: x}}\n'),
      });
      const before = await physicalId('no-replace', 'r1');
      const updated = await h.update('no-replace', {
        template: hot('  r1: {type: OS::Heat::TestResource, properties: {value: a, update_replace_value: y}}\n'),
        environment: restricting('[replace]'),
      });
      expect(`${updated.action}_${updated.status}`).toBe('ROLLBACK_COMPLETE');
      const events = await h.events(updated.id);
      expect(events.find((e) => e.resourceName === 'r1' && e.status === 'FAILED')!.reason).toBe('replace is restricted for resource.');
      expect(events.find((e) => e.resourceName === null && e.status === 'FAILED')!.reason).toBe(
        'Resource UPDATE failed: ResourceActionRestricted: resources.r1: replace is restricted for resource.',
      );
      expect(await physicalId('no-replace', 'r1')).toBe(before);
    });

    // heat/engine/service.py _prepare_stack_updates: refused at request time; the stack keeps its state.
    // heat/engine/environment.py get_child_environment: remove_resources_except(child_resource_name).
    it("reaches a resource inside a nested stack through the registry's per-resource section", async () => {
      const disk = (size: number) => hot(`  vol: {type: OS::Cinder::Volume, properties: {size: ${size}}}\n`);
      const environment = 'resource_registry:\n  resources:\n    data:\n      vol: {restricted_actions: [update]}\n';
      const template = hot('  data: {type: disk.yaml}\n');
      await h.create({ name: 'deep', template, files: { 'disk.yaml': disk(1) }, environment, options: { disableRollback: true } });
      const updated = await h.update('deep', { template, files: { 'disk.yaml': disk(2) }, environment });
      expect([`${updated.action}_${updated.status}`, updated.statusReason]).toEqual([
        'UPDATE_FAILED',
        'Resource UPDATE failed: ResourceActionRestricted: resources.data.resources.vol: update is restricted for resource.',
      ]);
      expect((await h.cloud.objects.list({ kind: 'volume' })).map((v) => v.data.size)).toEqual([1]);
    });

    // heat/engine/resources/openstack/heat/resource_group.py validate_nested_stack: the first member, when the count is not zero.
    it("validates a group's member definition at request time once its count is not zero", async () => {
      const group = (count: number) =>
        hot(
          `  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n      count: ${count}\n      resource_def: {type: OS::Heat::TestResource, properties: {bogus: 1}}\n`,
        );
      const stack = await h.create({ name: 'zero', template: group(0) });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      await expect(h.engine.updateStack('zero', { template: group(2) })).rejects.toThrow(
        /^The template cannot be run: Property error: resources\.g<nested_stack>\.resources\[0\]\.properties: Unknown Property bogus/,
      );
      expect(`${(await h.engine.getStack('zero')).action}_${(await h.engine.getStack('zero')).status}`).toBe('CREATE_COMPLETE');
      await expect(h.engine.createStack({ name: 'many', template: group(3) })).rejects.toThrow('resources.g<nested_stack>.resources[0]');
    });

    it("refuses to change an immutable parameter at request time, with Heat's message", async () => {
      const template = hot(
        '  r: {type: OS::Heat::TestResource, properties: {value: {get_param: zone}}}\n',
        'parameters:\n  zone: {type: string, immutable: true, default: az1}\n  size: {type: number, default: 1}\n',
      );
      const stack = await h.create({ name: 'immutable', template });
      await expect(h.engine.updateStack('immutable', { template, parameters: { zone: 'az2' } })).rejects.toThrow(
        'The following parameters are immutable and may not be updated: zone',
      );
      await expect(h.engine.plan('immutable', { name: 'immutable', template, parameters: { zone: 'az2' } })).rejects.toThrow(
        'The following parameters are immutable and may not be updated: zone',
      );
      // A changed default counts as a change; the same value given again does not.
      await expect(h.engine.updateStack('immutable', { template: template.replace('default: az1', 'default: az3') })).rejects.toThrow(
        /immutable and may not be updated: zone$/,
      );
      const same = await h.update('immutable', { template, parameters: { zone: 'az1', size: 2 } });
      expect(`${same.action}_${same.status}`).toBe('UPDATE_COMPLETE');
      const events = await h.events(stack.id);
      expect(events.filter((e) => e.resourceName === null).map((e) => `${e.action}_${e.status}`)).toEqual([
        'CREATE_IN_PROGRESS',
        'CREATE_COMPLETE',
        'UPDATE_IN_PROGRESS',
        'UPDATE_COMPLETE',
      ]);
    });

    // heat/engine/resources/template_resource.py _validate_against_facade, at create and update.
    it('refuses a provider template that does not match the type it stands in for', async () => {
      const template = hot('  r: {type: OS::Heat::RandomString, properties: {length: 12}}\n');
      const environment = 'resource_registry:\n  OS::Heat::RandomString: random.yaml\n';
      const provider = (parameters: string, outputs: string) =>
        hot('  inner: {type: OS::Heat::None}\n', `parameters:\n${parameters}`).concat(`outputs:\n${outputs}`);
      const refused = (files: Record<string, string>) => h.engine.createStack({ name: 'facade', template, environment, files });
      await expect(refused({ 'random.yaml': provider('  length: {type: string}\n', '  value: {value: x}\n') })).rejects.toThrow(
        'Property length type mismatch between facade OS::Heat::RandomString (Integer) and provider (String)',
      );
      await expect(
        refused({ 'random.yaml': provider('  length: {type: number}\n  pepper: {type: string}\n', '  value: {value: x}\n') }),
      ).rejects.toThrow('Provider requires property pepper unknown in facade OS::Heat::RandomString');
      await expect(refused({ 'random.yaml': provider('  length: {type: number}\n', '  other: {value: x}\n') })).rejects.toThrow(
        'Attribute value for facade OS::Heat::RandomString missing in provider',
      );
      expect(await h.store.listStacks()).toEqual([]);
    });
  });

  describe('update forms and environments', () => {
    const template = hot(
      '  r: {type: My::Thing, properties: {value: {get_param: size}}}\n',
      'parameters:\n  size: {type: number, default: 1}\n  label: {type: string, default: none}\n',
    ).concat('outputs:\n  size: {value: {get_attr: [r, output]}}\n');
    const files = {
      'base.env': 'parameters: {size: 2, label: base}\nresource_registry: {My::Thing: OS::Heat::TestResource}\n',
      'prod.env': 'parameters: {size: 3}\nparameter_defaults: {size: 5}\n',
    };

    // heat/common/environment_util.py merge_environments: files in order, a later one overwriting an earlier one.
    it('merges several environment files in order, as Heat does', async () => {
      const stack = await h.create({ name: 'envs', template, files, environmentFiles: ['base.env', 'prod.env'] });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(stack.outputs.size).toBe('3');
      expect(await h.engine.parameters(stack.id)).toMatchObject({ size: '3', label: 'base', 'OS::stack_name': 'envs' });
    });

    // heat/engine/service.py _prepare_stack_updates with PARAM_EXISTING (PATCH).
    it('updates with PATCH: the stored template, files and environment, with only what is given changed', async () => {
      const stack = await h.create({ name: 'patch', template, files, environmentFiles: ['base.env'] });
      expect(stack.outputs.size).toBe('2');
      const patched = await h.update('patch', { existing: true, parameters: { size: 4 } });
      expect(`${patched.action}_${patched.status}`).toBe('UPDATE_COMPLETE');
      expect(patched.template).toBe(template);
      expect(patched.outputs.size).toBe('4');
      expect(await h.engine.parameters(stack.id)).toMatchObject({ size: '4', label: 'base' });
      // A cleared parameter falls back to parameter_defaults, then to its default.
      const cleared = await h.update('patch', { existing: true, clearParameters: ['size', 'label'] });
      expect(cleared.outputs.size).toBe('1');
      expect(await h.engine.parameters(stack.id)).toMatchObject({ size: '1', label: 'none' });
      const moreEnv = await h.update('patch', { existing: true, environment: 'parameter_defaults: {size: 7}\n' });
      expect(moreEnv.outputs.size).toBe('7');
    });

    it("refuses an environment file the request does not carry, and a conflict of merge strategies, with Heat's messages", async () => {
      await expect(h.engine.createStack({ name: 'x', template, files, environmentFiles: ['missing.env'] })).rejects.toThrow(
        'The environment file missing.env is not among the files sent with the request.',
      );
      const conflicting = {
        'a.env':
          'parameters: {label: x}\nparameter_merge_strategies: {label: merge}\nresource_registry: {My::Thing: OS::Heat::TestResource}\n',
        'b.env': 'parameters: {label: y}\nparameter_merge_strategies: {label: overwrite}\n',
      };
      await expect(h.engine.createStack({ name: 'x', template, files: conflicting, environmentFiles: ['a.env', 'b.env'] })).rejects.toThrow(
        "Conflicting merge strategy 'overwrite' for parameter 'label' in file 'b.env'.",
      );
    });
  });

  describe('attributes during an update', () => {
    // heat/engine/check_resource.py: a resource's update reads the attributes its requirements have after theirs.
    it('gives get_attr the value of a resource updated earlier in the same update', async () => {
      const template = (value: string) =>
        hot(
          `  a: {type: OS::Heat::TestResource, properties: {value: ${value}}}\n  b: {type: OS::Heat::TestResource, properties: {value: {get_attr: [a, output]}}}\n`,
        ).concat('outputs:\n  b: {value: {get_attr: [b, output]}}\n');
      await h.create({ name: 'attrs', template: template('one') });
      const plan = await h.engine.plan('attrs', { name: 'attrs', template: template('two') });
      expect(plan.changes.find((c) => c.resource === 'b')).toMatchObject({ action: 'update' });
      const updated = await h.update('attrs', { template: template('two') });
      expect(updated.outputs.b).toBe('two');
      const b = (await h.engine.resources(updated.id)).find((r) => r.name === 'b')!;
      expect(b.properties.value).toBe('two');
    });
  });

  describe('nested stacks follow their files', () => {
    // heat/engine/resources/stack_resource.py _needs_update: a nested stack is updated on every update.
    const disk = (size: number) =>
      hot(
        '  vol: {type: OS::Cinder::Volume, properties: {size: {get_param: size}, name: {get_param: label}}}\n',
        `parameters:\n  size: {type: number, default: ${size}}\n  label: {type: string, default: plain}\n`,
      );
    const parent = (props: string) => hot(`  data: {type: disk.yaml${props}}\n`);

    it('updates the nested stack when only its template file changed', async () => {
      await h.create({ name: 'files', template: parent(''), files: { 'disk.yaml': disk(1) } });
      const before = await physicalId('files', 'data');
      const plan = await h.engine.plan('files', { name: 'files', template: parent(''), files: { 'disk.yaml': disk(2) } });
      expect(plan.changes.find((c) => c.resource === 'data')).toMatchObject({ action: 'update' });
      // As Heat's preview with show_nested: what the nested stack's own resources do.
      expect(plan.changes.find((c) => c.resource === 'data')!.nested!.changes).toMatchObject([
        { resource: 'vol', action: 'update', changes: [{ path: 'properties.size', before: 1, after: 2 }] },
      ]);
      const updated = await h.update('files', { template: parent(''), files: { 'disk.yaml': disk(2) } });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect(await physicalId('files', 'data')).toBe(before);
      expect((await h.cloud.objects.list({ kind: 'volume' })).map((v) => v.data.size)).toEqual([2]);
    });

    it("plans a group's members as its nested stack will change", async () => {
      const group = (count: number) =>
        hot(
          `  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n      count: ${count}\n      resource_def: {type: OS::Heat::TestResource, properties: {value: v}}\n`,
        );
      await h.create({ name: 'members', template: group(2) });
      const plan = await h.engine.plan('members', { name: 'members', template: group(3) });
      const g = plan.changes.find((c) => c.resource === 'g')!;
      expect(g.action).toBe('update');
      expect(g.nested!.changes.map((c) => [c.resource, c.action])).toEqual([
        ['0', 'unchanged'],
        ['1', 'unchanged'],
        ['2', 'create'],
      ]);
    });

    it('updates a template resource in place when a property is removed', async () => {
      await h.create({ name: 'props', template: parent(', properties: {label: fancy}'), files: { 'disk.yaml': disk(1) } });
      const before = await physicalId('props', 'data');
      const plan = await h.engine.plan('props', { name: 'props', template: parent(''), files: { 'disk.yaml': disk(1) } });
      expect(plan.changes.find((c) => c.resource === 'data')).toMatchObject({ action: 'update' });
      const updated = await h.update('props', { template: parent(''), files: { 'disk.yaml': disk(1) } });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect(await physicalId('props', 'data')).toBe(before);
      expect((await h.cloud.objects.list({ kind: 'volume' })).map((v) => v.data.name)).toEqual(['plain']);
    });
  });

  describe('template resources as Heat exposes them', () => {
    // heat/engine/resources/template_resource.py get_reference_id, get_attribute; hot/functions.py ResourceFacade.
    const parent = (props = '') =>
      hot(`  data: {type: disk.yaml${props}}\n`) +
      'outputs:\n  ref: {value: {get_resource: data}}\n  role: {value: {get_attr: [data, role]}}\n  size: {value: {get_attr: [data, resource.vol.size]}}\n';
    const disk = (extraOutputs = '') =>
      hot('  vol: {type: OS::Cinder::Volume, properties: {size: 3}}\n') +
      `outputs:\n  role: {value: {resource_facade: metadata}}\n${extraOutputs}`;

    it("gives get_resource the nested stack's reference: its OS::stack_id output, else Heat's arn", async () => {
      const plain = await h.create({ name: 'ref-arn', template: parent(), files: { 'disk.yaml': disk() } });
      const nested = await h.engine.getStack((await physicalId('ref-arn', 'data'))!);
      expect(plain.outputs.ref).toBe(`arn:openstack:heat:::stacks/${nested.name}/${nested.id}`);
      const own = await h.create({
        name: 'ref-output',
        template: parent(),
        files: { 'disk.yaml': disk('  OS::stack_id: {value: {get_resource: vol}}\n') },
      });
      const nestedId = (await physicalId('ref-output', 'data'))!;
      expect(own.outputs.ref).toBe(await physicalId(nestedId, 'vol'));
      expect(own.outputs.ref).toMatch(/\S/);
    });

    it("passes the resource's metadata to the nested template's resource_facade and reads resource.<name>.<attr>", async () => {
      const stack = await h.create({ name: 'facade', template: parent(', metadata: {tier: db}'), files: { 'disk.yaml': disk() } });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(stack.outputs.role).toEqual({ tier: 'db' });
      expect(stack.outputs.size).toBe(3);
    });

    it("names a nested failure by its path, as Heat's ResourceFailure does", async () => {
      const failing = hot('  oops: {type: OS::Heat::TestResource, properties: {fail: true}}\n');
      const stack = await h.create({
        name: 'nested-path',
        template: hot('  victim: {type: victim.yaml}\n'),
        files: { 'victim.yaml': failing },
        options: { disableRollback: true },
      });
      expect(stack.statusReason).toBe('Resource CREATE failed: ValueError: resources.victim.resources.oops: Test Resource failed oops');
      const victim = (await h.engine.resources(stack.id)).find((r) => r.name === 'victim')!;
      expect(victim.statusReason).toBe('ValueError: resources.victim.resources.oops: Test Resource failed oops');
    });
  });

  describe('groups and chains as nested stacks', () => {
    // heat/engine/resources/openstack/heat/resource_chain.py and software_deployment.py SoftwareDeploymentGroup.
    const nestedRows = async (stack: string, name: string) => h.engine.resources((await physicalId(stack, name))!);

    it('runs a ResourceChain as a nested stack: one member per type, each after the one before unless concurrent', async () => {
      const chain = (concurrent: boolean) =>
        hot(
          `  chain:\n    type: OS::Heat::ResourceChain\n    properties:\n      resources: [OS::Heat::TestResource, OS::Heat::TestResource]\n      concurrent: ${concurrent}\n      resource_properties: {value: shared}\n`,
        ) + 'outputs:\n  second: {value: {get_attr: [chain, resource.1.output]}}\n  refs: {value: {get_attr: [chain, refs]}}\n';
      const stack = await h.create({ name: 'chain', template: chain(false) });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      const members = await nestedRows('chain', 'chain');
      expect(members.map((r) => [r.name, r.type, r.requires])).toEqual([
        ['0', 'OS::Heat::TestResource', []],
        ['1', 'OS::Heat::TestResource', ['0']],
      ]);
      expect(stack.outputs.second).toBe('shared');
      expect(stack.outputs.refs).toEqual(members.map((r) => r.physicalId));
      const together = await h.create({ name: 'together', template: chain(true) });
      expect((await nestedRows('together', 'chain')).map((r) => r.requires)).toEqual([[], []]);
      expect((await h.remove(together.id)).status).toBe('COMPLETE');
    });

    // heat/engine/resources/openstack/heat/autoscaling_group.py; heat/scaling/template.py member_definitions.
    it('runs an AutoScalingGroup as a nested stack: members keep their names, a shrink removes the oldest', async () => {
      const asg = (desired: number) =>
        hot(
          `  asg:\n    type: OS::Heat::AutoScalingGroup\n    properties:\n      min_size: 1\n      max_size: 4\n      desired_capacity: ${desired}\n      resource: {type: OS::Heat::TestResource, properties: {value: v}}\n`,
        ) +
        'outputs:\n  size: {value: {get_attr: [asg, current_size]}}\n  values: {value: {get_attr: [asg, outputs, output]}}\n  list: {value: {get_attr: [asg, outputs_list, output]}}\n';
      const created = await h.create({ name: 'asg', template: asg(2) });
      expect(`${created.action}_${created.status}`).toBe('CREATE_COMPLETE');
      const first = (await nestedRows('asg', 'asg')).map((r) => r.name);
      expect(first).toHaveLength(2);
      for (const name of first) expect(name).toMatch(/^[a-z2-7]{12}$/);
      expect(created.outputs).toMatchObject({ size: 2, list: ['v', 'v'], values: Object.fromEntries(first.map((n) => [n, 'v'])) });
      const plan = await h.engine.plan('asg', { name: 'asg', template: asg(3) });
      expect(
        plan.changes
          .find((c) => c.resource === 'asg')!
          .nested!.changes.map((c) => c.action)
          .sort(),
      ).toEqual(['create', 'unchanged', 'unchanged']);
      const grown = await h.update('asg', { template: asg(3) });
      expect(grown.outputs.size).toBe(3);
      const three = (await nestedRows('asg', 'asg')).map((r) => r.name);
      expect(three.slice(0, 2)).toEqual(first);
      const shrunk = await h.update('asg', { template: asg(1) });
      expect(shrunk.outputs.size).toBe(1);
      expect((await nestedRows('asg', 'asg')).map((r) => r.name)).toEqual([three[2]]);
    });

    // heat/engine/resources/openstack/heat/scaling_policy.py handle_signal; heat/scaling/scalingutil.py.
    it('scales a group when its policy is signalled, keeps that size across updates, and waits out the cooldown', async () => {
      const template = (desired: number | null, cooldown: number) =>
        hot(
          `  asg:\n    type: OS::Heat::AutoScalingGroup\n    properties:\n      min_size: 1\n      max_size: 3\n${desired === null ? '' : `      desired_capacity: ${desired}\n`}      resource: {type: OS::Heat::None}\n` +
            `  up: {type: OS::Heat::ScalingPolicy, properties: {auto_scaling_group_id: {get_resource: asg}, adjustment_type: change_in_capacity, scaling_adjustment: 1, cooldown: ${cooldown}}}\n` +
            '  down: {type: OS::Heat::ScalingPolicy, properties: {auto_scaling_group_id: {get_resource: asg}, adjustment_type: percent_change_in_capacity, scaling_adjustment: -10}}\n',
        ) + 'outputs:\n  size: {value: {get_attr: [asg, current_size]}}\n  url: {value: {get_attr: [up, alarm_url]}}\n';
      const stack = await h.create({ name: 'scale', template: template(1, 0) });
      expect(String(stack.outputs.url)).toMatch(/\/signal\/[0-9a-f-]{36}\?token=\S+$/);
      const policy = async (name: string) => (await h.engine.resources(stack.id)).find((r) => r.name === name)!;
      const size = async () => (await nestedRows('scale', 'asg')).length;
      expect(await h.engine.signalResource(await policy('up'), { previous: 'ok', current: 'alarm', reason: 'cpu high' })).toBe(
        'alarm state changed from ok to alarm (cpu high)',
      );
      expect(await size()).toBe(2);
      expect(await h.engine.signalResource(await policy('up'), undefined)).toBe('No signal details provided');
      expect(await size()).toBe(3);
      // At max_size: nothing to do, and no event (as in Heat).
      expect(await h.engine.signalResource(await policy('up'), undefined)).toBeNull();
      // An alarm back to ok does nothing either.
      expect(await h.engine.signalResource(await policy('down'), { current: 'ok' })).toBeNull();
      // -10 % of 3 rounds away from zero below one member: one fewer.
      await h.engine.signalResource(await policy('down'), undefined);
      expect(await size()).toBe(2);
      const signals = (await h.events(stack.id)).filter((e) => e.action === 'SIGNAL').map((e) => `${e.resourceName} ${e.status}`);
      expect(signals).toEqual(['up COMPLETE', 'up COMPLETE', 'down COMPLETE']);
      // An update without desired_capacity keeps the size the policies gave the group; with it, the group takes it.
      const updated = await h.update('scale', { template: template(null, 3600) });
      expect(updated.outputs.size).toBe(2);
      expect((await h.update('scale', { template: template(1, 3600) })).outputs.size).toBe(1);
      await h.update('scale', { template: template(null, 3600) });
      // With a cooldown, a second signal within it does nothing.
      expect(await h.engine.signalResource(await policy('up'), undefined)).not.toBeNull();
      expect(await h.engine.signalResource(await policy('up'), undefined)).toBeNull();
      expect(await size()).toBe(2);
    });

    it('runs a SoftwareDeploymentGroup as one deployment per server, with its per-server attributes', async () => {
      const stack = await h.create({
        name: 'sdg',
        template:
          hot(
            '  a: {type: OS::Nova::Server, properties: {image: cirros, flavor: m1.tiny}}\n' +
              '  b: {type: OS::Nova::Server, properties: {image: cirros, flavor: m1.tiny}}\n' +
              '  config: {type: OS::Heat::SoftwareConfig, properties: {group: script, config: "echo hi"}}\n' +
              '  deploy:\n    type: OS::Heat::SoftwareDeploymentGroup\n    properties:\n      config: {get_resource: config}\n      servers: {alpha: {get_resource: a}, beta: {get_resource: b}}\n',
          ) +
          'outputs:\n  codes: {value: {get_attr: [deploy, deploy_status_codes]}}\n  alpha: {value: {get_attr: [deploy, resource.alpha.deploy_status_code]}}\n',
      });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      const members = await nestedRows('sdg', 'deploy');
      expect(members.map((r) => [r.name, r.type])).toEqual([
        ['alpha', 'OS::Heat::SoftwareDeployment'],
        ['beta', 'OS::Heat::SoftwareDeployment'],
      ]);
      expect(members.map((r) => r.properties.server)).toEqual([await physicalId('sdg', 'a'), await physicalId('sdg', 'b')]);
      expect(stack.outputs.codes).toEqual({ alpha: 0, beta: 0 });
      expect(stack.outputs.alpha).toBe(0);
    });
  });

  describe("Heat's AWS types, from a CloudFormation-format template", () => {
    const nestedRows = async (stack: string, name: string) => h.engine.resources((await physicalId(stack, name))!);
    // heat/engine/resources/aws/autoscaling/{launch_config,autoscaling_group,scaling_policy}.py, instance_group.py.
    const SCALED = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"Size": {"Type": "Number", "Default": 1}},
  "Resources": {
    "Config": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {"ImageId": "cirros", "InstanceType": "m1.tiny", "UserData": "boot"}},
    "Group": {
      "Type": "AWS::AutoScaling::AutoScalingGroup",
      "Properties": {"LaunchConfigurationName": {"Ref": "Config"}, "MinSize": {"Ref": "Size"}, "MaxSize": "3", "AvailabilityZones": {"Fn::GetAZs": ""}}
    },
    "Up": {"Type": "AWS::AutoScaling::ScalingPolicy", "Properties": {"AutoScalingGroupName": {"Ref": "Group"}, "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": "1"}}
  },
  "Outputs": {
    "Url": {"Value": {"Fn::GetAtt": ["Up", "AlarmUrl"]}},
    "Addresses": {"Value": {"Fn::GetAtt": ["Group", "InstanceList"]}}
  }
}
`;

    it('runs an AutoScalingGroup of EC2 instances made from its LaunchConfiguration, and scales it when its policy is signalled', async () => {
      const stack = await h.create({ name: 'aws-asg', template: SCALED });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(String(stack.outputs.Url)).toMatch(/\/signal\/[0-9a-f-]{36}\?token=\S+$/);
      const members = await nestedRows('aws-asg', 'Group');
      expect(members.map((r) => r.type)).toEqual(['AWS::EC2::Instance']);
      expect(members[0]!.properties).toMatchObject({ ImageId: 'cirros', InstanceType: 'm1.tiny', UserData: 'boot' });
      expect(String(stack.outputs.Addresses)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const up = (await h.engine.resources(stack.id)).find((r) => r.name === 'Up')!;
      expect(await h.engine.signalResource(up, undefined)).toBe('No signal details provided');
      expect((await nestedRows('aws-asg', 'Group')).length).toBe(2);
      await h.engine.signalResource(up, undefined);
      expect((await nestedRows('aws-asg', 'Group')).length).toBe(3);
      // At MaxSize: nothing to do.
      expect(await h.engine.signalResource(up, undefined)).toBeNull();
      const after = await h.engine.getStack(stack.id);
      expect(String(after.outputs.Addresses).split(',')).toHaveLength(3);
      expect((await h.remove('aws-asg')).status).toBe('COMPLETE');
      expect(await h.cloud.objects.list({ kind: 'server' })).toEqual([]);
    });

    // heat/engine/resources/aws/cfn/wait_condition{,_handle}.py, aws/iam/user.py.
    it('waits on a WaitConditionHandle signalled in the cfn-signal form; IAM users and keys hold names and secrets', async () => {
      const template = `HeatTemplateFormatVersion: '2012-12-12'
Resources:
  Handle: {Type: 'AWS::CloudFormation::WaitConditionHandle'}
  Wait:
    Type: AWS::CloudFormation::WaitCondition
    Properties: {Handle: {Ref: Handle}, Timeout: '600', Count: '1'}
  User: {Type: 'AWS::IAM::User'}
  Key: {Type: 'AWS::IAM::AccessKey', Properties: {UserName: {Ref: User}}}
Outputs:
  Url: {Value: {Ref: Handle}}
  Data: {Value: {'Fn::GetAtt': [Wait, Data]}}
  KeyUser: {Value: {'Fn::GetAtt': [Key, UserName]}}
  User: {Value: {Ref: User}}
`;
      const w = watch(h);
      const creating = h.create({ name: 'aws-wait', template });
      const handle = await w.seen('Handle CREATE_COMPLETE');
      w.close();
      await h.engine.signal(handle.physicalId!, { Status: 'SUCCESS', Reason: 'booted', UniqueId: '1', Data: 'ready' });
      const done = await creating;
      expect(`${done.action}_${done.status}`).toBe('CREATE_COMPLETE');
      const handleRow = (await h.engine.resources(done.id)).find((r) => r.name === 'Handle')!;
      expect(String(done.outputs.Url)).toBe(`${String(handleRow.attributes.endpoint)}?token=${String(handleRow.attributes.token)}`);
      expect(JSON.parse(String(done.outputs.Data))).toEqual({ '1': 'ready' });
      expect(done.outputs.KeyUser).toBe(done.outputs.User);
      expect(String(done.outputs.User)).toMatch(/^aws-wait-User-/);
    });

    // heat/engine/resources/aws/cfn/wait_condition.py _validate_handle_url; autoscaling_group.py _get_conf_properties.
    it('refuses a WaitCondition on a handle that is not of its stack, and a launch configuration named rather than referenced', async () => {
      const first = await h.create({
        name: 'aws-handle',
        template:
          "HeatTemplateFormatVersion: '2012-12-12'\nResources:\n  H: {Type: 'AWS::CloudFormation::WaitConditionHandle'}\nOutputs:\n  Url: {Value: {Ref: H}}\n",
      });
      const other = await h.create({
        name: 'aws-other',
        template: `HeatTemplateFormatVersion: '2012-12-12'\nResources:\n  W: {Type: 'AWS::CloudFormation::WaitCondition', Properties: {Handle: '${String(first.outputs.Url)}', Timeout: '60'}}\n`,
        options: { disableRollback: true },
      });
      expect(`${other.action}_${other.status}`).toBe('CREATE_FAILED');
      expect((await h.engine.resources(other.id)).find((r) => r.name === 'W')!.statusReason).toContain('WaitCondition invalid Handle');
      const named = await h.create({
        name: 'aws-named',
        template: SCALED.replace('{"Ref": "Config"}', '"Config"'),
        options: { disableRollback: true },
      });
      expect(`${named.action}_${named.status}`).toBe('CREATE_FAILED');
      expect((await h.engine.resources(named.id)).find((r) => r.name === 'Group')!.statusReason).toContain(
        'requires a reference to the configuration',
      );
    });

    // heat/engine/resources/aws/cfn/stack.py: TemplateURL, Parameters, Outputs.<name>.
    it('runs an AWS::CloudFormation::Stack from the design file its TemplateURL names; its outputs read as Outputs.<name>', async () => {
      const child = `HeatTemplateFormatVersion: '2012-12-12'
Parameters: {Size: {Type: Number}}
Resources:
  Volume: {Type: 'OS::Cinder::Volume', Properties: {size: {Ref: Size}}}
Outputs:
  Id: {Value: {Ref: Volume}}
`;
      const template = (url: string) => `HeatTemplateFormatVersion: '2012-12-12'
Resources:
  Db: {Type: 'AWS::CloudFormation::Stack', Properties: {TemplateURL: '${url}', Parameters: {Size: '2'}}}
Outputs:
  Volume: {Value: {'Fn::GetAtt': [Db, Outputs.Id]}}
  Ref: {Value: {Ref: Db}}
`;
      const stack = await h.create({
        name: 'aws-stack',
        template: template('https://example.com/db.template'),
        files: { 'https://example.com/db.template': child },
      });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      const volumes = await h.cloud.objects.list({ kind: 'volume' });
      expect(volumes.map((v) => v.id)).toEqual([stack.outputs.Volume]);
      expect(String(stack.outputs.Ref)).toMatch(/^arn:openstack:heat:::stacks\/aws-stack-Db-[^/]+\/[0-9a-f-]{36}$/);
      const missing = await h.create({
        name: 'aws-stack-missing',
        template: template('https://example.com/none.template'),
        options: { disableRollback: true },
      });
      expect(`${missing.action}_${missing.status}`).toBe('CREATE_FAILED');
      expect((await h.engine.resources(missing.id)).find((r) => r.name === 'Db')!.statusReason).toContain(
        'Could not fetch remote template "https://example.com/none.template"',
      );
    });
  });

  describe('suspend and resume', () => {
    // heat/engine/stack.py suspend/resume (stack_task, reverse for suspend); resource.py Resource.suspend/resume.
    const app = hot(
      '  net: {type: OS::Neutron::Net}\n' +
        '  server: {type: OS::Nova::Server, properties: {image: cirros, flavor: m1.tiny, networks: [{network: {get_resource: net}}]}}\n' +
        '  data: {type: disk.yaml}\n',
    );
    const files = { 'disk.yaml': hot('  vol: {type: OS::Cinder::Volume, properties: {size: 1}}\n') };
    const state = (s: { action: string; status: string }) => `${s.action}_${s.status}`;

    it('suspends in reverse dependency order and resumes in dependency order, nested stacks included', async () => {
      const stack = await h.create({ name: 'pause', template: app, files });
      const before = (await h.events(stack.id)).length;
      const suspended = await h.suspend('pause');
      expect([state(suspended), suspended.statusReason]).toEqual(['SUSPEND_COMPLETE', 'Stack SUSPEND completed successfully']);
      const during = transitions((await h.events(stack.id)).slice(before));
      expect(during).toEqual(expect.arrayContaining(['server SUSPEND_COMPLETE', 'net SUSPEND_IN_PROGRESS']));
      expect(during.indexOf('server SUSPEND_COMPLETE')).toBeLessThan(during.indexOf('net SUSPEND_IN_PROGRESS'));
      expect(during).toContain('data SUSPEND_COMPLETE');
      const [server] = await h.cloud.objects.list({ kind: 'server' });
      expect(server!.data.status).toBe('SUSPENDED');
      const nested = (await physicalId('pause', 'data'))!;
      expect(state((await h.engine.resources(nested))[0]!)).toBe('SUSPEND_COMPLETE');
      expect((await h.engine.resources(stack.id)).map(state)).toEqual(['SUSPEND_COMPLETE', 'SUSPEND_COMPLETE', 'SUSPEND_COMPLETE']);

      // A stack already suspended is left as it is (no new events).
      const count = (await h.events(stack.id)).length;
      expect(state(await h.suspend('pause'))).toBe('SUSPEND_COMPLETE');
      expect(await h.events(stack.id)).toHaveLength(count);

      const resumed = await h.resume('pause');
      expect([state(resumed), resumed.statusReason]).toEqual(['RESUME_COMPLETE', 'Stack RESUME completed successfully']);
      const after = transitions((await h.events(stack.id)).slice(count));
      expect(after).toEqual(expect.arrayContaining(['net RESUME_COMPLETE', 'server RESUME_IN_PROGRESS']));
      expect(after.indexOf('net RESUME_COMPLETE')).toBeLessThan(after.indexOf('server RESUME_IN_PROGRESS'));
      expect((await h.cloud.objects.list({ kind: 'server' }))[0]!.data.status).toBe('ACTIVE');
      expect(state((await h.engine.resources(nested))[0]!)).toBe('RESUME_COMPLETE');
    });

    it("refuses to update a suspended stack, with Heat's message", async () => {
      await h.create({ name: 'frozen', template: app, files });
      await h.suspend('frozen');
      await expect(h.update('frozen', { template: app, files })).rejects.toThrow('Updating a stack when it is suspended is not supported.');
      expect(state(await h.engine.getStack('frozen'))).toBe('SUSPEND_COMPLETE');
    });

    it('fails a resume of a stack that was not suspended and leaves its resources as they were', async () => {
      const stack = await h.create({ name: 'awake', template: hot('  r: {type: OS::Heat::None}\n') });
      const resumed = await h.resume('awake');
      expect([state(resumed), resumed.statusReason]).toEqual([
        'RESUME_FAILED',
        "Resource RESUME failed: Error: resources.r: State ('CREATE', 'COMPLETE') invalid for resume",
      ]);
      expect((await h.engine.resources(stack.id)).map(state)).toEqual(['CREATE_COMPLETE']);
    });
  });

  describe('abandon and adopt', () => {
    // heat/engine/stack.py prepare_abandon; resource.py prepare_abandon, adopt and handle_adopt.
    const app =
      hot(
        '  net: {type: OS::Neutron::Net}\n' +
          '  server: {type: OS::Nova::Server, properties: {image: cirros, flavor: m1.tiny, networks: [{network: {get_resource: net}}]}}\n' +
          '  data: {type: disk.yaml}\n' +
          '  g: {type: OS::Heat::ResourceGroup, properties: {count: 2, resource_def: {type: OS::Heat::RandomString}}}\n',
      ) + 'outputs:\n  secrets: {value: {get_attr: [g, value]}}\n';
    const files = { 'disk.yaml': hot('  vol: {type: OS::Cinder::Volume, properties: {size: 1}}\n') };
    const objects = async () => (await h.cloud.objects.list()).map((o) => o.id).sort();

    it('abandons a stack keeping every object, and adopts them back without making new ones', async () => {
      const made = await h.create({ name: 'keep', template: app, files });
      const kept = await objects();
      const secrets = made.outputs.secrets;
      const data = await h.engine.abandonStack('keep');
      await expect(h.engine.getStack('keep')).rejects.toThrow('There is no stack keep.');
      expect(await objects()).toEqual(kept);
      expect(data).toMatchObject({ name: 'keep', id: made.id, action: 'CREATE', status: 'COMPLETE' });
      expect(Object.keys(data.resources).sort()).toEqual(['data', 'g', 'net', 'server']);
      expect(data.resources.data!.resources!.vol!.resource_id).toMatch(/\S/);
      expect(Object.keys(data.resources.g!.resources!)).toEqual(['0', '1']);

      const adopted = await h.create({ name: 'back', template: app, files, adoptData: { resources: data.resources } });
      expect([`${adopted.action}_${adopted.status}`, adopted.statusReason]).toEqual([
        'ADOPT_COMPLETE',
        'Stack ADOPT completed successfully',
      ]);
      expect(await objects()).toEqual(kept);
      expect(await physicalId('back', 'server')).toBe(data.resources.server!.resource_id);
      expect((await h.engine.resources((await physicalId('back', 'data'))!))[0]!.physicalId).toBe(
        data.resources.data!.resources!.vol!.resource_id,
      );
      expect(adopted.outputs.secrets).toEqual(secrets);
      expect(transitions(await h.events(adopted.id))).toContain('server ADOPT_COMPLETE');
      expect((await h.remove('back')).status).toBe('COMPLETE');
      expect(await objects()).toEqual([]);
    });

    it('rolls a failed adopt back as an abandon: the objects it took stay', async () => {
      const made = await h.create({ name: 'origin', template: app, files });
      const kept = await objects();
      const data = await h.engine.abandonStack('origin');
      void made;
      // The data names no object for the server: the adopt fails, and its rollback forgets what it took.
      const { server: _server, ...rest } = data.resources;
      const failed = await h.create({ name: 'partial', template: app, files, adoptData: { resources: rest } });
      expect(`${failed.action}_${failed.status}`).toBe('ROLLBACK_COMPLETE');
      expect(await objects()).toEqual(kept);
    });

    it("fails an adopt whose data names no object for a resource, with Heat's reason", async () => {
      const failed = await h.create({
        name: 'orphan',
        template: hot('  r: {type: OS::Heat::None}\n'),
        adoptData: { resources: {} },
        options: { disableRollback: true },
      });
      expect([`${failed.action}_${failed.status}`, failed.statusReason]).toEqual([
        'ADOPT_FAILED',
        'Resource ADOPT failed: Exception: resources.r: Resource ID was not provided.',
      ]);
    });
  });

  describe('failed replacements', () => {
    // heat/engine/stack.py _get_best_existing_rsrc_db: the original scores above a failed replacement.
    it('keeps the original when the user updates back after a replacement failed (no third object)', async () => {
      const v1 = hot('  r: {type: OS::Heat::TestResource, properties: {value: a, update_replace_value: one}}\n');
      const v2 = hot('  r: {type: OS::Heat::TestResource, properties: {value: a, update_replace_value: two, fail: true}}\n');
      const stack = await h.create({ name: 'back', template: v1, options: { disableRollback: true } });
      const original = await physicalId('back', 'r');
      const failed = await h.update('back', { template: v2 });
      expect(`${failed.action}_${failed.status}`).toBe('UPDATE_FAILED');
      const plan = await h.engine.plan('back', { name: 'back', template: v1 });
      expect(plan.changes.find((c) => c.resource === 'r')).toMatchObject({ action: 'unchanged' });
      const back = await h.update('back', { template: v1 });
      expect(`${back.action}_${back.status}`).toBe('UPDATE_COMPLETE');
      const rows = await h.engine.resources(stack.id);
      expect(rows.map((r) => [r.name, r.physicalId])).toEqual([['r', original]]);
      expect(transitions(await h.events(stack.id)).filter((t) => t.startsWith('r CREATE_COMPLETE'))).toHaveLength(1);
    });
  });
}
