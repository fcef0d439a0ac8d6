// @hearth/template: the HOT template language, shared by the canvas, the
// editor, the server, the engine and the command line. No I/O: callers pass
// file contents in.
export * from './diagnostics.ts';
export * from './yaml/nodes.ts';
export { LineIndex, type Position } from './yaml/lines.ts';
export { parseYamlText, type YamlParseResult } from './yaml/parse.ts';
export * from './catalog/catalog.ts';
export * from './hot/versions.ts';
export * from './hot/values.ts';
export * from './hot/constraints.ts';
export { type Expr, type FnExpr, HeatError, parseExpr } from './hot/expr.ts';
export { EvalError, resolve, resolveValue, type EvalEnv, type Reference } from './hot/functions.ts';
export { BudgetExceeded, DEFAULT_EVALUATION_LIMITS, EvaluationBudget, type EvaluationLimits } from './hot/budget.ts';
export * from './hot/parameters.ts';
export * from './hot/environment.ts';
export * from './hot/environment-files.ts';
export * from './hot/facade.ts';
export { type FileLoader, type NestedTemplate } from './hot/nested.ts';
export { creationWaves, findCycles } from './hot/graph.ts';
export * from './hot/analyze.ts';
export * from './report.ts';
export { TemplateDocument } from './hot/document.ts';
export * from './hot/source.ts';
export * from './edit/operations.ts';
export { hotView } from './edit/dialect.ts';
export { applySplices, type LineChange, type Splice } from './edit/text.ts';
export { resourceNameUses, parameterNameUses, type NameUse } from './edit/references.ts';
export { hotJsonSchema, type JsonSchema } from './catalog/json-schema.ts';
export { functionDescription, propertyDescription, typeDescription, typeWords } from './catalog/descriptions.ts';
