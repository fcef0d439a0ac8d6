// Environment files merged as Heat 19's merge_environments merged them
// (scripts/dev/heat-environment-merge-cases.py): the same environment, or
// the same refusal.
import { describe, expect, it } from 'vitest';
import { emptyEnvironmentDoc, EnvironmentRefused, mergeEnvironmentFiles, type MergeParameterType } from '../hot/environment-files.ts';
import cases from './heat-environment-merges.json' with { type: 'json' };

interface MergeCase {
  name: string;
  parameters: Record<string, unknown>;
  files: Array<{ name: string; text: string }>;
  types: Record<string, MergeParameterType>;
  heat: { environment?: Record<string, unknown>; error?: string };
}

describe('environment files merge as Heat merges them', () => {
  it.each((cases as unknown as MergeCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const request = emptyEnvironmentDoc();
    Object.assign(request.parameters, c.parameters);
    const merge = () => mergeEnvironmentFiles(request, c.files, new Map(Object.entries(c.types)));
    if (c.heat.error !== undefined) {
      expect(merge).toThrow(EnvironmentRefused);
      // Heat's own words (Hearth may say more after them: the sections it knows).
      expect(merge).toThrow(c.heat.error);
      return;
    }
    expect(JSON.parse(JSON.stringify(merge()))).toEqual(c.heat.environment);
  });
});
