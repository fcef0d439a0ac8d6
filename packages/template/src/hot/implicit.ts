// The dependencies Heat adds for some resource types on top of the ones the
// template states (each type's add_dependencies): a port or server waits for
// the subnets of its network, a floating IP for the router interface that
// makes its port reachable, an extra route for its router's interfaces.
import { HeatError } from './expr.ts';
import { EvalError } from './functions.ts';
import type { Value } from './values.ts';
import { isValueMap, pyEquals } from './values.ts';

export interface ImplicitResource {
  name: string;
  /** The built-in type this resource behaves as (after the registry). */
  iface: string;
  /** A resolved property; throws like Heat's ValueError/TypeError. */
  prop(key: string): Value;
}

function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    if (error instanceof EvalError || error instanceof HeatError) return { ok: false };
    throw error;
  }
}

/** Python's `a.get(x) or a.get(y)` on a resolved map item. */
function itemGet(item: Value, ...keys: string[]): Value {
  if (!isValueMap(item)) return null;
  for (const k of keys) {
    const v = Object.prototype.hasOwnProperty.call(item, k) ? item[k]! : null;
    if (truthy(v)) return v;
  }
  const last = keys[keys.length - 1]!;
  return Object.prototype.hasOwnProperty.call(item, last) ? item[last]! : null;
}

function truthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isValueMap(v)) return Object.keys(v).length > 0;
  return true;
}

function propOr(r: ImplicitResource, ...keys: string[]): Value {
  let v: Value = null;
  for (const k of keys) {
    v = r.prop(k);
    if (truthy(v)) return v;
  }
  return v;
}

/**
 * Computes the implicit edges. `explicit` holds each resource's stated
 * requirements; the result maps a resource to the resources it must also
 * wait for. Resources are visited in template order, as Heat does.
 */
