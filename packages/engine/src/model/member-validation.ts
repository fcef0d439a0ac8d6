// Heat validates a group's members when a stack is created or updated, not
// when they are first made (heat/engine/resources/stack_resource.py
// validate_nested_stack; resource_group.py validates the first member, and
// only when the count is not zero): a ResourceGroup going from 0 to N with a
// bad member definition is refused at request time. Only the root stack's
// request does this, as in Heat.
import type { Analysis, Diagnostic, ResourceInfo, ValueMap } from '@hearth/template';
import { childEnvironment, EvalError, HeatError } from '@hearth/template';
import type { ProviderRegistry } from '../provider.ts';
import { heatErrorWithPath } from '../states.ts';
import { implementationOf } from './implementation.ts';

export interface MemberValidation {
  providers: ProviderRegistry;
  /** The resource's properties as they resolve at request time. */
  resolveProperties(info: ResourceInfo): ValueMap;
  /** Reads a nested stack's template as the engine would. */
  analyse(source: { name: string; template: string; environment: string; files: Record<string, string> }): Analysis;
}

/** The problems of each enabled group's members, with Heat's path to them (`resources.g<nested_stack>.resources[0]...`). */
export function groupMemberProblems(
  request: { name: string; environment?: string | undefined; files?: Record<string, string> | undefined },
  analysis: Analysis,
  deps: MemberValidation,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const info of analysis.resources) {
    if (!info.enabled || info.resolution === 'template') continue;
    const provider = deps.providers.provider(implementationOf(info));
    if (!provider?.validationTemplate) continue;
    let template: string | null;
    try {
      template = provider.validationTemplate(deps.resolveProperties(info));
    } catch (error) {
      // Properties that cannot be computed before the stack runs are checked when it does.
      if (error instanceof EvalError || error instanceof HeatError) continue;
      throw error;
    }
    if (template === null) continue;
    const members = deps.analyse({
      name: `${request.name}-${info.name}`,
      template,
      environment: childEnvironment(request.environment ?? '', null, info.name),
      files: request.files ?? {},
    });
    const first = members.diagnostics.find((d) => d.severity === 'error');
    if (!first) continue;
    // As Heat words it: a property problem is a "Property error" at the member's properties.
    let path = first.path.split('.').filter(Boolean);
    const property = first.code.startsWith('PROPERTY') && path.includes('properties');
    if (property) path = path.slice(0, path.indexOf('properties') + 1);
    problems.push({
      ...first,
      message: heatErrorWithPath(property ? 'Property error' : '', ['resources', `${info.name}<nested_stack>`, ...path], first.message),
      path: `resources.${info.name}.properties`,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      resource: info.name,
      file: undefined,
    });
  }
  return problems;
}
