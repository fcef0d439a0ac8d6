// A stack on a cloud as stacks.get shows it: Hearth's mirror (template,
// environment, files) with Heat's own state, parameters, outputs and
// resources, read from Heat now. When Heat cannot be reached the mirror's
// last state is shown with the reason, not an error: the canvas keeps the
// stack it knows.
import type { StackRecord } from '@hearth/store';
import { heatState } from '../targets/mirror.ts';
import type { HearthServices } from './services.ts';
import { stackSummary } from './stacks.ts';

export async function cloudStackView(services: HearthServices, stack: StackRecord) {
  let live: Awaited<ReturnType<HearthServices['openstack']['stacks']['live']>> = null;
  let cloudError: string | null = null;
  try {
    live = await services.openstack.stacks.live(stack);
  } catch (error) {
    cloudError = (error as Error).message;
  }
  const current = (await services.store.getStack(stack.id)) ?? stack;
  const requiredBy = new Map<string, string[]>();
  for (const r of live?.resources ?? [])
    for (const by of r.required_by) requiredBy.set(by, [...(requiredBy.get(by) ?? []), r.resource_name]);
  return {
    ...stackSummary(current),
    template: current.template,
    environment: current.environment,
    parameters: current.parameters,
    effectiveParameters: live?.heat.parameters ?? {},
    files: current.files,
    options: current.options,
    outputs: current.outputs,
    resources: (live?.resources ?? []).map((r) => {
      const state = heatState(r.resource_status);
      return {
        name: r.resource_name,
        type: r.resource_type,
        physicalId: r.physical_resource_id || null,
        action: state?.action ?? 'INIT',
        status: state?.status ?? 'COMPLETE',
        statusReason: r.resource_status_reason,
        attributes: {},
        requires: requiredBy.get(r.resource_name) ?? [],
        generation: 0,
        updatedAt: current.updatedAt,
        simulated: false,
      };
    }),
    /** Why Heat's own view is missing (the cloud did not answer), or null. */
    cloudError,
  };
}
