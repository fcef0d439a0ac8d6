// How a stack's template functions see its resources while it runs:
// get_resource gives a resource's physical id, get_attr its attributes (or
// what its provider computes), and outputs resolve against the live
// resources. Actions and the lifecycle both resolve through here.
import type { Analysis, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { isValueMap, pyStr, resolveValue } from '@hearth/template';
import type { JsonValue, ResourceRecord } from '@hearth/store';
import { resolveDefinition } from '../analysis.ts';
import type { ProviderRegistry } from '../provider.ts';

export function toJson(v: Value): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export class Resolver {
  constructor(private readonly providers: ProviderRegistry) {}

  /** get_resource and get_attr against the stack's live resources. */
  runtime(records: ReadonlyMap<string, ResourceRecord>) {
    return {
      reference: (name: string): Value => {
        const rec = records.get(name);
        if (!rec?.physicalId) return name;
        const provider = this.providers.provider(rec.implementation || rec.type);
        return provider?.reference?.({ physicalId: rec.physicalId, attributes: rec.attributes as ValueMap }) ?? rec.physicalId;
      },
      attribute: (name: string, attribute: string | null, path: Value[]): Value => {
        const rec = records.get(name);
        if (!rec || !rec.physicalId) return null;
        const provider = this.providers.provider(rec.implementation || rec.type);
        if (attribute === null) return rec.attributes as ValueMap;
        const own = provider?.attribute?.({ physicalId: rec.physicalId, attributes: rec.attributes as ValueMap }, attribute, path);
        if (own !== undefined) return own;
        let value: Value = (rec.attributes as ValueMap)[attribute] ?? null;
        for (const key of path) {
          if (Array.isArray(value) && typeof key === 'number') value = value[key] ?? null;
          else if (isValueMap(value)) value = value[pyStr(key)] ?? null;
          else return null;
        }
        return value;
      },
    };
  }

  /** A resource's properties and metadata as they resolve against these live resources. */
  resolve(
    analysis: Analysis,
    info: ResourceInfo,
    records: ReadonlyMap<string, ResourceRecord>,
  ): { properties: ValueMap; metadata: ValueMap } {
    return resolveDefinition(analysis, info, analysis.evalEnv(this.runtime(records)));
  }

  /** The stack's outputs, resolved against its live resources (an output that fails says why). */
  outputs(analysis: Analysis, records: ReadonlyMap<string, ResourceRecord>): Record<string, JsonValue> {
    const env = analysis.evalEnv(this.runtime(records));
    const outputs: Record<string, JsonValue> = {};
    for (const o of analysis.outputs) {
      if (!o.enabled || !o.value) continue;
      try {
        outputs[o.name] = toJson(resolveValue(o.value, env));
      } catch (error) {
        outputs[o.name] = { error: errorMessage(error) };
      }
    }
    return outputs;
  }
}
