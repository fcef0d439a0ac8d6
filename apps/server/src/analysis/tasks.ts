// What the analysis workers do: the work a request asks of a template,
// without I/O, so that it can run off the server's event loop. Inputs and
// results are plain data (they cross a thread boundary).
import { analyzeSource, EnvironmentInvalid, evaluateAhead, type TemplateSource } from '@hearth/engine';
// The narrow entry: the worker loads no provider (nor the store) code.
import { extraTypes } from '@hearth/resources/extra-types';
import { validationReport, type Diagnostic, type EvaluationLimits, type ValidationReport } from '@hearth/template';

export interface TaskSettings {
  /** Whether Hearth::Local::Script is a known type here. */
  allowLocalScripts: boolean;
  evaluationLimits?: EvaluationLimits | undefined;
}

export type AnalysisTask =
  /** Heat's verdict on a template, with where each resource is. */
  | { kind: 'validate'; source: TemplateSource; settings: TaskSettings }
  /** Whether a template may be planned or run: read it and evaluate what a run would, within the budget. */
  | { kind: 'precheck'; source: TemplateSource; settings: TaskSettings };

export interface ValidateResult extends ValidationReport {
  diagnostics: Diagnostic[];
  positions: Record<string, { line: number; column: number }>;
}

/** Why a task's template cannot be read at all, or what it asks beyond the budget. */
export interface TemplateRefusal {
  code: 'TEMPLATE_INVALID' | 'EVALUATION_LIMIT';
  message: string;
  diagnostics: Diagnostic[];
}

export type TaskResult =
  | { kind: 'validate'; result: ValidateResult }
  | { kind: 'precheck'; refused: TemplateRefusal | null }
  | { kind: 'refused'; refused: TemplateRefusal };

export function runTask(task: AnalysisTask): TaskResult {
  const settings = { extraType: extraTypes(task.settings.allowLocalScripts), evaluationLimits: task.settings.evaluationLimits };
  let analysis;
  try {
    analysis = analyzeSource(task.source, settings);
  } catch (error) {
    if (error instanceof EnvironmentInvalid)
      return { kind: 'refused', refused: { code: 'TEMPLATE_INVALID', message: error.message, diagnostics: [] } };
    throw error;
  }
  if (task.kind === 'validate') {
    const report = validationReport(analysis, 'template.yaml');
    const positions = Object.fromEntries(
      analysis.resources.map((r) => {
        const at = analysis.lines.position(r.def.keyNode.start);
        return [r.name, { line: at.line, column: at.column }];
      }),
    );
    return { kind: 'validate', result: { ...report, diagnostics: analysis.diagnostics, positions } };
  }
  const limit = analysis.diagnostics.filter((d) => d.code === 'EVALUATION_LIMIT');
  if (limit.length) return { kind: 'precheck', refused: { code: 'EVALUATION_LIMIT', message: limit[0]!.message, diagnostics: limit } };
  const ahead = evaluateAhead(analysis);
  if (ahead) {
    const at = analysis.lines.position(ahead.offset);
    const diagnostic: Diagnostic = {
      severity: 'error',
      code: 'EVALUATION_LIMIT',
      message: ahead.refusal.message,
      path: ahead.path,
      line: at.line,
      column: at.column,
      endLine: at.line,
      endColumn: at.column,
    };
    return { kind: 'precheck', refused: { code: 'EVALUATION_LIMIT', message: ahead.refusal.message, diagnostics: [diagnostic] } };
  }
  return { kind: 'precheck', refused: null };
}
