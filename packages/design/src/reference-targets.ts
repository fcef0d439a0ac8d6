// Which resources a reference may point at: a property whose schema has a
// custom constraint (neutron.network, nova.flavor, …) takes the id of a
// resource of the types that make such a thing. The canvas and the
// inspector offer those first, so that a Port's network offers Nets, not
// Servers. A property without such a constraint takes any resource.
import type { PropertySchema, ResourceInfo } from '@hearth/template';

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
