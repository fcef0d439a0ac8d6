// Which resources a reference may point at: a property whose schema has a
// custom constraint (neutron.network, nova.flavor, …) takes the id of a
// resource of the types that make such a thing. The canvas and the
// inspector offer those first, so that a Port's network offers Nets, not
// Servers. A property without such a constraint takes any resource.
import type { PropertySchema, ResourceInfo, Value } from '@hearth/template';
import { isValueMap, nodeToValue } from '@hearth/template';

/** Heat's custom constraints on resource ids, and the resource types whose id satisfies each. */
export const CONSTRAINT_TARGETS: Readonly<Record<string, readonly string[]>> = {
  'neutron.network': ['OS::Neutron::Net', 'OS::Neutron::ProviderNet'],
  'neutron.port': ['OS::Neutron::Port'],
  'neutron.subnet': ['OS::Neutron::Subnet'],
  'neutron.router': ['OS::Neutron::Router'],
  'neutron.security_group': ['OS::Neutron::SecurityGroup'],
  'neutron.qos_policy': ['OS::Neutron::QoSPolicy'],
  'neutron.flow_classifier': ['OS::Neutron::FlowClassifier'],
  'neutron.lbaas.loadbalancer': ['OS::Neutron::LBaaS::LoadBalancer'],
  'neutron.lbaas.listener': ['OS::Neutron::LBaaS::Listener'],
  'neutron.lbaas.pool': ['OS::Neutron::LBaaS::Pool'],
  'octavia.loadbalancer': ['OS::Octavia::LoadBalancer'],
  'octavia.listener': ['OS::Octavia::Listener'],
  'octavia.pool': ['OS::Octavia::Pool'],
  'nova.server': ['OS::Nova::Server'],
  'nova.flavor': ['OS::Nova::Flavor'],
  'nova.keypair': ['OS::Nova::KeyPair'],
  'glance.image': ['OS::Glance::Image', 'OS::Glance::WebImage'],
  'cinder.volume': ['OS::Cinder::Volume'],
  'cinder.vtype': ['OS::Cinder::VolumeType'],
  'cinder.qos_specs': ['OS::Cinder::QoSSpecs'],
  'keystone.project': ['OS::Keystone::Project'],
  'keystone.domain': ['OS::Keystone::Domain'],
  'keystone.role': ['OS::Keystone::Role'],
  'keystone.user': ['OS::Keystone::User'],
  'keystone.group': ['OS::Keystone::Group'],
  'keystone.region': ['OS::Keystone::Region'],
  'keystone.service': ['OS::Keystone::Service'],
  'barbican.secret': ['OS::Barbican::Secret'],
  'barbican.container': ['OS::Barbican::GenericContainer', 'OS::Barbican::CertificateContainer', 'OS::Barbican::RSAContainer'],
  'zaqar.queue': ['OS::Zaqar::Queue'],
  'mistral.workflow': ['OS::Mistral::Workflow'],
  'designate.zone': ['OS::Designate::Zone'],
  'senlin.cluster': ['OS::Senlin::Cluster'],
  'senlin.profile': ['OS::Senlin::Profile'],
  'magnum.cluster_template': ['OS::Magnum::ClusterTemplate'],
  'manila.share_network': ['OS::Manila::ShareNetwork'],
  'manila.share_type': ['OS::Manila::ShareType'],
  'monasca.notification': ['OS::Monasca::Notification'],
};

/** The resource types a property's value may come from, or null when any resource will do. */
export function referenceTypes(schema: PropertySchema | undefined): readonly string[] | null {
  for (const c of schema?.constraints ?? [])
    if (c.kind === 'custom_constraint' && CONSTRAINT_TARGETS[c.name]) return CONSTRAINT_TARGETS[c.name]!;
  return null;
}

/** The resources a get_resource in this property may name (all others when the property does not say). */
export function referenceCandidates(resources: readonly ResourceInfo[], self: string, schema: PropertySchema | undefined): ResourceInfo[] {
  const types = referenceTypes(schema);
  return resources.filter((r) => r.name !== self && (!types || types.includes(r.iface ?? r.def.type ?? '')));
}

/** A property of one resource that a connection to another can fill with `{get_resource: other}`. */
export interface ConnectionChoice {
  /** Where the reference goes (a list property gets a new item). */
  path: Array<string | number>;
  /** How the choice reads: `network`, `networks[+].port`. */
  label: string;
}

/**
 * What a connection drawn from `source` to `target` can mean besides
 * `depends_on`: each property of the source's type that takes the id of a
 * resource of the target's type (a Port's `network` for a Net; a Server's
 * `networks[].port` for a Port), top level or in a list of maps. Properties
 * that already name the target are left out.
 */
export function connectionChoices(source: ResourceInfo, target: ResourceInfo): ConnectionChoice[] {
  const targetType = target.iface ?? target.def.type ?? '';
  // Deprecated and hidden properties (a Port's network_id) are not offered.
  const takes = (schema: PropertySchema | undefined) =>
    (schema?.supportStatus === 'SUPPORTED' || schema?.supportStatus === 'UNKNOWN') &&
    (referenceTypes(schema)?.includes(targetType) ?? false);
  const values = source.def.propertiesNode ? nodeToValue(source.def.propertiesNode) : null;
  const current = isValueMap(values) ? values : {};
  // get_resource, or in a CloudFormation template Ref.
  const names = (v: Value | undefined) => isValueMap(v) && (v.get_resource === target.name || v.Ref === target.name);
  const out: ConnectionChoice[] = [];
  for (const [name, schema] of Object.entries(source.schema?.properties ?? {})) {
    if (takes(schema)) {
      if (!names(current[name])) out.push({ path: [name], label: name });
      continue;
    }
    const item = schema.type === 'list' ? schema.schema?.['*'] : undefined;
    for (const [key, inner] of Object.entries(item?.type === 'map' ? (item.schema ?? {}) : {})) {
      if (!takes(inner)) continue;
      const list = Array.isArray(current[name]) ? (current[name] as Value[]) : [];
      if (list.some((entry) => isValueMap(entry) && names(entry[key]))) continue;
      out.push({ path: [name, list.length, key], label: `${name}[+].${key}` });
    }
  }
  return out;
}
