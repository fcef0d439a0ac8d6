// Heat's own types, run against each engine (the embedded one, and workers in packages/cluster).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transitions, type Harness, type MakeHarness } from './harness.ts';

export function typesSuite(makeHarness: MakeHarness): void {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('nested stacks', () => {
    const child = `heat_template_version: 2018-08-31
parameters:
  size: {type: number}
resources:
  vol: {type: OS::Cinder::Volume, properties: {size: {get_param: size}}}
outputs:
  vol_id: {value: {get_resource: vol}}
  doubled: {value: {yaql: {expression: '$.data * 2', data: {get_param: size}}}}
`;

    it('runs a template resource from the stack files and exposes its outputs as attributes', async () => {
      const parent = `heat_template_version: 2018-08-31
resources:
  disk: {type: disk.yaml, properties: {size: 3}}
outputs:
  doubled: {value: {get_attr: [disk, doubled]}}
  vol: {value: {get_attr: [disk, vol_id]}}
`;
      const stack = await h.create({ name: 'p', template: parent, files: { 'disk.yaml': child } });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(stack.outputs.doubled).toBe(6);
      const volumes = await h.cloud.objects.list({ kind: 'volume' });
      expect(volumes.map((v) => v.id)).toEqual([stack.outputs.vol]);
      expect(volumes[0]!.data.size).toBe(3);
      const deleted = await h.remove('p');
      expect(deleted.status).toBe('COMPLETE');
      expect(await h.cloud.objects.list({})).toEqual([]);
    });

    it('maps a type through the environment resource_registry', async () => {
      const parent = `heat_template_version: 2018-08-31
resources:
  disk: {type: My::Disk, properties: {size: 2}}
outputs:
  doubled: {value: {get_attr: [disk, doubled]}}
`;
      const stack = await h.create({
        name: 'reg',
        template: parent,
        environment: 'resource_registry:\n  My::Disk: disk.yaml\n',
        files: { 'disk.yaml': child },
      });
      expect(stack.outputs).toEqual({ doubled: 4 });
    });
  });

  describe('OS::Heat::ResourceGroup', () => {
    const group = (count: number, removal = '') => `heat_template_version: 2018-08-31
resources:
  vols:
    type: OS::Heat::ResourceGroup
    properties:
      count: ${count}
${removal}      resource_def:
        type: OS::Cinder::Volume
        properties: {name: vol-%index%, size: 1}
outputs:
  names: {value: {get_attr: [vols, name]}}
  first: {value: {get_attr: [vols, resource.0.name]}}
  refs: {value: {get_attr: [vols, refs]}}
`;

    it('creates count members with %index%, scales by update, and honours removal_policies', async () => {
      const stack = await h.create({ name: 'g', template: group(3) });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(stack.outputs.names).toEqual(['vol-0', 'vol-1', 'vol-2']);
      expect(stack.outputs.first).toBe('vol-0');
      const names = async () => (await h.cloud.objects.list({ kind: 'volume' })).map((v) => v.data.name).sort();
      expect(await names()).toEqual(['vol-0', 'vol-1', 'vol-2']);
      const up = await h.update('g', { template: group(5) });
      expect(`${up.action}_${up.status}`).toBe('UPDATE_COMPLETE');
      expect(await names()).toEqual(['vol-0', 'vol-1', 'vol-2', 'vol-3', 'vol-4']);
      const down = await h.update('g', { template: group(3, "      removal_policies: [{resource_list: ['1']}]\n") });
      expect(down.status).toBe('COMPLETE');
      expect(await names()).toEqual(['vol-0', 'vol-2', 'vol-3']);
      expect(down.outputs.names).toEqual(['vol-0', 'vol-2', 'vol-3']);
      await h.remove('g');
      expect(await h.cloud.objects.list({})).toEqual([]);
    });
  });

  describe('wait conditions', () => {
    const waiting = (count: number, timeout = 5) => `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, count: ${count}, timeout: ${timeout}}
  server:
    type: OS::Nova::Server
    properties:
      image: cirros
      flavor: m1.tiny
      user_data:
        str_replace:
          template: |
            #!/bin/sh
            wc_notify --data-binary '{"status": "SUCCESS", "reason": "booted", "data": "ready", "id": "1"}'
          params:
            wc_notify: {get_attr: [handle, curl_cli]}
outputs:
  data: {value: {get_attr: [wait, data]}}
  curl: {value: {get_attr: [handle, curl_cli]}}
`;

    it('completes when the server signals its handle, with the signal data', async () => {
      const stack = await h.create({ name: 'w', template: waiting(1) });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(JSON.parse(String(stack.outputs.data))).toEqual({ '1': 'ready' });
      expect(stack.outputs.curl).toMatch(/^curl -i -X POST -H 'X-Auth-Token: [\w-]+' .* http:\/\/127\.0\.0\.1:9\/signal\/[0-9a-f-]{36}$/);
    });

    it('fails when the signals do not come in time', async () => {
      const stack = await h.create({ name: 'w2', template: waiting(2, 0.3), options: { disableRollback: true } });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_FAILED');
      const wait = (await h.engine.resources(stack.id)).find((r) => r.name === 'wait')!;
      expect(wait.statusReason).toMatch(/^WaitConditionTimeout: resources\.wait: /);
    });

    it('fails on a FAILURE signal with its reason', async () => {
      const template = `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, timeout: 10}
`;
      const stack = await h.engine.createStack({ name: 'w3', template, options: { disableRollback: true } });
      for (let i = 0; i < 400 && !(await h.engine.resources(stack.id)).find((r) => r.name === 'handle')?.physicalId; i++)
        await new Promise((r) => setTimeout(r, 5));
      const handle = (await h.engine.resources(stack.id)).find((r) => r.name === 'handle')!;
      await h.engine.signal(handle.physicalId!, { status: 'FAILURE', reason: 'disk full' });
      const done = await h.engine.wait(stack.id);
      expect(done.status).toBe('FAILED');
      expect((await h.engine.resources(stack.id)).find((r) => r.name === 'wait')!.statusReason).toBe(
        'WaitConditionFailure: resources.wait: disk full',
      );
    });
  });

  describe('software deployments', () => {
    it('runs configurations on the target server through its agent; outputs feed later resources', async () => {
      const template = `heat_template_version: 2018-08-31
resources:
  vm: {type: OS::Nova::Server, properties: {name: vm1, image: img, flavor: f, user_data_format: SOFTWARE_CONFIG}}
  config:
    type: OS::Heat::SoftwareConfig
    properties:
      group: script
      inputs: [{name: who}]
      outputs: [{name: who}, {name: token}]
      config: echo hi
  deploy:
    type: OS::Heat::SoftwareDeployment
    properties:
      config: {get_resource: config}
      server: {get_resource: vm}
      input_values: {who: master}
  consumer:
    type: OS::Heat::Value
    properties: {value: {get_attr: [deploy, token]}}
outputs:
  who: {value: {get_attr: [deploy, who]}}
  token: {value: {get_attr: [consumer, value]}}
  code: {value: {get_attr: [deploy, deploy_status_code]}}
  stdout: {value: {get_attr: [deploy, deploy_stdout]}}
`;
      const stack = await h.create({ name: 'sd', template });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(stack.outputs).toMatchObject({ who: 'master', token: 'vm1:token', code: 0 });
      expect(String(stack.outputs.stdout)).toMatch(/simulated agent on vm1/);
      const vm = (await h.cloud.objects.list({ kind: 'server' }))[0]!;
      expect((vm.data.deployments as Array<{ resource: string }>).map((d) => d.resource)).toEqual(['deploy']);
      await h.remove('sd');
      expect(await h.cloud.objects.list({})).toEqual([]);
    });
  });

  describe('simulated faults', () => {
    it('fails the named resource and hangs another until the timeout', async () => {
      const template = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Neutron::Net}\n  b: {type: OS::Neutron::Net}\n';
      const failed = await h.create({ name: 'sf', template, options: { simulation: { fail: ['b'] } } });
      expect(failed.action).toBe('ROLLBACK');
      const t = transitions(await h.events(failed.id));
      expect(t).toContain('b CREATE_FAILED');
      expect((await h.engine.resources(failed.id)).length).toBe(0);
      const hung = await h.create({ name: 'sh', template, options: { simulation: { hang: 'a' }, timeoutMins: 0.005 } });
      expect(hung.action).toBe('ROLLBACK');
      expect(await h.cloud.objects.list({})).toEqual([]);
    });
  });

  describe('events', () => {
    it('can be resumed from an id without missing any', async () => {
      const seen: number[] = [];
      const unsubscribe = h.engine.bus.subscribe((e) => seen.push(e.id));
      const stack = await h.create({
        name: 'ev',
        template: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  b: {type: OS::Heat::None}\n',
      });
      unsubscribe();
      const all = await h.events(stack.id);
      expect(all.map((e) => e.id)).toEqual(seen);
      const middle = all[2]!.id;
      expect((await h.store.listEvents({ stackId: stack.id, afterId: middle })).map((e) => e.id)).toEqual(seen.filter((id) => id > middle));
    });
  });
}
