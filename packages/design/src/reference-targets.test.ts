import { describe, expect, it } from 'vitest';
import { analyzeTemplate, builtinType } from '@hearth/template';
import { ATTRIBUTE_SOURCES, choiceText, connectionChoices, CONSTRAINT_TARGETS, referenceCandidates } from './reference-targets.ts';

describe('referenceCandidates', () => {
  it('offers a Port’s network the Nets, not the Servers; a property without a constraint any resource', () => {
    const analysis = analyzeTemplate(`heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  provider: {type: OS::Neutron::ProviderNet, properties: {network_type: flat, physical_network: p}}
  server: {type: OS::Nova::Server, properties: {image: i, flavor: f}}
  port: {type: OS::Neutron::Port, properties: {network: {get_resource: net}}}
`);
    const port = builtinType('OS::Neutron::Port')!;
    expect(referenceCandidates(analysis.resources, 'port', port.properties.network).map((r) => r.name)).toEqual(['net', 'provider']);
    expect(referenceCandidates(analysis.resources, 'port', port.properties.name).map((r) => r.name)).toEqual(['net', 'provider', 'server']);
  });

  it('names only types Heat has, and attributes those types have', () => {
    for (const types of Object.values(CONSTRAINT_TARGETS)) for (const t of types) expect(builtinType(t), t).toBeDefined();
    for (const sources of Object.values(ATTRIBUTE_SOURCES))
      for (const [t, path] of Object.entries(sources)) expect(builtinType(t)?.attributes[String(path[0])], `${t} ${path[0]}`).toBeDefined();
  });
});

describe('connectionChoices', () => {
  it('a connection can fill the properties that take the target’s type, top level or as a new item of a list of maps', () => {
    const analysis = analyzeTemplate(`heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}
  port: {type: OS::Neutron::Port, properties: {network: other}}
  vol: {type: OS::Cinder::Volume, properties: {size: 1}}
  server: {type: OS::Nova::Server, properties: {image: i, flavor: f, networks: [{network: net}]}}
`);
    const r = (name: string) => analysis.resources.find((x) => x.name === name)!;
    const labels = (from: string, to: string) => connectionChoices(r(from), r(to)).map((c) => c.label);
    expect(labels('port', 'net')).toEqual(['network']);
    // Already named: nothing more to fill.
    expect(labels('subnet', 'net')).toEqual([]);
    expect(connectionChoices(r('server'), r('port'))).toEqual([
      { path: ['networks', 1, 'port'], label: 'networks[+].port', value: { get_resource: 'port' } },
    ]);
    expect(labels('server', 'net')).toContain('networks[+].network');
    // Nothing of a Volume's takes a Net: the connection is a depends_on.
    expect(labels('vol', 'net')).toEqual([]);
  });

  it('a connection can fill a property with an attribute of the target that gives what it takes (a CIDR, an address)', () => {
    const analysis = analyzeTemplate(`heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}
  port: {type: OS::Neutron::Port, properties: {network: {get_resource: net}}}
  rule: {type: OS::Neutron::SecurityGroupRule, properties: {security_group: sg}}
  ruled: {type: OS::Neutron::SecurityGroupRule, properties: {security_group: sg, remote_ip_prefix: {get_attr: [subnet, cidr]}}}
  listener: {type: OS::Octavia::Listener, properties: {protocol: HTTP, loadbalancer: lb, allowed_cidrs: [10.1.0.0/16]}}
  member: {type: OS::Octavia::PoolMember, properties: {pool: p}}
`);
    const r = (name: string) => analysis.resources.find((x) => x.name === name)!;
    expect(connectionChoices(r('rule'), r('subnet'))).toEqual([
      { path: ['remote_ip_prefix'], label: 'remote_ip_prefix', value: { get_attr: ['subnet', 'cidr'] } },
    ]);
    // Already read from the subnet: nothing more to fill.
    expect(connectionChoices(r('ruled'), r('subnet'))).toEqual([]);
    // A list of CIDRs gets a new item.
    expect(connectionChoices(r('listener'), r('subnet'))).toEqual([
      { path: ['allowed_cidrs', 1], label: 'allowed_cidrs[+]', value: { get_attr: ['subnet', 'cidr'] } },
    ]);
    const member = connectionChoices(r('member'), r('port'));
    expect(member.map((c) => [c.label, choiceText(c.value)])).toContainEqual(['address', 'get_attr port fixed_ips 0 ip_address']);
  });
});
