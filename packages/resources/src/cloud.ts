// The simulated cloud: servers, networks, subnets, ports, routers, floating
// IPs, security groups, volumes and the rest of the OpenStack types, kept as
// an inventory in the store (so it survives restarts and can be compared
// with the stacks). Every object says it is simulated.
import { randomUUID } from 'node:crypto';
import type { ActionContext, ProvidedState, ResourceProvider, UpdateContext } from '@hearth/engine';
import { ResourceFailure } from '@hearth/engine';
import type { JsonValue, Store } from '@hearth/store';
import type { Value, ValueMap } from '@hearth/template';
import { isValueMap } from '@hearth/template';
import { simulateAction } from './simulation.ts';
import { runSignalCommands } from './signal-commands.ts';
import { SimObjects, type SimObjectRecord } from './sim-objects.ts';

export const SIMULATED = 'simulated';

type Data = Record<string, JsonValue>;

function str(v: Value | undefined): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

function json(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

/** IPv4 address `n` hosts into a CIDR (n = 1 is the gateway). */
function addressIn(cidr: string, n: number): string {
  const [base, bits] = cidr.split('/');
  const parts = (base ?? '10.0.0.0').split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => Number.isNaN(p))) return `10.0.0.${n}`;
  let value = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const size = 32 - Number(bits ?? 24);
  value = ((value >>> size) << size) >>> 0;
  value = (value + n) >>> 0;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function mac(id: string): string {
  const hex = id.replace(/-/g, '').slice(0, 6);
  return `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

export class SimulatedCloud {
  /** The inventory (the store must have been opened with SIM_TABLES). */
  readonly objects: SimObjects;

  constructor(readonly store: Store) {
    this.objects = new SimObjects(store.db);
  }

  async get(id: string | null | undefined): Promise<SimObjectRecord | null> {
    return id ? this.objects.byId(id) : null;
  }

  /** An object by id, or by name among the objects of a kind. */
  async find(kind: string, idOrName: string): Promise<SimObjectRecord | null> {
    const byId = await this.objects.byId(idOrName);
    if (byId && byId.kind === kind) return byId;
    return (await this.objects.list({ kind })).find((o) => o.data.name === idOrName) ?? null;
  }

  /** The subnets of a network; a network the inventory does not know is taken as pre-existing, with one subnet. */
  async subnetsOf(networkId: string): Promise<Array<{ id: string; cidr: string; network: string; preexisting: boolean }>> {
    const net = await this.find('network', networkId);
    const subnets = (await this.objects.list({ kind: 'subnet' })).filter((s) => s.data.network_id === (net?.id ?? networkId));
    if (subnets.length)
      return subnets.map((s) => ({
        id: s.id,
        cidr: String(s.data.cidr),
        network: String(net?.data.name ?? networkId),
        preexisting: false,
      }));
    return [
      { id: `preexisting-subnet-${networkId}`, cidr: '192.168.100.0/24', network: String(net?.data.name ?? networkId), preexisting: true },
    ];
  }

  /** Next free address of a subnet (kept in the subnet's record). */
  async allocate(subnetId: string, cidr: string): Promise<string> {
    const subnet = await this.objects.byId(subnetId);
    if (!subnet) return addressIn(cidr, 10 + Math.floor(Math.random() * 200));
    const next = Number(subnet.data.next_host ?? 3);
    await this.objects.update(subnet.id, { ...subnet.data, next_host: next + 1 });
    return addressIn(cidr, next);
  }
}

type Build = (cloud: SimulatedCloud, ctx: ActionContext, id: string) => Promise<{ data: Data; attributes: ValueMap }>;
type Attributes = (cloud: SimulatedCloud, object: SimObjectRecord) => Promise<ValueMap>;

export interface SimulatedKind {
  kind: string;
  build: Build;
  /** Attributes of the stored object (defaults to its data). */
  attributes?: Attributes;
  /** The status the object shows while suspended, for kinds Heat suspends (a server: SUSPENDED); others suspend as a no-op. */
  suspendedStatus?: string;
  /** Cleans up what the object holds elsewhere (a volume attachment frees its volume). */
  release?: (cloud: SimulatedCloud, object: SimObjectRecord) => Promise<void>;
}

/** A provider for a simulated kind: idempotent on the client token, with latency and faults. */
export function simulated(cloud: SimulatedCloud, spec: SimulatedKind): ResourceProvider {
  const attributesOf = async (object: SimObjectRecord): Promise<ValueMap> => {
    const base = spec.attributes ? await spec.attributes(cloud, object) : (object.data as ValueMap);
    return { ...base, show: { ...(object.data as ValueMap), id: object.id, [SIMULATED]: true } };
  };
  const create = async (ctx: ActionContext): Promise<ProvidedState> => {
    const existing = await cloud.objects.byToken(ctx.clientToken);
    if (existing) return { physicalId: existing.id, attributes: await attributesOf(existing) };
    await simulateAction(ctx, 'create');
    const id = randomUUID();
    const built = await spec.build(cloud, ctx, id);
    const object = await cloud.objects.insert({
      id,
      kind: spec.kind,
      clientToken: ctx.clientToken,
      stackId: ctx.stack.id,
      resourceName: ctx.resourceName,
      data: { ...built.data, [SIMULATED]: true },
    });
    return { physicalId: id, attributes: { ...built.attributes, ...(await attributesOf(object)) } };
  };
  return {
    create,
    async update(ctx: UpdateContext): Promise<ProvidedState> {
      const object = await cloud.get(ctx.physicalId);
      if (!object) throw new ResourceFailure(`The simulated ${spec.kind} ${ctx.physicalId} no longer exists.`, 'NotFound');
      await simulateAction(ctx, 'update');
      const built = await spec.build(cloud, ctx, object.id);
      await cloud.objects.update(object.id, { ...built.data, [SIMULATED]: true });
      const updated = (await cloud.get(object.id))!;
      return { physicalId: object.id, attributes: { ...built.attributes, ...(await attributesOf(updated)) } };
    },
    async delete(ctx: ActionContext): Promise<void> {
      await simulateAction(ctx, 'delete');
      const object = await cloud.get(ctx.physicalId);
      if (!object) return;
      await spec.release?.(cloud, object);
      await cloud.objects.delete(object.id);
    },
    async suspend(ctx: ActionContext): Promise<void> {
      if (!spec.suspendedStatus) return;
      const object = await cloud.get(ctx.physicalId);
      if (!object) throw new ResourceFailure(`The simulated ${spec.kind} ${ctx.physicalId} no longer exists.`, 'NotFound');
      await cloud.objects.update(object.id, { ...object.data, status: spec.suspendedStatus });
    },
    async resume(ctx: ActionContext): Promise<void> {
      if (!spec.suspendedStatus) return;
      const object = await cloud.get(ctx.physicalId);
      if (!object) throw new ResourceFailure(`The simulated ${spec.kind} ${ctx.physicalId} no longer exists.`, 'NotFound');
      await cloud.objects.update(object.id, { ...object.data, status: 'ACTIVE' });
    },
    async check(ctx: ActionContext): Promise<void> {
      await simulateAction(ctx, 'check');
      if (!(await cloud.get(ctx.physicalId)))
        throw new ResourceFailure(`The simulated ${spec.kind} ${ctx.physicalId} is gone.`, 'NotFound');
    },
    // A stack adopt: the object the data names, its attributes read again when it is here.
    async adoptFrom(_ctx: ActionContext, data): Promise<ProvidedState> {
      const object = await cloud.get(String(data.resource_id));
      if (object) return { physicalId: object.id, attributes: await attributesOf(object) };
      return { physicalId: String(data.resource_id), attributes: data.attributes ?? {} };
    },
    async adopt(ctx: ActionContext): Promise<ProvidedState | null> {
      const existing = await cloud.objects.byToken(ctx.clientToken);
      return existing ? { physicalId: existing.id, attributes: await attributesOf(existing) } : null;
    },
  };
}

const props = (ctx: ActionContext) => ctx.properties;
const nameOf = (ctx: ActionContext) => str(props(ctx).name) || `${ctx.stack.name}-${ctx.resourceName}`;

/** Where a server's network entries put it: addresses per network. */
async function serverAddresses(
  cloud: SimulatedCloud,
  ctx: ActionContext,
  serverId: string,
): Promise<{ addresses: ValueMap; networks: ValueMap; first: string }> {
  const addresses: ValueMap = {};
  const networks: ValueMap = {};
  let first = '';
  const entries = Array.isArray(props(ctx).networks) ? (props(ctx).networks as Value[]) : [];
  for (const entry of entries) {
    if (!isValueMap(entry)) continue;
    let netName = 'private';
    const ips: string[] = [];
    const portId = str(entry.port);
    if (portId) {
      const port = await cloud.find('port', portId);
      if (port) {
        const fixed = Array.isArray(port.data.fixed_ips) ? port.data.fixed_ips : [];
        for (const f of fixed) if (isValueMap(f as Value)) ips.push(String((f as ValueMap).ip_address));
        netName = String(port.data.network_name ?? netName);
        await cloud.objects.update(port.id, { ...port.data, device_id: serverId, device_owner: 'compute:nova' });
      }
    } else {
      const network = str(entry.network) || 'private';
      const [subnet] = await cloud.subnetsOf(network);
      netName = subnet!.network;
      ips.push(str(entry.fixed_ip) || (await cloud.allocate(subnet!.id, subnet!.cidr)));
    }
    addresses[netName] = [
      ...((addresses[netName] as Value[]) ?? []),
      ...ips.map((addr) => ({ addr, version: 4, 'OS-EXT-IPS:type': 'fixed' })),
    ];
    networks[netName] = [...((networks[netName] as Value[]) ?? []), ...ips];
    if (!first && ips[0]) first = ips[0];
  }
  return { addresses, networks, first };
}

export function openstackKinds(): Record<string, SimulatedKind> {
  return {
    'OS::Nova::Server': {
      kind: 'server',
      suspendedStatus: 'SUSPENDED',
      async build(cloud, ctx, id) {
        const { addresses, networks, first } = await serverAddresses(cloud, ctx, id);
        const data: Data = {
          name: nameOf(ctx),
          image: json(props(ctx).image),
          flavor: json(props(ctx).flavor),
          key_name: json(props(ctx).key_name ?? null),
          status: 'ACTIVE',
          addresses: json(addresses),
          networks: json(networks),
          first_address: first,
          user_data: str(props(ctx).user_data),
          metadata: json(props(ctx).metadata ?? {}),
        };
        // After the boot: the signals its user data sends come once the server is up, as they would.
        setTimeout(
          () =>
            void runSignalCommands(ctx, String(data.user_data), { status: 'SUCCESS', reason: 'Signal from the simulated server' }).catch(
              () => {},
            ),
          20,
        );
        return {
          data,
          attributes: {
            name: String(data.name),
            first_address: first,
            addresses,
            networks,
            instance_name: `instance-${id.slice(0, 8)}`,
            accessIPv4: first,
            accessIPv6: '',
          },
        };
      },
    },
    'OS::Neutron::Net': {
      kind: 'network',
      async build(_cloud, ctx) {
        return {
          data: {
            name: nameOf(ctx),
            admin_state_up: props(ctx).admin_state_up !== false,
            status: 'ACTIVE',
            shared: props(ctx).shared === true,
          },
          attributes: { name: nameOf(ctx), status: 'ACTIVE', subnets: [] },
        };
      },
      async attributes(cloud, object) {
        const subnets = (await cloud.objects.list({ kind: 'subnet' })).filter((s) => s.data.network_id === object.id).map((s) => s.id);
        return { ...(object.data as ValueMap), subnets };
      },
    },
    'OS::Neutron::Subnet': {
      kind: 'subnet',
      async build(cloud, ctx) {
        const network = await cloud.find('network', str(props(ctx).network));
        const cidr = str(props(ctx).cidr) || '10.0.0.0/24';
        return {
          data: {
            name: nameOf(ctx),
            network_id: network?.id ?? str(props(ctx).network),
            cidr,
            gateway_ip: str(props(ctx).gateway_ip) || addressIn(cidr, 1),
            ip_version: Number(props(ctx).ip_version ?? 4),
            enable_dhcp: props(ctx).enable_dhcp !== false,
            next_host: 3,
          },
          attributes: {},
        };
      },
    },
    'OS::Neutron::Port': {
      kind: 'port',
      async build(cloud, ctx, id) {
        const networkRef = str(props(ctx).network) || 'private';
        const subnets = await cloud.subnetsOf(networkRef);
        const requested = Array.isArray(props(ctx).fixed_ips) ? (props(ctx).fixed_ips as Value[]) : [];
        const fixed: ValueMap[] = [];
        if (requested.length) {
          for (const r of requested) {
            const req = isValueMap(r) ? r : {};
            const subnet = subnets.find((s) => s.id === str(req.subnet) || s.id === str(req.subnet_id)) ?? subnets[0]!;
            fixed.push({ subnet_id: subnet.id, ip_address: str(req.ip_address) || (await cloud.allocate(subnet.id, subnet.cidr)) });
          }
        } else {
          const subnet = subnets[0]!;
          fixed.push({ subnet_id: subnet.id, ip_address: await cloud.allocate(subnet.id, subnet.cidr) });
        }
        const network = await cloud.find('network', networkRef);
        const data: Data = {
          name: nameOf(ctx),
          network_id: network?.id ?? networkRef,
          network_name: String(network?.data.name ?? networkRef),
          fixed_ips: json(fixed),
          mac_address: mac(id),
          allowed_address_pairs: json(props(ctx).allowed_address_pairs ?? []),
          security_groups: json(props(ctx).security_groups ?? []),
          status: 'ACTIVE',
          device_id: '',
        };
        return {
          data,
          attributes: {
            fixed_ips: fixed,
            mac_address: mac(id),
            network_id: String(data.network_id),
            status: 'ACTIVE',
            name: String(data.name),
          },
        };
      },
    },
    'OS::Neutron::Router': {
      kind: 'router',
      async build(_cloud, ctx) {
        return {
          data: { name: nameOf(ctx), external_gateway_info: json(props(ctx).external_gateway_info ?? null), status: 'ACTIVE' },
          attributes: {},
        };
      },
    },
    'OS::Neutron::RouterInterface': {
      kind: 'router_interface',
      async build(cloud, ctx) {
        const router = await cloud.find('router', str(props(ctx).router));
        if (!router) throw new ResourceFailure(`Router ${str(props(ctx).router)} could not be found.`, 'NotFound');
        return { data: { router_id: router.id, subnet_id: str(props(ctx).subnet), port_id: str(props(ctx).port) }, attributes: {} };
      },
    },
    'OS::Neutron::FloatingIP': {
      kind: 'floating_ip',
      async build(cloud, ctx, id) {
        const port = await cloud.find('port', str(props(ctx).port_id));
        const fixed = port && Array.isArray(port.data.fixed_ips) ? (port.data.fixed_ips[0] as ValueMap | undefined) : undefined;
        const host = 10 + (parseInt(id.slice(0, 4), 16) % 240);
        return {
          data: {
            floating_network_id: str(props(ctx).floating_network),
            floating_ip_address: `172.24.4.${host}`,
            port_id: port?.id ?? null,
            fixed_ip_address: fixed ? String(fixed.ip_address) : null,
            status: 'ACTIVE',
          },
          attributes: {},
        };
      },
    },
    'OS::Neutron::FloatingIPAssociation': {
      kind: 'floating_ip_association',
      async build(_cloud, ctx) {
        return { data: { floatingip_id: str(props(ctx).floatingip_id), port_id: str(props(ctx).port_id) }, attributes: {} };
      },
    },
    'OS::Neutron::SecurityGroup': {
      kind: 'security_group',
      async build(_cloud, ctx) {
        return {
          data: { name: nameOf(ctx), description: str(props(ctx).description), rules: json(props(ctx).rules ?? []) },
          attributes: {},
        };
      },
    },
    'OS::Neutron::SecurityGroupRule': {
      kind: 'security_group_rule',
      async build(_cloud, ctx) {
        return { data: json(props(ctx)) as Data, attributes: {} };
      },
    },
    'OS::Cinder::Volume': {
      kind: 'volume',
      async build(_cloud, ctx) {
        return { data: { name: nameOf(ctx), size: Number(props(ctx).size ?? 1), status: 'available', attachments: [] }, attributes: {} };
      },
      async attributes(_cloud, object) {
        return { ...(object.data as ValueMap), display_name: String(object.data.name), display_description: '' };
      },
    },
    'OS::Cinder::VolumeAttachment': {
      kind: 'volume_attachment',
      async build(cloud, ctx) {
        const volume = await cloud.get(str(props(ctx).volume_id));
        const server = await cloud.get(str(props(ctx).instance_uuid));
        if (!volume) throw new ResourceFailure(`Volume ${str(props(ctx).volume_id)} could not be found.`, 'NotFound');
        if (!server) throw new ResourceFailure(`Server ${str(props(ctx).instance_uuid)} could not be found.`, 'NotFound');
        await cloud.objects.update(volume.id, { ...volume.data, status: 'in-use', attached_to: server.id });
        return {
          data: { volume_id: volume.id, instance_uuid: server.id, mountpoint: str(props(ctx).mountpoint) || '/dev/vdb' },
          attributes: {},
        };
      },
      async release(cloud, object) {
        const volume = await cloud.get(String(object.data.volume_id));
        if (volume) await cloud.objects.update(volume.id, { ...volume.data, status: 'available', attached_to: null });
      },
    },
    'OS::Nova::KeyPair': {
      kind: 'keypair',
      async build(_cloud, ctx) {
        const publicKey = str(props(ctx).public_key) || `ssh-ed25519 AAAASIMULATED${ctx.resourceName} hearth-simulated`;
        return {
          data: { name: nameOf(ctx), public_key: publicKey },
          attributes: { public_key: publicKey, private_key: props(ctx).save_private_key ? '-----BEGIN SIMULATED KEY-----' : '' },
        };
      },
    },
  };
}

/** Any other OpenStack type: an object that echoes its properties, so every template can be rehearsed. */
export function genericKind(type: string): SimulatedKind {
  return {
    kind: type.toLowerCase().replace(/::/g, '_'),
    async build(_cloud, ctx) {
      return { data: { type, name: nameOf(ctx), properties: json(props(ctx)) }, attributes: { ...props(ctx), name: nameOf(ctx) } };
    },
  };
}
