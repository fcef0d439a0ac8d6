import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '@hearth/template';
import { DesignDocument } from './document.ts';
import { deriveGraph, propertyLabel, type Graph } from './view-model.ts';

const TEMPLATE = `heat_template_version: 2018-08-31
parameters:
  image: {type: string, default: cirros}
resources:
  net: {type: OS::Neutron::Net}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
  web:
    type: OS::Nova::Server
    depends_on: net
    properties:
      image: {get_param: image}
      flavor: small
      networks: [{port: {get_resource: port}}]
      name: {get_attr: [port, name]}
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: 3
      resource_def: {type: OS::Cinder::Volume, properties: {size: 1}}
outputs:
  ip: {value: {get_attr: [web, first_address]}}
`;

describe('deriveGraph', () => {
  it('draws depends_on and reference edges, labelled with the property they fill', () => {
    const graph = deriveGraph(analyzeTemplate(TEMPLATE));
    expect(graph.resources.map((r) => [r.name, r.category, r.line])).toEqual([
      ['net', 'Network', 5],
      ['port', 'Network', 6],
      ['web', 'Compute', 9],
      ['group', 'Orchestration', 17],
    ]);
    expect(graph.edges.map((e) => [e.source, e.target, e.kind, e.label])).toEqual([
      ['port', 'net', 'get_resource', 'network'],
      ['web', 'net', 'depends_on', null],
      ['web', 'port', 'get_resource', 'networks[0].port'],
      ['web', 'port', 'get_attr', 'name'],
    ]);
    expect(graph.resources[3]!.members).toEqual([
      { name: '0', type: 'OS::Cinder::Volume' },
      { name: '1', type: 'OS::Cinder::Volume' },
      { name: '2', type: 'OS::Cinder::Volume' },
    ]);
    expect(graph.parameters).toEqual([
      { name: 'image', type: 'string', line: 3, hidden: false, label: null, description: null, default: 'cirros' },
    ]);
    expect(graph.parameterGroups).toEqual([]);
    expect(graph.outputs).toEqual([{ name: 'ip', line: 23, requires: ['web'] }]);
    expect(graph.errorCount).toBe(0);
  });

  it('puts each problem on the node it concerns', () => {
    const graph = deriveGraph(analyzeTemplate(TEMPLATE.replace('flavor: small', 'flavour: small')));
    const web = graph.resources.find((r) => r.name === 'web')!;
    expect(web.errors).toBe(1);
    expect(web.problem).toMatch(/flavour/);
    expect(graph.errorCount).toBe(1);
  });

  it('draws the dependencies Heat adds by itself as their own kind (a server on a network waits for its subnet)', () => {
    const graph = deriveGraph(
      analyzeTemplate(`heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
  server:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: small, networks: [{network: {get_resource: net}}]}
`),
    );
    expect(graph.edges.filter((e) => e.kind === 'implicit').map((e) => [e.source, e.target])).toEqual([['server', 'subnet']]);
  });

  it('draws a wait condition waiting for the signal of the deployment that runs its handle (the SQL Server example)', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../../examples/sql-server-cluster.yaml', import.meta.url), 'utf8');
    const graph = deriveGraph(analyzeTemplate(text));
    expect(graph.edges.filter((e) => e.kind === 'signal').map((e) => [e.source, e.target, e.label])).toEqual([
      ['ag_ready', 'primary_replica', 'signal'],
    ]);
    expect(graph.workflow.byName.get('ag_ready')!.signalsNeeded).toBe(1);
  });

  it('labels references by their property path', () => {
    expect(propertyLabel('web.Properties.networks[0].port', 'web')).toBe('networks[0].port');
    expect(propertyLabel('web.Metadata.x', 'web')).toBe('metadata.x');
  });
});

describe('deriveGraph of a text read again (a keystroke)', () => {
  const GROUP = `heat_template_version: 2018-08-31
parameters:
  n: {type: number, default: 2}
resources:
  net: {type: OS::Neutron::Net}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: n}
      resource_def: {type: OS::Cinder::Volume}
`;
  const opened = (text: string) => {
    const doc = new DesignDocument();
    doc.load({ template: text, environment: '', files: {} }, {});
    return (next: string) => deriveGraph(doc.setTemplate(next).analysis);
  };
  const node = (g: Graph, name: string) => g.resources.find((r) => r.name === name)!;
  const edge = (g: Graph, source: string) => g.edges.find((e) => e.source === source);
  const step = (g: Graph, name: string) => g.workflow.resources.find((r) => r.name === name)!;

  it('keeps what a change did not touch as the same objects (nodes, edges, workflow steps), and makes anew what it changed', () => {
    const read = opened(TEMPLATE);
    const before = read(TEMPLATE);
    const after = read(TEMPLATE.replace('flavor: small', 'flavor: large'));
    for (const name of ['net', 'port', 'group']) expect(node(after, name)).toBe(node(before, name));
    expect(edge(after, 'port')).toBe(edge(before, 'port'));
    expect(step(after, 'port')).toBe(step(before, 'port'));
    // web was read again: equal, not the same.
    expect(node(after, 'web')).not.toBe(node(before, 'web'));
    expect(node(after, 'web')).toEqual(node(before, 'web'));
    expect(after.edges).toEqual(before.edges);
  });

  it('follows what changes outside a resource: a line moved, a reference to a resource renamed away and back, a count from a parameter', () => {
    const read = opened(GROUP);
    const before = read(GROUP);
    // A line above: the nodes below move down a line.
    const moved = read(GROUP.replace('resources:\n', 'resources:\n  # a comment\n'));
    expect(node(moved, 'port').line).toBe(node(before, 'port').line + 1);
    // The resource port refers to renamed: port's edge goes, and port has an error.
    const renamed = read(GROUP.replace('  net: {', '  net2: {'));
    expect(edge(renamed, 'port')).toBeUndefined();
    expect(node(renamed, 'port').errors).toBe(1);
    const back = read(GROUP);
    expect(edge(back, 'port')).toEqual(edge(before, 'port'));
    expect(node(back, 'port')).toEqual(node(before, 'port'));
    // The group's definition is unchanged, its count is not.
    expect(node(before, 'group').members).toHaveLength(2);
    expect(node(read(GROUP.replace('default: 2', 'default: 3')), 'group').members).toHaveLength(3);
  });
});
