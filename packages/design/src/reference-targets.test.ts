import { describe, expect, it } from 'vitest';
import { analyzeTemplate, builtinType } from '@hearth/template';
import { CONSTRAINT_TARGETS, referenceCandidates } from './reference-targets.ts';

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

  it('names only types Heat has', () => {
    for (const types of Object.values(CONSTRAINT_TARGETS)) for (const t of types) expect(builtinType(t), t).toBeDefined();
  });
});
