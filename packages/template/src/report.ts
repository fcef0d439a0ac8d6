// The machine-readable verdict `hearth validate --format json` prints, with
// exactly the fields of Heat's verdicts in ../shared/corpus/expected.
import type { Analysis } from './hot/analyze.ts';

export interface ValidationReport {
  template: string;
  parsed: boolean;
  valid: boolean;
  diagnostics: Array<{ severity: string; code: string; message: string; path: string; line: number; column: number }>;
  resources: Record<string, { type: string | null; requires: string[] }>;
  implicit: Record<string, string[]>;
  outputs: Record<string, string[]>;
  create_order: string[][];
}

export function validationReport(analysis: Analysis, templateName = analysis.filename): ValidationReport {
  const resources: ValidationReport['resources'] = {};
  for (const r of [...analysis.resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!r.enabled) continue;
    resources[r.name] = { type: r.def.type, requires: [...r.requires].sort() };
  }
  const implicit: Record<string, string[]> = {};
  for (const [name, deps] of [...analysis.implicit].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (deps.length) implicit[name] = [...deps].sort();
  }
  const outputs: Record<string, string[]> = {};
  for (const o of [...analysis.outputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // An output whose condition is false still exists, with no value (as in Heat).
    outputs[o.name] = o.enabled ? [...o.requires].sort() : [];
  }
  return {
    template: templateName,
    parsed: analysis.parsed,
    valid: analysis.valid,
    diagnostics: analysis.diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      message: d.message,
      path: d.path,
      line: d.line,
      column: d.column,
    })),
    resources,
    implicit,
    outputs,
    create_order: analysis.createOrder,
  };
}
