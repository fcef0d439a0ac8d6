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

/** The entries of `table` for the property's custom constraints, in the schema's order. */
function byCustomConstraint<T>(schema: PropertySchema | undefined, table: Readonly<Record<string, T>>): T[] {
  return (schema?.constraints ?? []).flatMap((c) => (c.kind === 'custom_constraint' && table[c.name] ? [table[c.name]!] : []));
}

/** The resource types a property's value may come from, or null when any resource will do. */
export function referenceTypes(schema: PropertySchema | undefined): readonly string[] | null {
  return byCustomConstraint(schema, CONSTRAINT_TARGETS)[0] ?? null;
}

/** The resources a get_resource in this property may name (all others when the property does not say). */
export function referenceCandidates(resources: readonly ResourceInfo[], self: string, schema: PropertySchema | undefined): ResourceInfo[] {
  const types = referenceTypes(schema);
  return resources.filter((r) => r.name !== self && (!types || types.includes(r.iface ?? r.def.type ?? '')));
}

/**
 * Heat's custom constraints on values another resource has as an attribute (an address, a CIDR), and
 * the attribute of each type that gives one: a security group rule's `remote_ip_prefix` can be a
 * Subnet's `cidr`, a pool member's `address` a Port's first fixed IP.
 */
export const ATTRIBUTE_SOURCES: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<string | number>>>>> = {
  ip_addr: {
    'OS::Neutron::Port': ['fixed_ips', 0, 'ip_address'],
    'OS::Neutron::FloatingIP': ['floating_ip_address'],
    'OS::Neutron::Subnet': ['gateway_ip'],
  },
  ip_or_cidr: {
    'OS::Neutron::Port': ['fixed_ips', 0, 'ip_address'],
    'OS::Neutron::FloatingIP': ['floating_ip_address'],
    'OS::Neutron::Subnet': ['cidr'],
  },
  net_cidr: { 'OS::Neutron::Subnet': ['cidr'] },
  mac_addr: { 'OS::Neutron::Port': ['mac_address'] },
};

/** The attribute path of a resource of `type` that gives a value this property takes, if any. */
export function attributeSource(schema: PropertySchema | undefined, type: string): ReadonlyArray<string | number> | null {
  return byCustomConstraint(schema, ATTRIBUTE_SOURCES).find((sources) => sources[type])?.[type] ?? null;
}

/** A property of one resource that a connection to another can fill: with the other's id or one of its attributes. */
export interface ConnectionChoice {
  /** Where the reference goes (a list property gets a new item). */
  path: Array<string | number>;
  /** How the choice reads: `network`, `networks[+].port`. */
  label: string;
  /** What the property gets: `{get_resource: other}` or `{get_attr: [other, attribute…]}`. */
  value: { get_resource: string } | { get_attr: Array<string | number> };
}

/** How a choice's value reads in a menu: `get_resource net`, `get_attr subnet cidr`. */
export function choiceText(value: ConnectionChoice['value']): string {
  return 'get_resource' in value ? `get_resource ${value.get_resource}` : `get_attr ${value.get_attr.join(' ')}`;
}

/**
 * What a connection drawn from `source` to `target` can mean besides
 * `depends_on`: each property of the source's type that takes the id of a
 * resource of the target's type (a Port's `network` for a Net; a Server's
 * `networks[].port` for a Port), or a value the target has as an attribute
 * (a security group rule's `remote_ip_prefix` for a Subnet: its `cidr`) when
 * none takes its id, top level, in a list, or in a list of maps. Properties
 * that already refer to the target are left out.
 */
export function connectionChoices(source: ResourceInfo, target: ResourceInfo): ConnectionChoice[] {
  const targetType = target.iface ?? target.def.type ?? '';
  // Deprecated and hidden properties (a Port's network_id) are not offered.
  const offered = (schema: PropertySchema | undefined) => schema?.supportStatus === 'SUPPORTED' || schema?.supportStatus === 'UNKNOWN';
  const fill = (schema: PropertySchema | undefined): ConnectionChoice['value'] | null => {
    if (!offered(schema)) return null;
    if (referenceTypes(schema)?.includes(targetType)) return { get_resource: target.name };
    const attribute = attributeSource(schema, targetType);
    return attribute ? { get_attr: [target.name, ...attribute] } : null;
  };
  const values = source.def.propertiesNode ? nodeToValue(source.def.propertiesNode) : null;
  const current = isValueMap(values) ? values : {};
  // get_resource or get_attr of the target, or in a CloudFormation template Ref or Fn::GetAtt.
  const names = (v: Value | undefined) => {
    if (!isValueMap(v)) return false;
    if (v.get_resource === target.name || v.Ref === target.name) return true;
    const attr = v.get_attr ?? v['Fn::GetAtt'];
    return Array.isArray(attr) && attr[0] === target.name;
  };
  const out: ConnectionChoice[] = [];
  for (const [name, schema] of Object.entries(source.schema?.properties ?? {})) {
    const value = fill(schema);
    if (value) {
      if (!names(current[name])) out.push({ path: [name], label: name, value });
      continue;
    }
    const item = schema.type === 'list' ? schema.schema?.['*'] : undefined;
    const list = Array.isArray(current[name]) ? (current[name] as Value[]) : [];
    // A list of values (a listener's allowed_cidrs): a new item.
    const itemValue = fill(item);
    if (itemValue) {
      if (!list.some(names)) out.push({ path: [name, list.length], label: `${name}[+]`, value: itemValue });
      continue;
    }
    // A list of maps (a server's networks): a new item with that key.
    for (const [key, inner] of Object.entries(item?.type === 'map' ? (item.schema ?? {}) : {})) {
      const innerValue = fill(inner);
      if (!innerValue) continue;
      if (list.some((entry) => isValueMap(entry) && names(entry[key]))) continue;
      out.push({ path: [name, list.length, key], label: `${name}[+].${key}`, value: innerValue });
    }
  }
  // A property that takes the target's id is what the connection means; its attributes only when there is none
  // (a server's networks take a Port, not another port's address as their fixed_ip).
  const byId = out.filter((c) => 'get_resource' in c.value);
  return byId.length ? byId : out;
}
