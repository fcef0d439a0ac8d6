// Help text for the palette, forms and editor hovers, in Hearth's words.
// Types without a sentence here get one made from their schema.
import type { PropertySchema, ResourceTypeSchema } from './catalog.ts';
import { describeConstraint } from '../hot/constraints.ts';

const TYPE_DESCRIPTIONS: Record<string, string> = {
  'OS::Nova::Server':
    'A virtual machine: an image booted with a flavor, attached to networks or ports, optionally configured by user data or software deployments.',
  'OS::Nova::KeyPair': 'An SSH key pair registered with the compute service, to log in to servers.',
  'OS::Nova::Flavor': 'A flavor (CPU, memory and disk sizes) that servers can be booted with.',
  'OS::Nova::ServerGroup': 'A group of servers placed together or apart (affinity or anti-affinity).',
  'OS::Neutron::Net': 'A private network that ports and subnets belong to.',
  'OS::Neutron::Subnet': 'An IP address range (CIDR) on a network, with its gateway, DHCP and DNS settings.',
  'OS::Neutron::Port': 'A network interface on a network, with fixed IPs and security groups; servers attach to ports.',
  'OS::Neutron::Router': 'A router between subnets, with an optional gateway to an external network.',
  'OS::Neutron::RouterInterface': 'Connects a router to a subnet (or a port), so the subnet can reach the router.',
  'OS::Neutron::FloatingIP': 'A public address from an external network, optionally associated with a port.',
  'OS::Neutron::FloatingIPAssociation': 'Associates an existing floating IP with a port.',
  'OS::Neutron::SecurityGroup': 'A set of firewall rules applied to the ports that use it.',
  'OS::Neutron::SecurityGroupRule': 'One firewall rule added to an existing security group.',
  'OS::Cinder::Volume': 'A block storage volume, empty or created from an image, snapshot or backup.',
  'OS::Cinder::VolumeAttachment': 'Attaches a volume to a server at a mount point.',
  'OS::Swift::Container': 'An object storage container.',
  'OS::Heat::None':
    'A placeholder that does nothing and accepts any properties; useful to disable a resource through the resource registry.',
  'OS::Heat::TestResource': 'A resource for rehearsals and tests: waits, fails or returns a value as its properties say.',
  'OS::Heat::RandomString': 'A random string generated once, for passwords and unique names.',
  'OS::Heat::Value': 'Holds a computed value so other resources and outputs can use it with get_attr.',
  'OS::Heat::WaitConditionHandle': 'A URL and token that a server signals when it is ready (with curl or the software agent).',
  'OS::Heat::WaitCondition': 'Waits for a number of signals on a wait condition handle, or fails after a timeout.',
  'OS::Heat::ResourceGroup': "Creates a number of identical resources from one definition; %index% is replaced by each one's index.",
  'OS::Heat::AutoScalingGroup': 'A group of resources that scaling policies grow and shrink.',
  'OS::Heat::ScalingPolicy': 'Changes the size of an auto scaling group when signalled.',
  'OS::Heat::SoftwareConfig': 'A script or configuration (with inputs and outputs) to run on servers through software deployments.',
  'OS::Heat::SoftwareDeployment': 'Runs a software configuration on one server and waits for its outputs.',
  'OS::Heat::SoftwareDeploymentGroup': 'Runs a software configuration on several servers.',
  'OS::Heat::StructuredConfig': 'A configuration given as structured data (for tools such as Puppet or Ansible).',
  'OS::Heat::StructuredDeployment': 'Applies a structured configuration on one server, with input values substituted.',
  'OS::Heat::StructuredDeploymentGroup': 'Applies a structured configuration on several servers.',
  'OS::Heat::CloudConfig': "A cloud-init cloud-config document for a server's user data.",
  'OS::Heat::MultipartMime': 'Combines several configurations into one multipart MIME user data.',
  'OS::Heat::Stack': 'A nested stack from a template, possibly in another region.',
  'OS::Heat::Delay': 'Waits a fixed or random time during create, update or delete.',
  'Hearth::Local::Script': 'Runs a script on the machine running the Hearth engine (only when the operator enabled local scripts).',
};

