import { analyzeTemplate, TemplateDocument } from '@hearth/template';
import { describe, expect, it } from 'vitest';
import { estimator, type Estimator } from './estimates.ts';
import { scheduleOf } from './schedule.ts';
import { waitingOn, whyWaits } from './why.ts';
import { withoutWait, workflowFrom, workflowOf, type WorkflowResource } from './workflow.ts';

/** Fixed durations by resource name's type, for graphs with known answers. */
const seconds =
  (table: Record<string, number>): Estimator =>
  (type, action) => ({ seconds: action === 'unchanged' ? 0 : (table[type] ?? 0), source: 'default' });

const NETWORK = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}
  port: {type: OS::Neutron::Port, properties: {network: {get_resource: net}}}
  server:
    type: OS::Nova::Server
    properties: {image: img, flavor: small, networks: [{port: {get_resource: port}}]}
  name: {type: OS::Heat::RandomString}
`;
const networkTimes = seconds({
  'OS::Neutron::Net': 2,
  'OS::Neutron::Subnet': 3,
  'OS::Neutron::Port': 1,
  'OS::Nova::Server': 10,
  'OS::Heat::RandomString': 1,
});

const SIGNALLED = `heat_template_version: 2018-08-31
resources:
  server: {type: OS::Nova::Server, properties: {image: img, flavor: small}}
  handle: {type: OS::Heat::WaitConditionHandle}
  ready:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, count: 1, timeout: 600}
  config:
    type: OS::Heat::SoftwareConfig
    properties:
      inputs: [{name: notify}]
      config: {str_replace: {template: "run && notify", params: {notify: {get_attr: [handle, curl_cli]}}}}
  setup:
    type: OS::Heat::SoftwareDeployment
    properties: {server: {get_resource: server}, config: {get_resource: config}}
  after:
    type: OS::Heat::Value
    properties: {value: {get_attr: [ready, data]}}
`;
const signalTimes = seconds({ 'OS::Nova::Server': 10, 'OS::Heat::SoftwareDeployment': 5, 'OS::Heat::Value': 1 });

function analysis(text: string) {
  const a = analyzeTemplate(text, { filename: 't.yaml' });
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return a;
}

describe('the schedule of a create', () => {
  it('starts each resource when the last it waits for is done, implicit dependencies included', () => {
    const s = scheduleOf(analysis(NETWORK), { estimate: networkTimes });
    const at = (n: string) => [s.byId.get(n)!.start, s.byId.get(n)!.finish];
    expect(at('net')).toEqual([0, 2]);
    expect(at('subnet')).toEqual([2, 5]);
    // Heat makes a port on a network wait for the network's subnets.
    expect(at('port')).toEqual([5, 6]);
    expect(at('server')).toEqual([6, 16]);
    expect(at('name')).toEqual([0, 1]);
    expect(s.total).toBe(16);
    expect(s.criticalPath).toEqual(['net', 'subnet', 'port', 'server']);
    expect(s.byId.get('name')!.slack).toBe(15);
    expect(s.byId.get('subnet')!.slack).toBe(0);
    expect(s.workflow.waves).toEqual([['name', 'net'], ['subnet'], ['port'], ['server']]);
  });

  it('shows what removing a wait would save (what-if)', () => {
    const text = `heat_template_version: 2018-08-31
resources:
  a: {type: OS::Nova::Server, properties: {image: i, flavor: f}}
  b: {type: OS::Nova::Server, properties: {image: i, flavor: f}, depends_on: [a]}
