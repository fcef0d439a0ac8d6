// What a nested template's resource_facade sees of the resource it was made
// for (heat/engine/hot/functions.py ResourceFacade): the resource's resolved
// metadata, its deletion policy (Delete unless set) and its update policy.
import type { Analysis, ResourceFacade, ResourceInfo, ValueMap } from '@hearth/template';
import { isValueMap, pyStr, resolveValue } from '@hearth/template';

export function facadeOf(analysis: Analysis, info: ResourceInfo, metadata: ValueMap): ResourceFacade {
  const env = analysis.evalEnv();
  const policy = info.def.deletionPolicy ? resolveValue(info.def.deletionPolicy, env) : null;
  const update = info.def.updatePolicy ? resolveValue(info.def.updatePolicy, env) : null;
  return {
    metadata,
    deletion_policy: policy === null ? 'Delete' : pyStr(policy),
    update_policy: isValueMap(update) ? update : {},
  };
}