const FUNCTION_DESCRIPTIONS: Record<string, string> = {
  get_param: 'The value of a template parameter: get_param: name, or get_param: [name, key, index...] to reach inside it.',
  get_resource: 'The ID of another resource of the stack; makes this resource wait for it.',
  get_attr: 'An attribute of another resource: get_attr: [resource, attribute, key...]; makes this resource wait for it.',
  get_file: 'The content of a file that comes with the template (a script, a nested configuration).',
  list_join: 'Joins lists of strings with a delimiter: list_join: [", ", [a, b], [c]].',
  str_replace: 'Replaces placeholders in a template string: str_replace: {template: ..., params: {placeholder: value}}.',
  str_replace_strict: 'Like str_replace, but fails when a placeholder does not occur in the template.',
  str_replace_vstrict: 'Like str_replace_strict, and also fails when a value is empty.',
  str_split: 'Splits a string: str_split: [",", "a,b,c", index].',
  repeat: 'Builds a list by repeating a template for each value: repeat: {for_each: {%var%: [...]}, template: ...}.',
  digest: 'A hash of a string: digest: [sha256, value].',
  map_merge: 'Merges maps, later keys winning: map_merge: [{...}, {...}].',
  map_replace: 'Renames keys and replaces values of a map: map_replace: [map, {keys: {...}, values: {...}}].',
  list_concat: 'Concatenates lists: list_concat: [[a], [b, c]].',
  list_concat_unique: 'Concatenates lists, keeping each item once.',
  contains: 'True when a value is in a list: contains: [value, [a, b]].',
  filter: 'Removes values from a list: filter: [[remove, these], list].',
  make_url: 'Builds a URL from scheme, host, port, path, query and fragment.',
  yaql: 'Computes a value with a YAQL expression over data: yaql: {expression: $.data..., data: ...}.',
  if: 'Chooses a value by a condition: if: [condition, value_if_true, value_if_false].',
  equals: 'True when two values are equal (in conditions).',
  not: 'Negates a condition.',
  and: 'True when all conditions are.',
  or: 'True when any condition is.',
  resource_facade: 'For a template used as a nested stack: the metadata, deletion_policy or update_policy of the resource using it.',
};

export function functionDescription(name: string): string {
  return FUNCTION_DESCRIPTIONS[name] ?? `The ${name} function.`;
}

export function typeDescription(schema: ResourceTypeSchema): string {
  const known = TYPE_DESCRIPTIONS[schema.name] ?? schema.description;
  if (known) return known;
  const [, service, kind] = schema.name.split('::');
  const words = typeWords(kind ?? schema.name);
  return `${article(words)} ${words}${service ? ` of the ${service} service` : ''}.`;
}

/** Mixed-case names OpenStack spells as one word. */
const MIXED_ACRONYMS = /^(QoS|LBaaS|IPsec|VPNaaS|FWaaS)/;

/** "QoSAssociation" → "QoS association", "LBMemberHealthAlarm" → "LB member health alarm", "L2Gateway" → "L2 gateway". */
export function typeWords(name: string): string {
  const words: string[] = [];
  let rest = name;
  while (rest) {
    const m = MIXED_ACRONYMS.exec(rest) ?? /^([A-Z]+\d+|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|.)/.exec(rest)!;
    const word = m[0];
    // Capitalised words are lowercased; acronyms stay as written.
    words.push(/^[A-Z][a-z]+$/.test(word) && !MIXED_ACRONYMS.test(word) ? word.toLowerCase() : word);
    rest = rest.slice(word.length);
  }
  return words.join(' ');
}

/** "a" or "an", by how the first word sounds (acronyms by their first letter's name). */
function article(words: string): string {
  const first = words.split(' ')[0] ?? '';
  const acronym = /^[A-Z]{2}/.test(first) || MIXED_ACRONYMS.test(first);
  return (acronym ? /^[AEFHILMNORSX]/.test(first) : /^[aeiou]/i.test(first)) ? 'An' : 'A';
}

/** One line about a property: what kind of value, whether required, what changing it does. */
export function propertyDescription(name: string, schema: PropertySchema): string {
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  const kind = schema.type === 'list' ? 'A list' : schema.type === 'map' ? 'A map' : `A ${schema.type}`;
  parts.push(
    `${kind}${schema.required ? ', required' : ''}${schema.default !== undefined ? `, ${JSON.stringify(schema.default)} by default` : ''}.`,
  );
  for (const c of schema.constraints) parts.push(`It must be ${describeConstraint(c)}.`);
  if (schema.immutable) parts.push('It cannot change once the resource exists.');
  else if (schema.updateAllowed) parts.push('Changing it updates the resource in place.');
  else parts.push(`Changing ${name} replaces the resource.`);
  if (schema.supportStatus === 'DEPRECATED') parts.push('Deprecated.');
  return parts.join(' ');
}