`;
    const workflow = workflowOf(analysis(text));
    const estimate = seconds({ 'OS::Nova::Server': 10 });
    expect(scheduleOf(workflow, { estimate }).total).toBe(20);
    const without = withoutWait(workflow, 'b', 'a');
    expect(scheduleOf(without, { estimate }).total).toBe(10);
    expect(without.waves).toEqual([['a', 'b']]);
    expect(workflow.byName.get('b')!.waits).toHaveLength(1);
  });

  it('works out the waves only when they are read, once', () => {
    // The designer makes a workflow at every keystroke; only the schedule tab reads its waves.
    let waitsRead = 0;
    const resource = (name: string, on: string[]): WorkflowResource => ({
      name,
      type: 'OS::Heat::None',
      get waits() {
        waitsRead++;
        return on.map((o) => ({ resource: name, on: o, kind: 'depends_on' as const, reason: 'depends_on' }));
      },
      signalledBy: [],
      signalsNeeded: 0,
    });
    const workflow = workflowFrom([resource('a', []), resource('b', ['a'])]);
    expect(workflow.byName.get('b')!.name).toBe('b');
    expect(waitsRead).toBe(0);
    expect(workflow.waves).toEqual([['a'], ['b']]);
    const read = waitsRead;
    expect(workflow.waves).toBe(workflow.waves);
    expect(waitsRead).toBe(read);
  });

  it('keeps the waits of a resource whose definition and what it names are unchanged, and works them out again otherwise', () => {
    const document = new TemplateDocument();
    const first = workflowOf(document.update(NETWORK));
    const port = first.byName.get('port')!.waits;
    const server = first.byName.get('server')!.waits;
    // The server's image changed: only its waits are worked out again (the port's are the same array).
    const imageChanged = NETWORK.replace('image: img', 'image: other');
    const second = workflowOf(document.update(imageChanged));
    expect(second.byName.get('port')!.waits).toBe(port);
    expect(second.byName.get('server')!.waits).not.toBe(server);
    expect(second.byName.get('server')!.waits).toEqual(server);
    // What the port names changed (the network's type, the subnet's condition or definition, a reference):
    // its waits are those of the text read afresh, at each step.
    for (const text of [
      imageChanged.replace('net: {type: OS::Neutron::Net}', 'net: {type: OS::Neutron::ProviderNet}'),
      imageChanged.replace('  subnet:', '  subnet_gone:').replace('cidr: 10.0.0.0/24}}', 'cidr: 10.0.0.0/24}, condition: false}'),
      imageChanged.replace('{get_resource: port}', '{get_attr: [port, fixed_ips]}'),
      // The random name waits for the net until the net's definition cannot be read (Heat still counts it as
      // declared: the name's references are not checked again, but nothing waits for what is not read).
      imageChanged.replace('RandomString}', 'RandomString, depends_on: [net]}'),
      imageChanged.replace('RandomString}', 'RandomString, depends_on: [net]}').replace('  net: {type: OS::Neutron::Net}', '  net: 5'),
      imageChanged,
    ])
      expect(workflowOf(document.update(text)).resources).toEqual(workflowOf(analyzeTemplate(text)).resources);
  });

  it('gives the slack of a side branch as the time it can slip', () => {
    const text = `heat_template_version: 2018-08-31
resources:
  a: {type: OS::Nova::Server, properties: {image: i, flavor: f}}
  b: {type: OS::Heat::RandomString}
  c: {type: OS::Heat::Value, properties: {value: [{get_attr: [a, first_address]}, {get_resource: b}]}}
