// A stack's parameters as Heat shows them (engine/api.py format_stack:
// stack.parameters.map(str)): every parameter of its template with the value
// it runs with (the user's, else parameter_defaults, else its default) as
// text, hidden ones masked, and the pseudo parameters.
import type { Analysis, Value } from '@hearth/template';
import { pyStr } from '@hearth/template';

/** Heat's text for a parameter value: lists joined with commas, json as JSON, the rest as Python's str. */
function asText(type: string, value: Value): string {
  if (type === 'comma_delimited_list' && Array.isArray(value)) return value.map((v) => pyStr(v)).join(',');
  if (type === 'json') return JSON.stringify(value);
  return pyStr(value);
}

export function stackParameters(analysis: Analysis, stack: { id: string; name: string }): Record<string, string> {
  const env = analysis.evalEnv();
  const out: Record<string, string> = {};
  for (const p of analysis.parameters) {
    let value: Value;
    try {
      value = env.param(p.name);
    } catch {
      continue;
    }
    out[p.name] = p.hidden ? '******' : asText(p.type, value);
  }
  out['OS::stack_id'] = stack.id;
  out['OS::stack_name'] = stack.name;
  out['OS::project_id'] = '';
  return out;
}