export function implicitDependencies(
  resources: readonly ImplicitResource[],
  explicit: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, Set<string>> {
  const added = new Map<string, Set<string>>();
  const byName = new Map(resources.map((r) => [r.name, r]));
  // Each rule looks only at resources of a few types: index them once, in template order.
  const byType = new Map<string, ImplicitResource[]>();
  for (const r of resources) {
    const list = byType.get(r.iface);
    if (list) list.push(r);
    else byType.set(r.iface, [r]);
  }
  const ofTypes = (...types: string[]): ImplicitResource[] => {
    const lists = types.map((t) => byType.get(t) ?? []);
    if (lists.length === 1) return lists[0]!;
    const wanted = new Set(types);
    return resources.filter((r) => wanted.has(r.iface));
  };
  const requirementsOf = (name: string): ImplicitResource[] => {
    const names = new Set([...(explicit.get(name) ?? []), ...(added.get(name) ?? [])]);
    return [...names].map((n) => byName.get(n)).filter((r): r is ImplicitResource => r !== undefined);
  };
  for (const self of resources) {
    const add = (other: ImplicitResource) => {
      if (other.name !== self.name) {
        const set = added.get(self.name) ?? new Set<string>();
        set.add(other.name);
        added.set(self.name, set);
      }
    };
    try {
      addFor(self, ofTypes, add, requirementsOf);
    } catch (error) {
      // Heat ignores the ValueError and TypeError a resource's add_dependencies raises.
      if (!(error instanceof EvalError) && !(error instanceof HeatError)) throw error;
    }
  }
  return added;
}

function addFor(
  self: ImplicitResource,
  ofTypes: (...types: string[]) => readonly ImplicitResource[],
  add: (r: ImplicitResource) => void,
  requirementsOf: (name: string) => ImplicitResource[],
): void {
  switch (self.iface) {
    case 'OS::Nova::Server': {
      const got = attempt(() => self.prop('networks'));
      if (!got.ok || !truthy(got.value) || !Array.isArray(got.value)) return;
      const nets = got.value;
      for (const res of ofTypes('OS::Neutron::Subnet')) {
        const subnetNet = attempt(() => res.prop('network'));
        if (!subnetNet.ok) continue;
        if (!truthy(subnetNet.value)) {
          add(res);
          continue;
        }
        for (const net of nets) {
          const netId = itemGet(net, 'network');
          if (truthy(netId) && pyEquals(netId, subnetNet.value)) {
            add(res);
            break;
          }
          if (!truthy(netId)) {
            add(res);
            break;
          }
        }
      }
      return;
    }
    case 'OS::Neutron::Port':
      for (const res of ofTypes('OS::Neutron::Subnet')) {
        const pair = attempt(() => [res.prop('network'), self.prop('network')] as const);
        if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
      }
      return;
    case 'OS::Neutron::Router': {
      const gw = self.prop('external_gateway_info');
      if (!truthy(gw)) return;
      const gwNet = itemGet(gw, 'network');
      for (const res of ofTypes('OS::Neutron::Subnet')) {
        const subnetNet = attempt(() => res.prop('network'));
        if (subnetNet.ok && pyEquals(subnetNet.value, gwNet)) add(res);
      }
      return;
    }
    case 'OS::Neutron::RouterGateway':
      for (const res of ofTypes('OS::Neutron::RouterInterface', 'OS::Neutron::Subnet')) {
        if (res.iface === 'OS::Neutron::RouterInterface') {
          const pair = attempt(() => [res.prop('router'), self.prop('router_id')] as const);
          if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
        }
        if (res.iface === 'OS::Neutron::Subnet') {
          const pair = attempt(() => [res.prop('network'), self.prop('network')] as const);
          if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
        }
      }
      return;
    case 'OS::Neutron::FloatingIP':
      for (const res of ofTypes('OS::Neutron::RouterGateway', 'OS::Neutron::RouterInterface', 'OS::Neutron::Router')) {
        if (res.iface === 'OS::Neutron::RouterGateway') {
          const pair = attempt(() => [propOr(res, 'network', 'network_id'), self.prop('floating_network')] as const);
          if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
        } else if (res.iface === 'OS::Neutron::RouterInterface') {
          const subnet = propOr(res, 'subnet', 'subnet_id');
          for (const d of requirementsOf(self.name)) {
            if (portOnSubnetForFloatingIp(d, subnet)) {
              add(res);
              break;
            }
          }
        } else if (res.iface === 'OS::Neutron::Router') {
          const pair = attempt(() => [res.prop('external_gateway_info'), self.prop('floating_network')] as const);
          if (!pair.ok || !truthy(pair.value[0])) continue;
          if (pyEquals(itemGet(pair.value[0], 'network'), pair.value[1])) add(res);
        }
      }
      return;
    case 'OS::Neutron::FloatingIPAssociation':
    case 'OS::Neutron::FloatingIPPortForward':
      for (const res of ofTypes('OS::Neutron::RouterInterface')) {
        const subnet = propOr(res, 'subnet', 'subnet_id');
        for (const d of requirementsOf(self.name)) {
          if (portOnSubnetFirstFixedIp(d, subnet)) {
            add(res);
            break;
          }
        }
      }
      return;
    case 'OS::Neutron::ExtraRoute':
      for (const res of ofTypes('OS::Neutron::RouterInterface', 'OS::Neutron::RouterGateway')) {
        if (res.iface === 'OS::Neutron::RouterInterface') {
          const pair = attempt(() => [self.prop('router_id'), res.prop('router')] as const);
          if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
        } else if (res.iface === 'OS::Neutron::RouterGateway') {
          const pair = attempt(() => [self.prop('router_id'), res.prop('router_id')] as const);
          if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
        }
      }
      return;
    case 'OS::Neutron::ExtraRouteSet':
      for (const res of ofTypes('OS::Neutron::RouterInterface')) {
        const pair = attempt(() => [self.prop('router'), res.prop('router')] as const);
        if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
      }
      return;
    case 'AWS::EC2::VPCGatewayAttachment':
      for (const res of ofTypes('AWS::EC2::RouteTable')) {
        const pair = attempt(() => [self.prop('VpcId'), res.prop('VpcId')] as const);
        if (pair.ok && pyEquals(pair.value[0], pair.value[1])) add(res);
      }
      return;
    default:
      return;
  }
}

/** FloatingIP's port_on_subnet: any fixed IP on the subnet; a port without fixed IPs counts when the interface names no subnet. */
function portOnSubnetForFloatingIp(port: ImplicitResource, subnet: Value): boolean {
  if (port.iface !== 'OS::Neutron::Port') return false;
  const fixed = attempt(() => port.prop('fixed_ips'));
  if (!fixed.ok) return false;
  if (!truthy(fixed.value)) return subnet === null;
  if (!Array.isArray(fixed.value)) return false;
  for (const ip of fixed.value) {
    if (pyEquals(subnet, itemGet(ip, 'subnet', 'subnet_id'))) return true;
  }
  return false;
}

/** FloatingIPAssociation's port_on_subnet looks at the first fixed IP only. */
function portOnSubnetFirstFixedIp(port: ImplicitResource, subnet: Value): boolean {
  if (port.iface !== 'OS::Neutron::Port') return false;
  const fixed = attempt(() => port.prop('fixed_ips'));
  if (!fixed.ok || !Array.isArray(fixed.value) || fixed.value.length === 0) return false;
  return pyEquals(subnet, itemGet(fixed.value[0]!, 'subnet', 'subnet_id'));
}