`;
    const s = scheduleOf(analysis(text), {
      estimate: seconds({ 'OS::Nova::Server': 10, 'OS::Heat::RandomString': 4, 'OS::Heat::Value': 1 }),
    });
    expect(s.total).toBe(11);
    expect(s.criticalPath).toEqual(['a', 'c']);
    expect(s.byId.get('b')!.slack).toBe(6);
    expect(s.byId.get('b')!.critical).toBe(false);
  });

  it('lets a wait condition finish when the deployment that runs its signal does', () => {
    const a = analysis(SIGNALLED);
    const workflow = workflowOf(a);
    expect(workflow.byName.get('ready')!.signalledBy.map((w) => w.on)).toEqual(['setup']);
    const s = scheduleOf(workflow, { estimate: signalTimes });
    expect([s.byId.get('ready')!.start, s.byId.get('ready')!.finish]).toEqual([0, 15]);
    expect(s.total).toBe(16);
    expect(s.criticalPath).toEqual(['server', 'setup', 'ready', 'after']);
    expect(whyWaits(workflow, 'after', 'setup')!.map((w) => [w.resource, w.kind, w.on])).toEqual([
      ['after', 'get_attr', 'ready'],
      ['ready', 'signal', 'setup'],
    ]);
    expect(whyWaits(workflow, 'after', 'setup')![1]!.reason).toBe(
      'config signals handle (get_attr: [handle, curl_cli] in properties.config.str_replace.params.notify), run by setup (get_resource: config in properties.config)',
    );
    expect(whyWaits(workflow, 'setup', 'after')).toBeNull();
  });

  it('ends the critical path at a wait condition that finishes last, and gives what it waits for its slack', () => {
    const text = SIGNALLED.replace(/ {2}after:\n[\s\S]*$/, '');
    const s = scheduleOf(analysis(text), { estimate: signalTimes });
    expect(s.criticalPath).toEqual(['server', 'setup', 'ready']);
    // The wait condition could start as late as its signal: its handle is needed by then only for the
    // config the deployment reads (from 10 s), not for the wait condition's whole wait.
    expect(s.byId.get('handle')!.slack).toBe(10);
    expect(s.byId.get('ready')!.slack).toBe(0);
  });

  it('labels a wait by the data read when a resource also names it in depends_on (removing that would not change the order)', () => {
    const text = `heat_template_version: 2018-08-31
resources:
  a: {type: OS::Nova::Server, properties: {image: i, flavor: f}}
  b: {type: OS::Heat::Value, depends_on: [a], properties: {value: {get_attr: [a, first_address]}}}
