// Heat's AWS-compatible resource types, with Heat's semantics, on the same
// machinery as their OS:: counterparts: an AutoScalingGroup is a scaling group
// whose members are AWS::EC2::Instance built from its LaunchConfiguration
// (heat/engine/resources/aws/autoscaling/), a ScalingPolicy resizes it when
// its AlarmUrl is signalled, a WaitConditionHandle's Ref is its pre-signed URL
// and the WaitCondition waits on it (aws/cfn/), an EC2 instance is a
// simulated server (aws/ec2/instance.py), IAM users and access keys hold
// names and secrets (aws/iam/).
import { randomBytes, randomUUID } from 'node:crypto';
import type { ActionContext, ProvidedState, ResourceProvider } from '@hearth/engine';
import { ResourceFailure } from '@hearth/engine';
import type { Value, ValueMap } from '@hearth/template';
import { isValueMap } from '@hearth/template';
import { openstackKinds, type SimulatedKind } from './cloud.ts';
import { AUTO_SCALING_GROUP, nestedStackActions, scalingSizeProblem, type GroupKind } from './groups.ts';
import { handleAttributes, stackArn, waitOnHandle } from './heat.ts';
import { newCapacity, scalingPolicyProvider, type AdjustmentType } from './scaling.ts';

const str = (v: Value | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const num = (v: Value | undefined, d = 0): number => (typeof v === 'number' ? v : Number(v ?? d) || d);

/** Heat's physical_resource_name: stack, resource and a short random id. */
function physicalName(ctx: ActionContext): string {
  return `${ctx.stack.name}-${ctx.resourceName}-${randomBytes(6).toString('hex')}`;
}

/** A type whose object is only its name (Ref): a launch configuration, an IAM user. */
const namedProvider: ResourceProvider = {
  async create(ctx) {
    return { physicalId: physicalName(ctx), attributes: {} };
  },
  async update(ctx) {
    return { physicalId: ctx.physicalId ?? physicalName(ctx), attributes: ctx.attributes };
  },
  async delete() {},
  async check() {},
};

/** AWS::AutoScaling::LaunchConfiguration: the definition a scaling group's instances are made from. */
export const launchConfigurationProvider = namedProvider;

/** AWS::IAM::User: a user named by its physical name. */
export const iamUserProvider = namedProvider;

/** AWS::IAM::AccessKey: an access key id (its Ref) and a secret for the user it names. */
export const accessKeyProvider: ResourceProvider = {
  async create(ctx) {
    const id = randomBytes(10).toString('hex').toUpperCase();
    return {
      physicalId: id,
      attributes: { UserName: str(ctx.properties.UserName), SecretAccessKey: randomBytes(30).toString('base64url') },
    };
  },
  async delete() {},
  async check() {},
};

/** The properties of the members: the launch configuration's (without InstanceId), tagged as the group is. */
const LAUNCH_CONFIGURATION = '__launch_configuration';

/** Heat's AWS::EC2::Instance members: `DesiredCapacity` (else `MinSize`) of them, within MinSize and MaxSize. */
export const AWS_AUTO_SCALING_GROUP: GroupKind = {
  noun: 'scaling group',
  validatesFirstOnly: true,
  size(properties) {
    return AUTO_SCALING_GROUP.size(asOs(properties));
  },
  invalid(properties) {
    const sizes = scalingSizeProblem(asOs(properties));
    if (sizes) return sizes;
    if (!str(properties.LaunchConfigurationName) && !str(properties.InstanceId))
      return 'Either "InstanceId" or "LaunchConfigurationName" must be provided.';
    if (!str(properties.LaunchConfigurationName))
      return 'Hearth builds a scaling group from its LaunchConfigurationName only; a group made from an InstanceId is not supported.';
    return null;
  },
  async prepare(ctx) {
    const name = str(ctx.properties.LaunchConfigurationName);
    const conf = name ? await ctx.services.resourceByReference(ctx.stack, name) : null;
    if (!conf || conf.type !== 'AWS::AutoScaling::LaunchConfiguration') {
      throw new ResourceFailure(
        `LaunchConfigurationName (${name}) requires a reference to the configuration not just the name of the resource (use Ref).`,
        'NotFound',
      );
    }
    const member: ValueMap = {};
    for (const [k, v] of Object.entries(conf.properties)) if (k !== 'InstanceId' && v !== null) member[k] = v;
    if (Array.isArray(ctx.properties.Tags)) member.Tags = ctx.properties.Tags;
    if (Array.isArray(ctx.properties.VPCZoneIdentifier) && ctx.properties.VPCZoneIdentifier[0])
      member.SubnetId = ctx.properties.VPCZoneIdentifier[0];
    return { ...ctx.properties, [LAUNCH_CONFIGURATION]: member };
  },
  members(properties, limit = Infinity, current = []) {
    const member = properties[LAUNCH_CONFIGURATION];
    // Before the launch configuration is read (validation), there is nothing to say of the members.
    if (!isValueMap(member)) return [];
    const os = { ...asOs(properties), resource: { type: 'AWS::EC2::Instance', properties: member } };
    return AUTO_SCALING_GROUP.members(os, limit, current);
  },
  withCapacity: (properties, capacity) => ({ ...properties, DesiredCapacity: capacity }),
  onUpdate(properties, current) {
    if (properties.DesiredCapacity !== null && properties.DesiredCapacity !== undefined) return properties;
    if (current === 0) return properties;
    const min = Math.max(0, num(properties.MinSize, 0));
    const max = Math.max(min, num(properties.MaxSize, min));
    return { ...properties, DesiredCapacity: Math.min(max, Math.max(min, current)) };
  },
  attribute(members, name) {
    // heat/engine/resources/openstack/heat/instance_group.py: the members' public addresses, comma-separated.
    if (name === 'InstanceList')
      return Object.values(members)
        .map((m) => str(m.PublicIp))
        .join(',');
    return undefined;
  },
};

/** The OS:: group's names for the AWS group's sizes (one sizing rule for both). */
function asOs(properties: ValueMap): ValueMap {
  return {
    min_size: num(properties.MinSize, 0),
    max_size: num(properties.MaxSize, 0),
    desired_capacity:
      properties.DesiredCapacity === null || properties.DesiredCapacity === undefined ? null : num(properties.DesiredCapacity),
  };
}

const ADJUSTMENT_TYPES: Record<string, AdjustmentType> = {
  ChangeInCapacity: 'change_in_capacity',
  ExactCapacity: 'exact_capacity',
  PercentChangeInCapacity: 'percent_change_in_capacity',
};

/**
 * AWS::AutoScaling::ScalingPolicy: OS::Heat::ScalingPolicy under AWS names; its
 * AlarmUrl is the pre-signed URL a signal (an alarm, or a POST by hand) uses.
 */
export const awsScalingPolicyProvider: ResourceProvider = {
  async create(ctx) {
    const state = await scalingPolicyProvider.create(ctx);
    return { ...state, attributes: { ...state.attributes, AlarmUrl: state.attributes.alarm_url ?? null } };
  },
  async update(ctx) {
    return { physicalId: ctx.physicalId ?? randomUUID(), attributes: ctx.attributes };
  },
  async delete() {},
  async check() {},
  async signal(ctx, details) {
    const p = ctx.properties;
    const adjustment = num(p.ScalingAdjustment);
    const type = ADJUSTMENT_TYPES[str(p.AdjustmentType)] ?? 'change_in_capacity';
    const step = p.MinAdjustmentStep === null || p.MinAdjustmentStep === undefined ? null : num(p.MinAdjustmentStep);
    // The OS:: policy's signal with the AWS properties read as its own, and the AWS group's bounds.
    return scalingPolicyProvider.signal!(
      {
        ...ctx,
        properties: {
          auto_scaling_group_id: str(p.AutoScalingGroupName),
          scaling_adjustment: adjustment,
          adjustment_type: type,
          cooldown: p.Cooldown ?? null,
        },
        services: {
          ...ctx.services,
          adjustGroup: (stack, group, _capacity, signal) =>
            ctx.services.adjustGroup(
              stack,
              group,
              (current, group) => newCapacity(current, adjustment, type, step, num(group.MinSize), num(group.MaxSize)),
              signal,
            ),
        },
      },
      details,
    );
  },
};

/** The handle id in an AWS handle's pre-signed URL (…/signal/<id>?token=…). */
function handleIdOf(url: string): string {
  return /\/signal\/([0-9a-f-]{36})/.exec(url)?.[1] ?? url;
}

/** AWS::CloudFormation::WaitConditionHandle: its Ref is the pre-signed URL to signal (Heat's get_reference_id). */
export const awsWaitConditionHandleProvider: ResourceProvider = {
  async create(ctx) {
    const id = randomUUID();
    return { physicalId: id, attributes: handleAttributes(ctx.services.signalBaseUrl, id, randomBytes(18).toString('base64url')) };
  },
  reference(state) {
    return `${str(state.attributes.endpoint)}?token=${str(state.attributes.token)}`;
  },
  async delete(ctx) {
    if (ctx.physicalId) await ctx.services.deleteSignals(ctx.physicalId);
  },
  async check() {},
};

/** AWS::CloudFormation::WaitCondition: OS::Heat::WaitCondition on the handle its URL names; its data is `Data`. */
export const awsWaitConditionProvider: ResourceProvider = {
  async create(ctx) {
    const p = ctx.properties;
    const id = handleIdOf(str(p.Handle));
    // Heat's _validate_handle_url: the URL names a handle of this stack.
    const handle = await ctx.services.resourceByReference(ctx.stack, id);
    if (handle?.type !== 'AWS::CloudFormation::WaitConditionHandle')
      throw new ResourceFailure(`WaitCondition invalid Handle ${str(p.Handle)}`, 'StackValidationFailed');
    const state = await waitOnHandle(ctx, id, Math.max(1, num(p.Count, 1)), num(p.Timeout, 0));
    return { ...state, attributes: { Data: state.attributes.data ?? null } };
  },
  async delete() {},
  async check() {},
};

/** AWS::EC2::Instance on the simulated cloud: a server on the default network, with the AWS attributes. */
export function ec2InstanceKind(): SimulatedKind {
  const server = openstackKinds()['OS::Nova::Server']!;
  return {
    ...server,
    async build(cloud, ctx, id) {
      const p = ctx.properties;
      const network: ValueMap = str(p.SubnetId) ? { subnet: str(p.SubnetId) } : { network: 'private' };
      const built = await server.build(
        cloud,
        {
          ...ctx,
          properties: {
            name: `${ctx.stack.name}-${ctx.resourceName}`,
            image: p.ImageId ?? null,
            flavor: p.InstanceType ?? null,
            key_name: p.KeyName ?? null,
            user_data: p.UserData ?? '',
            networks: [network],
          },
        },
        id,
      );
      const ip = str(built.attributes.first_address);
      return {
        data: built.data,
        attributes: {
          AvailabilityZone: str(p.AvailabilityZone) || 'nova',
          PrivateIp: ip,
          PublicIp: ip,
          PrivateDnsName: ip,
          PublicDnsName: ip,
        },
      };
    },
    attributes: undefined,
  };
}

/**
 * AWS::CloudFormation::Stack: a nested stack from the template its TemplateURL names, with
 * Parameters as its parameters; its outputs read as Outputs.<name>, its Ref is the nested
 * stack's ARN (aws/cfn/stack.py). Heat fetches the URL; Hearth fetches nothing from the network
 * and reads the template from the design's files under that name.
 */
export const awsStackProvider: ResourceProvider = {
  templatePath: (properties) => str(properties.TemplateURL) || null,
  async create(ctx) {
    return runStack(ctx, null);
  },
  async update(ctx) {
    return runStack(ctx, ctx.physicalId);
  },
  ...nestedStackActions,
  reference(state) {
    return state.attributes.arn ?? undefined;
  },
  attribute(state, name) {
    if (!name.startsWith('Outputs.')) return undefined;
    const outputs = isValueMap(state.attributes.outputs) ? state.attributes.outputs : {};
    return outputs[name.slice('Outputs.'.length)] ?? null;
  },
};

async function runStack(ctx: ActionContext, existing: string | null): Promise<ProvidedState> {
  const url = str(ctx.properties.TemplateURL);
  if (!ctx.nestedTemplate) {
    throw new ResourceFailure(
      `Could not fetch remote template "${url}": Hearth reads nested templates from the design's files; add the template as a file named ${url}.`,
      'NotFound',
    );
  }
  const parameters = isValueMap(ctx.properties.Parameters) ? ctx.properties.Parameters : {};
  const request = {
    parent: ctx.stack,
    resourceName: ctx.resourceName,
    template: ctx.nestedTemplate.text,
    parameters,
    files: ctx.nestedTemplate.files,
    signal: ctx.signal,
  };
  const nested = existing ? await ctx.services.updateNested(existing, request) : await ctx.services.createNested(request);
  return { physicalId: nested.stackId, attributes: { outputs: nested.outputs, arn: stackArn(nested.name, nested.stackId) } };
}
