// OS::Heat::ScalingPolicy: a URL that, signalled (by an alarm, or by hand),
// adjusts an AutoScalingGroup of the same stack by its adjustment
// (heat/engine/resources/openstack/heat/scaling_policy.py, heat/scaling/scalingutil.py).
import { randomBytes, randomUUID } from 'node:crypto';
import type { ResourceProvider } from '@hearth/engine';
import { NoActionRequired, ResourceFailure } from '@hearth/engine';
import type { Value, ValueMap } from '@hearth/template';
import { isValueMap } from '@hearth/template';

export type AdjustmentType = 'change_in_capacity' | 'exact_capacity' | 'percent_change_in_capacity';

/** heat/scaling/scalingutil.py calculate_new_capacity. */
export function newCapacity(
  current: number,
  adjustment: number,
  type: AdjustmentType,
  minAdjustmentStep: number | null,
  minimum: number,
  maximum: number,
): number {
  let capacity: number;
  if (type === 'change_in_capacity') capacity = current + adjustment;
  else if (type === 'exact_capacity') capacity = adjustment;
  else {
    const delta = (current * adjustment) / 100;
    let rounded =
      Math.abs(delta) < 1 ? (delta > 0 ? Math.ceil(delta) : Math.floor(delta)) : delta > 0 ? Math.floor(delta) : Math.ceil(delta);
    if (minAdjustmentStep && minAdjustmentStep > Math.abs(rounded)) rounded = rounded > 0 ? minAdjustmentStep : -minAdjustmentStep;
    capacity = current + rounded;
  }
  return Math.min(maximum, Math.max(minimum, capacity));
}

const num = (v: Value | undefined, d = 0): number => (typeof v === 'number' ? v : Number(v ?? d) || d);

/** What the policy's signal says the alarm's state is (Heat reads `current`, then `state`; no details mean alarm). */
function alarmState(details: Value | undefined): string {
  if (!isValueMap(details)) return 'alarm';
  const state = details.current ?? details.state ?? 'alarm';
  return String(state).toLowerCase();
}

function policyAttributes(base: string, id: string, token: string): ValueMap {
  const url = `${base.replace(/\/$/, '')}/signal/${id}`;
  // alarm_url works on its own (as Heat's pre-signed URL); signal_url wants the token in X-Auth-Token.
  return { alarm_url: `${url}?token=${token}`, signal_url: url, token };
}

export const scalingPolicyProvider: ResourceProvider = {
  async create(ctx) {
    const id = randomUUID();
    return { physicalId: id, attributes: policyAttributes(ctx.services.signalBaseUrl, id, randomBytes(18).toString('base64url')) };
  },
  async update(ctx) {
    return { physicalId: ctx.physicalId ?? randomUUID(), attributes: ctx.attributes };
  },
  async delete() {},
  async check() {},
  async signal(ctx, details) {
    const group = String(ctx.properties.auto_scaling_group_id ?? '');
    if (alarmState(details) !== 'alarm') throw new NoActionRequired();
    // Heat keeps the end of the cooldown in the policy's metadata; Hearth in its attributes.
    const cooldownEnd = typeof ctx.attributes.cooldown_end === 'string' ? Date.parse(ctx.attributes.cooldown_end) : 0;
    if (cooldownEnd > Date.now()) throw new NoActionRequired();
    const adjustment = num(ctx.properties.scaling_adjustment);
    const type = String(ctx.properties.adjustment_type ?? 'change_in_capacity') as AdjustmentType;
    const step =
      ctx.properties.min_adjustment_step === null || ctx.properties.min_adjustment_step === undefined
        ? null
        : num(ctx.properties.min_adjustment_step);
    const changed = await ctx.services.adjustGroup(
      ctx.stack,
      group,
      (current, properties) => newCapacity(current, adjustment, type, step, num(properties.min_size), num(properties.max_size)),
      ctx.signal,
    );
    if (changed === null) throw new ResourceFailure(`Alarm ${ctx.resourceName} could not find scaling group named "${group}"`, 'NotFound');
    if (!changed) throw new NoActionRequired();
    const cooldown = num(ctx.properties.cooldown);
    return {
      reason: null,
      attributes: { ...ctx.attributes, cooldown_end: new Date(Date.now() + cooldown * 1000).toISOString() },
    };
  },
};