`;
    expect(
      workflowOf(analysis(text))
        .byName.get('b')!
        .waits.map((w) => w.kind),
    ).toEqual(['get_attr']);
  });

  it('names the property or rule behind each wait', () => {
    const workflow = workflowOf(analysis(NETWORK));
    expect(whyWaits(workflow, 'port', 'subnet')!.map((w) => w.reason)).toEqual([
      "Heat adds it: a port on a network waits for the network's subnets",
    ]);
    expect(whyWaits(workflow, 'server', 'net')!.map((w) => w.reason)).toEqual([
      'get_resource: port in properties.networks[0].port',
      'get_resource: net in properties.network',
    ]);
  });
});

describe('delete and update', () => {
  it('deletes in reverse: a resource goes once what uses it has gone', () => {
    const s = scheduleOf(analysis(NETWORK), { operation: 'delete', estimate: networkTimes });
    expect(s.byId.get('server')!.start).toBe(0);
    expect(s.byId.get('port')!.start).toBe(10);
    expect(s.byId.get('subnet')!.start).toBe(11);
    expect(s.byId.get('net')!.start).toBe(14);
    expect(s.criticalPath).toEqual(['server', 'port', 'subnet', 'net']);
  });

  it('creates a replacement, updates what uses it, and cleans up the old copy and removed resources last', () => {
    const s = scheduleOf(analysis(NETWORK), {
      operation: 'update',
      estimate: networkTimes,
      plan: {
        actions: new Map([
          ['net', 'unchanged'],
          ['subnet', 'unchanged'],
          ['port', 'replace'],
          ['server', 'update'],
          ['name', 'unchanged'],
        ]),
        removed: new Map([['old_volume', 'OS::Cinder::Volume']]),
      },
    });
    expect([s.byId.get('port')!.start, s.byId.get('port')!.finish]).toEqual([0, 1]);
    expect([s.byId.get('server')!.start, s.byId.get('server')!.finish]).toEqual([1, 11]);
    expect(s.byId.get('cleanup:port')!.start).toBe(11);
    expect(s.byId.get('cleanup:old_volume')!.start).toBe(11);
    expect(s.total).toBe(12);
    expect(s.criticalPath).toEqual(['port', 'server', 'cleanup:port']);
  });
});

describe('a running stack', () => {
  it('keeps observed times, starts nothing before now, and says what each waiting step waits on', () => {
    const a = analysis(NETWORK);
    const observed = new Map([
      ['net', { start: 0, finish: 3 }],
      ['name', { start: 0, finish: 1 }],
      ['subnet', { start: 3, finish: null }],
    ]);
    const s = scheduleOf(a, { estimate: networkTimes, observed, now: 7 });
    expect(s.byId.get('subnet')!.state).toBe('running');
    // Estimated 3 s, running for 4 already: it ends no earlier than now.
    expect(s.byId.get('subnet')!.finish).toBe(7);
    expect(s.byId.get('port')!.start).toBe(7);
    expect(s.total).toBe(18);
    expect(waitingOn(s, 'server').map((w) => w.on)).toEqual(['port', 'subnet']);
    expect(waitingOn(s, 'subnet')).toEqual([]);
  });

  it('traces a finished wait condition to the signal that ended its wait', () => {
    const observed = new Map([
      ['server', { start: 0, finish: 10 }],
      ['handle', { start: 0, finish: 0 }],
      ['config', { start: 0, finish: 0 }],
      ['ready', { start: 0, finish: 30 }],
      ['setup', { start: 10, finish: 30 }],
      ['after', { start: 30, finish: 31 }],
    ]);
    const s = scheduleOf(analysis(SIGNALLED), { estimate: signalTimes, observed, now: 31, ended: true });
    expect(s.criticalPath).toEqual(['server', 'setup', 'ready', 'after']);
    expect(s.total).toBe(31);
  });

  it('skips what an ended run did not run: no time, not in the total or the path', () => {
    const observed = new Map([
      ['net', { start: 0, finish: 3, failed: true }],
      ['name', { start: 0, finish: 1 }],
    ]);
    const s = scheduleOf(analysis(NETWORK), { estimate: networkTimes, observed, now: 3, ended: true });
    expect(s.total).toBe(3);
    expect(s.criticalPath).toEqual(['net']);
    expect(['subnet', 'port', 'server'].map((n) => s.byId.get(n)!.state)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(s.byId.get('net')!.state).toBe('failed');
  });

  it('names the sender a running wait condition still needs', () => {
    const observed = new Map([
      ['server', { start: 0, finish: 10 }],
      ['handle', { start: 0, finish: 0 }],
      ['config', { start: 0, finish: 0 }],
      ['ready', { start: 0, finish: null }],
      ['setup', { start: 10, finish: null }],
    ]);
    const s = scheduleOf(analysis(SIGNALLED), { estimate: signalTimes, observed, now: 12 });
    expect(waitingOn(s, 'after').map((w) => [w.on, w.kind])).toEqual([
      ['ready', 'get_attr'],
      ['setup', 'signal'],
    ]);
    expect(s.total).toBe(16);
  });
});

describe('the SQL Server example', () => {
  it('has its critical path through the wait condition the primary replica signals', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../../examples/sql-server-cluster.yaml', import.meta.url), 'utf8');
    const s = scheduleOf(analyzeTemplate(text, { filename: 'sql-server-cluster.yaml' }), {
      estimate: estimator({ simulation: { latency: 1 } }),
    });
    expect(s.criticalPath.slice(-3, -1)).toEqual(['primary_replica', 'ag_ready']);
    expect(['node1_replica', 'node2_replica']).toContain(s.criticalPath.at(-1));
    expect(s.criticalPath[0]).toBe('cluster_net');
    // Every step on the path has no slack, and each waits for the one before (ag_ready: for its signal).
    for (const id of s.criticalPath) expect(s.byId.get(id)!.slack).toBe(0);
    s.criticalPath.slice(1).forEach((id, i) => expect(s.byId.get(id)!.boundBy?.on, id).toBe(s.criticalPath[i]));
    expect(s.byId.get('ag_ready')!.boundBy!.kind).toBe('signal');
    expect(s.total).toBe(13);
  });
});
