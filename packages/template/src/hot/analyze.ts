// Reads a HOT template the way Heat's `template validate` does and derives
// what the rest of Hearth needs: diagnostics with positions, the resources
// with their types and schemas, parameters, outputs, conditions, and the
// dependency graph (explicit, implicit, waves, cycles).
import type { ResourceTypeSchema } from '../catalog/catalog.ts';
import { builtinType, builtinTypes } from '../catalog/catalog.ts';
import { DiagnosticCollector, type Diagnostic, type DiagnosticInput, type Severity } from '../diagnostics.ts';
import { LineIndex } from '../yaml/lines.ts';
import type { YMap, YNode } from '../yaml/nodes.ts';
import { effectivePairs, get, getPair } from '../yaml/nodes.ts';
import type { IncrementalYamlParser } from '../yaml/incremental.ts';
import { parseYamlText, type YamlParseResult } from '../yaml/parse.ts';
import type { ConditionDef } from './conditions.ts';
import { Conditions, conditionEntries, validateConditionDefs } from './conditions.ts';
import type { Expr, FnExpr, ParseHooks } from './expr.ts';
import { HeatError, HeatNotice, parseExpr, pyKind, pyTruthy } from './expr.ts';
import type { EvalEnv, Reference, ValidateEnv } from './functions.ts';
import { BudgetExceeded, EvaluationBudget, type EvaluationLimits } from './budget.ts';
import { EvalError, collectReferences, constructCall, resolveValue, validateExpr } from './functions.ts';
import { creationWaves, findCycles } from './graph.ts';
import { implicitDependencies, type ImplicitResource } from './implicit.ts';
import type { Environment } from './environment.ts';
import { emptyEnvironment } from './environment.ts';
import type { FileLoader, NestedTemplate } from './nested.ts';
import { loadNestedTemplate } from './nested.ts';
import type { ParameterDecl } from './parameters.ts';
import { checkParameterValue, coerceParameterValue, parseParameters, validateParameterDecl } from './parameters.ts';
import { PropertyReader } from './properties.ts';
import { checkPropertyValues, unknownProperties, validateUpdatePolicy } from './property-checks.ts';
import type { ResourceDef } from './resources.ts';
import { parseResourceDef, resourceEntries } from './resources.ts';
import type { Value, ValueMap } from './values.ts';
import { hasKey, newMap, nodeToValue, pyStr } from './values.ts';
import { evaluateYaql, YaqlEvalError } from '../yaql/evaluate.ts';
import { YaqlSyntaxError, yaqlSyntaxError } from '../yaql/parse.ts';
import { closestName } from './suggest.ts';
import type { HotVersion, TemplateKeys } from './versions.ts';
import { LATEST_HOT_VERSION, VERSION_KEYS, conditionFunctionTable, findTemplateVersion } from './versions.ts';

/** Heat's max_template_size: Heat refuses larger templates unless its operator raises the limit. */
export const HEAT_MAX_TEMPLATE_BYTES = 524_288;
export const DEFAULT_MAX_TEMPLATE_BYTES = 8 * 1024 * 1024;

export interface AnalyzeOptions {
  filename?: string;
  environment?: Environment;
  /** Parameter values given by the user; they override the environment's `parameters`. */
  parameters?: Readonly<Record<string, Value>>;
  loadFile?: FileLoader;
  maxBytes?: number;
  /** Types Hearth adds to Heat's (for example Hearth::Local::Script); return null to refuse one with a reason. */
  extraType?: (name: string) => ResourceTypeSchema | { refused: string } | undefined;
  stackName?: string;
  /** For a nested stack's template: its parent resource as resource_facade gives it. */
  resourceFacade?: ResourceFacade;
  /** What the template's functions may compute, in all (default: DEFAULT_EVALUATION_LIMITS). */
  evaluationLimits?: EvaluationLimits;
}

export interface ResourceInfo {
  name: string;
  def: ResourceDef;
  enabled: boolean;
  /** How the type was found. */
  resolution: 'builtin' | 'extra' | 'template' | 'missing' | 'unread';
  schema: ResourceTypeSchema | null;
  /** The built-in type the resource behaves as, when there is one. */
  iface: string | null;
  nested: NestedTemplate | null;
  /** For a template resource: the registry path of the mapping to its template (see Resolution). */
  templateEntry: string[] | null;
  /** Stated requirements (depends_on, get_resource, get_attr), enabled resources only. */
  requires: string[];
  references: Reference[];
  /** depends_on entries dropped because the resource they name is disabled. */
  droppedDependsOn: string[];
}

export interface OutputInfo {
  name: string;
  keyNode: YNode;
  node: YNode;
  value: Expr | null;
  description: string | null;
  enabled: boolean;
  requires: string[];
}

export interface ParameterGroupInfo {
  label: string | null;
  description: string | null;
  parameters: string[];
}

export interface Analysis {
  filename: string;
  text: string;
  lines: LineIndex;
  root: YNode | null;
  format: 'json' | 'yaml';
  parsed: boolean;
  valid: boolean;
  version: HotVersion | null;
  versionName: string | null;
  description: string | null;
  diagnostics: Diagnostic[];
  parameters: ParameterDecl[];
  parameterGroups: ParameterGroupInfo[];
  resources: ResourceInfo[];
  outputs: OutputInfo[];
  conditions: Record<string, boolean | null>;
  /** Heat's type-specific dependencies, beyond the stated ones. */
  implicit: Map<string, string[]>;
  /** Waves of creation over stated and implicit requirements. */
  createOrder: string[][];
  cycles: string[][];
  environment: Environment;
  /**
   * How expressions of this template evaluate: parameters (user values,
   * environment, defaults), conditions, files; resources through `runtime`
   * once they exist (before that get_resource gives the name, get_attr null).
   */
  evalEnv(runtime?: RuntimeResources): EvalEnv;
}

/** A nested stack's parent resource, as the nested template's resource_facade sees it. */
export interface ResourceFacade {
  metadata: Value;
  deletion_policy: Value;
  update_policy: Value;
}

/** What a running stack knows about its resources, for get_resource and get_attr. */
export interface RuntimeResources {
  reference(name: string): Value;
  attribute(name: string, attribute: string | null, path: Value[]): Value;
}

const DELETION_POLICIES = ['Delete', 'Retain', 'Snapshot'];

function emptyAnalysis(filename: string, text: string, lines: LineIndex, environment: Environment): Analysis {
  return {
    filename,
    text,
    lines,
    root: null,
    format: 'yaml',
    parsed: false,
    valid: false,
    version: null,
    versionName: null,
    description: null,
    diagnostics: [],
    parameters: [],
    parameterGroups: [],
    resources: [],
    outputs: [],
    conditions: {},
    implicit: new Map(),
    createOrder: [],
    cycles: [],
    environment,
    evalEnv: () => {
      throw new Error('the template could not be read, so nothing in it can be evaluated');
    },
  };
}

function utf8Length(text: string, limit: number): number {
  // Three bytes per UTF-16 unit at most: short texts need no count.
  if (text.length * 3 <= limit) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Caches that let a document be analyzed again cheaply after an edit. */
export interface AnalysisState {
  parser: IncrementalYamlParser;
  /** Per resource definition node: what the definition says (parsed, condition, type). */
  definitions: WeakMap<YNode, DefinitionUnit>;
  /** Per resource definition node: its references and validation. */
  checks: WeakMap<YNode, CheckUnit>;
}

/**
 * The names a cached unit looked up while it was computed, with what it found
 * ("declared:web" → "1"). The unit holds while every lookup finds the same:
 * renaming one resource re-reads only what refers to it.
 */
type Lookups = Map<string, string>;

interface DefinitionUnit {
  context: string;
  lookups: Lookups;
  info: ResourceInfo;
  diagnostics: DiagnosticInput[];
  /** Property values the implicit-dependency rules read, kept while the context and `propertyLookups` hold. */
  properties: Map<string, { value: Value } | { error: EvalError | HeatError }>;
  /** The names reading those values looked up (a get_resource of a resource disabled since reads as null). */
  propertyLookups: Lookups;
  /**
   * The resource's implicit dependencies as last given (`Analysis.implicit`): given again, the same
   * list, while they are the same, so that readers of the analysis (the designer's graph and workflow,
   * which keep what they derive from a resource) find them unchanged by identity.
   */
  implicit?: string[];
}

interface CheckUnit {
  context: string;
  lookups: Lookups;
  /** The definition the checks were made for (a re-read definition is checked again). */
  def: ResourceDef;
  requires: string[];
  references: Reference[];
  droppedDependsOn: string[];
  diagnostics: DiagnosticInput[];
}

export function analyzeTemplate(text: string, options: AnalyzeOptions = {}): Analysis {
  return analyzeText(text, options);
}

export function analyzeText(text: string, options: AnalyzeOptions = {}, state?: AnalysisState): Analysis {
  const filename = options.filename ?? 'template.yaml';
  const environment = options.environment ?? emptyEnvironment();
  const lines = new LineIndex(text);
  const collector = new DiagnosticCollector();
  const result = emptyAnalysis(filename, text, lines, environment);
  const finish = (): Analysis => {
    result.diagnostics = collector.finish(lines);
    result.valid = result.parsed && collector.errorCount === 0;
    return result;
  };

  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TEMPLATE_BYTES;
  const bytes = utf8Length(text, Math.min(maxBytes, HEAT_MAX_TEMPLATE_BYTES));
  if (bytes > maxBytes) {
    collector.add({
      code: 'TEMPLATE_TOO_LARGE',
      message: `Template size (${bytes} bytes) exceeds maximum allowed size (${maxBytes} bytes). Split it into nested templates.`,
      path: '',
      offset: 0,
    });
    return finish();
  }
  if (bytes > HEAT_MAX_TEMPLATE_BYTES) {
    collector.add({
      severity: 'warning',
      code: 'HEAT_TEMPLATE_SIZE',
      message: `Template size (${bytes} bytes) exceeds the ${HEAT_MAX_TEMPLATE_BYTES} bytes Heat accepts by default (max_template_size); a Heat deployment will refuse it unless its operator raises the limit.`,
      path: '',
      offset: 0,
    });
  }

  const yaml: YamlParseResult = state ? state.parser.parse(text) : parseYamlText(text);
  result.format = yaml.format;
  for (const p of yaml.problems) collector.add({ severity: p.severity, code: p.code, message: p.message, path: '', offset: p.offset });
  if (yaml.problems.some((p) => p.severity === 'error')) return finish();
  let root: YNode | null = yaml.root;
  if (root === null || (root.kind === 'scalar' && root.value === null)) {
    root = { kind: 'map', start: 0, end: 0, pairs: [], flow: false };
  }
  result.root = root;
  if (root.kind !== 'map') {
    collector.add({ code: 'TEMPLATE_NOT_MAPPING', message: 'The template is not a JSON object or YAML mapping.', path: '', node: root });
    return finish();
  }
  result.parsed = true;
  try {
    new TemplateAnalyzer(root, options, filename, environment, collector, result, state).run();
  } catch (error) {
    // A server limit, not a finding about the template: the analysis stops where it was, and says why.
    if (!(error instanceof BudgetExceeded)) throw error;
    collector.add({ code: error.code, message: error.message, path: '', offset: 0 });
  }
  return finish();
}

/** Stable identities for objects, so that "nothing changed" can be a string comparison. */
const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function identity(o: object | null | undefined): number {
  if (!o) return 0;
  let id = identities.get(o);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(o, id);
  }
  return id;
}

class TemplateAnalyzer {
  private version: HotVersion = LATEST_HOT_VERSION;
  /** The section and key names of the template's version (HOT or CloudFormation). */
  private keys: TemplateKeys = LATEST_HOT_VERSION.keys;
  private params = new Map<string, ParameterDecl>();
  private userParams: ValueMap = newMap();
  private conditions!: Conditions;
  private readonly resources = new Map<string, ResourceInfo>();
  /** The outputs' references (for the check of unresolved get_attr paths across the template). */
  private readonly outputReferences: Reference[] = [];
  private enabled = new Set<string>();
  private exprHooks!: ParseHooks;
  private conditionHooks!: ParseHooks;
  private readonly stackName: string;
  private readonly budget: EvaluationBudget;
  /** Where problems go: the collector, or the unit being computed (to be cached with it). */
  private sink: DiagnosticInput[] | null = null;

  constructor(
    private readonly root: YMap,
    private readonly options: AnalyzeOptions,
    private readonly filename: string,
    private readonly environment: Environment,
    private readonly collector: DiagnosticCollector,
    private readonly result: Analysis,
    private readonly state?: AnalysisState,
  ) {
    this.stackName = options.stackName ?? 'stack';
    this.budget = new EvaluationBudget(options.evaluationLimits);
  }

  private error(error: HeatError, path: string, severity: Severity = 'error', resource?: string): void {
    const input: DiagnosticInput = {
      severity,
      code: error.code,
      message: error.message,
      path,
      node: error.node,
    };
    const owner = resource ?? resourceOfPath(path);
    if (owner !== undefined) input.resource = owner;
    if (this.sink) this.sink.push(input);
    else this.collector.add(input);
  }

  /** Runs `work` with its problems captured, to cache them with what it computed. */
  /** Names looked up by the unit being computed (see Lookups). */
  private recording: Lookups | null = null;

  private isDeclared(name: string): boolean {
    const found = this.declaredNames().has(name);
    this.recording?.set(`declared:${name}`, found ? '1' : '0');
    return found;
  }

  private isEnabled(name: string): boolean {
    const found = this.enabled.has(name);
    this.recording?.set(`enabled:${name}`, found ? '1' : '0');
    return found;
  }

  /** Whether every lookup a cached unit made still finds the same. */
  private lookupsHold(lookups: Lookups): boolean {
    for (const [key, value] of lookups) {
      const at = key.indexOf(':');
      const kind = at < 0 ? key : key.slice(0, at);
      const name = key.slice(at + 1);
      let now: string;
      if (kind === 'declared') now = this.declaredNames().has(name) ? '1' : '0';
      else if (kind === 'enabled') now = this.enabled.has(name) ? '1' : '0';
      else if (kind === 'schema') now = String(identity(this.resources.get(name)?.schema));
      else now = [...this.declaredNames()].join('\u0000');
      if (now !== value) return false;
    }
    return true;
  }

  /** Runs `work` capturing its diagnostics and recording the names it looks up. */
  private recorded<T>(work: () => T): { value: T; diagnostics: DiagnosticInput[]; lookups: Lookups } {
    const saved = this.recording;
    const lookups: Lookups = new Map();
    this.recording = lookups;
    try {
      return { ...this.capture(work), lookups };
    } finally {
      this.recording = saved;
    }
  }

  private capture<T>(work: () => T): { value: T; diagnostics: DiagnosticInput[] } {
    const saved = this.sink;
    const diagnostics: DiagnosticInput[] = [];
    this.sink = diagnostics;
    try {
      return { value: work(), diagnostics };
    } finally {
      this.sink = saved;
    }
  }

  private readonly report = (error: HeatError, path: string) => this.error(error, path, error instanceof HeatNotice ? 'info' : 'error');

  run(): void {
    this.checkVersion();
    this.checkSections();
    const description = get(this.root, this.keys.description);
    this.result.description = description ? pyStr(nodeToValue(description)) : null;
    this.setUpParsing();
    this.readParameters();
    this.readParameterGroups();
    this.readConditions();
    this.readResources();
    this.checkDuplicateNames();
    this.checkResources();
    this.readOutputs();
    this.checkUnresolvedAttributePaths();
    this.buildGraph();
    this.result.conditions = this.conditions.snapshot();
    this.result.evalEnv = (runtime) => this.evalEnv(runtime);
  }

  // ------------------------------------------------------------ version and sections

  private checkVersion(): void {
    const present = VERSION_KEYS.map((k) => getPair(this.root, k)).filter(
      (p): p is NonNullable<typeof p> => p !== undefined && p.value.kind === 'scalar' && typeof p.value.value === 'string',
    );
    if (present.length > 1) {
      this.error(
        new HeatError(
          `The template version is invalid: Ambiguous versions (${present.map((p) => p.keyText).join(', ')})`,
          present[1]!.key,
          'TEMPLATE_VERSION_INVALID',
        ),
        present[1]!.keyText,
      );
      return;
    }
    const pair = present[0];
    if (!pair) {
      const raw = getPair(this.root, 'heat_template_version');
      this.error(
        new HeatError(
          raw
            ? `The template version is invalid: Template version was not provided (heat_template_version must be a date such as ${LATEST_HOT_VERSION.date} or a release name such as wallaby, written as text).`
            : `The template version is invalid: Template version was not provided. Add "heat_template_version: ${LATEST_HOT_VERSION.date}" (or a release name such as wallaby) at the top.`,
          raw?.value ?? null,
          'TEMPLATE_VERSION_MISSING',
        ),
        'heat_template_version',
      );
      return;
    }
    const value = pair.value.kind === 'scalar' ? String(pair.value.value) : '';
    const found = findTemplateVersion(pair.keyText, value);
    if ('accepted' in found) {
      const { accepted } = found;
      this.error(
        new HeatError(
          `The template version is invalid: "${pair.keyText}: ${value}". "${pair.keyText}" should be${accepted.length > 1 ? ' one of' : ''}: ${accepted.join(', ')}`,
          pair.value,
          'TEMPLATE_VERSION_INVALID',
        ),
        pair.keyText,
      );
      return;
    }
    this.version = found;
    this.keys = found.keys;
    this.result.version = found;
    this.result.versionName = value;
  }

  private checkSections(): void {
    for (const pair of effectivePairs(this.root)) {
      if (!this.version.sections.includes(pair.keyText)) {
        const hint =
          pair.keyText === 'conditions' && this.version.format === 'hot'
            ? ` The conditions section needs heat_template_version 2016-10-14 (newton) or later.`
            : ` The sections are ${this.version.sections.join(', ')}.`;
        this.error(
          new HeatError(`The template section is invalid: ${pair.keyText}.${hint}`, pair.key, 'TEMPLATE_SECTION_UNKNOWN'),
          pair.keyText,
        );
      }
    }
  }

  // ------------------------------------------------------------ evaluation environment

  private paramValue(name: string): Value {
    if (this.version.pseudoParameters.includes(name)) {
      if (name === 'OS::stack_name' || name === 'AWS::StackName') return this.stackName;
      // Heat's default region (CfnParameters).
      if (name === 'AWS::Region') return 'ap-southeast-1';
      return '';
    }
    const decl = this.params.get(name);
    // Undeclared: get_param says the parameter was not provided, Ref that the reference is incorrect.
    if (!decl) throw new EvalError(`The Parameter (${name}) was not provided.`, 'PARAMETER_UNDECLARED');
    let raw: Value | undefined;
    if (hasKey(this.userParams, name)) raw = this.userParams[name]!;
    else if (hasKey(this.environment.parameterDefaults, name)) raw = this.environment.parameterDefaults[name]!;
    else raw = decl.default;
    if (raw === undefined || raw === null) throw new EvalError(`The Parameter (${name}) was not provided.`, 'PARAMETER_MISSING');
    try {
      return coerceParameterValue(decl, raw);
    } catch (error) {
      throw new EvalError((error as Error).message);
    }
  }

  evalEnv(runtime?: RuntimeResources): ValidateEnv {
    const env: ValidateEnv = {
      budget: this.budget,
      param: (name) => this.paramValue(name),
      hasResource: (name) => this.isEnabled(name),
      resourceRef: (name) => (runtime ? runtime.reference(name) : name),
      attribute: (name, attribute, path) => (runtime ? runtime.attribute(name, attribute, path) : null),
      file: (key) => this.options.loadFile?.(key, this.filename),
      resourceFacade: (attribute) => {
        const facade = this.options.resourceFacade;
        return facade && Object.prototype.hasOwnProperty.call(facade, attribute) ? facade[attribute as keyof ResourceFacade] : null;
      },
      conditionEnabled: (c) => this.conditions.isEnabled(c),
      mappings: () => this.mappings(),
      yaql: (expression, data) => {
        try {
          return evaluateYaql(expression, data, this.budget);
        } catch (error) {
          if (error instanceof YaqlEvalError || error instanceof YaqlSyntaxError) throw new EvalError(error.message, 'YAQL_EVAL');
          throw error;
        }
      },
      yaqlSyntaxError,
      attributeNames: (name) => {
        const info = this.resources.get(name);
        this.recording?.set(`schema:${name}`, String(identity(info?.schema)));
        if (!info?.schema || info.schema.openAttributes) return 'any';
        return new Set(Object.keys(info.schema.attributes));
      },
    };
    return env;
  }

  private mappingsValue: Value | undefined;
  /** The Mappings section as data (Fn::FindInMap reads it unparsed, as Heat's template.maps). */
  private mappings(): Value {
    if (this.mappingsValue === undefined) {
      const node = this.keys.mappings ? get(this.root, this.keys.mappings) : undefined;
      const value = node ? nodeToValue(node) : null;
      this.mappingsValue = value === null || value === '' ? newMap() : value;
    }
    return this.mappingsValue;
  }

  private setUpParsing(): void {
    const construct = (call: FnExpr) => constructCall(call, { hasResource: (n) => this.isDeclared(n) });
    const macro = (call: FnExpr, raw: YNode | undefined, path: string) => this.parseIf(call, raw, path);
    this.exprHooks = { table: this.version.functions, construct, macro, report: this.report };
    this.conditionHooks = { table: conditionFunctionTable(this.version), construct, macro, report: this.report };
  }

  private declaredNamesCache: Set<string> | null = null;
  private declaredNames(): Set<string> {
    if (!this.declaredNamesCache) {
      const section = get(this.root, this.keys.resources);
      this.declaredNamesCache = new Set(section?.kind === 'map' ? effectivePairs(section).map((p) => p.keyText) : []);
    }
    return this.declaredNamesCache;
  }

  /** Heat's `if` macro: the condition is decided while parsing, and only the chosen branch is read. */
  private parseIf(call: FnExpr, raw: YNode | undefined, path: string): void {
    const fn = call.name;
    const usage = `Arguments to "${fn}" must be of the form: [condition_name, value_if_true, value_if_false]`;
    if (!raw || raw.kind !== 'seq' || raw.items.length === 0) throw new HeatError(usage, raw ?? call.node, 'FUNCTION_ARGUMENTS');
    const n = raw.items.length;
    const nullable = call.impl === 'IfNullable';
    if (!(n === 3 || (nullable && n === 2))) throw new HeatError(usage, raw, 'FUNCTION_ARGUMENTS');
    const cond = parseExpr(raw.items[0], this.conditionHooks, fn);
    let enabled: boolean;
    try {
      const value = resolveValue(cond, this.evalEnv());
      enabled = this.conditions.isEnabled(value, raw.items[0]!);
    } catch (error) {
      if (error instanceof EvalError) throw new HeatError(error.message, raw.items[0]!, error.code);
      throw error;
    }
    const branch = enabled ? raw.items[1] : raw.items[2];
    call.chosen = branch === undefined ? null : parseExpr(branch, this.exprHooks, path);
  }

  // ------------------------------------------------------------ parameters

  private readParameters(): void {
    const decls = parseParameters(get(this.root, this.keys.parameters), this.version, this.report);
    this.result.parameters = decls;
    for (const d of decls) {
      this.params.set(d.name, d);
      validateParameterDecl(d, this.report);
    }
    Object.assign(this.userParams, this.environment.parameters);
    for (const [k, v] of Object.entries(this.options.parameters ?? {})) this.userParams[k] = v;
    for (const [name, value] of Object.entries(this.userParams)) {
      const decl = this.params.get(name);
      if (!decl) {
        this.error(
          new HeatError(
            `The Parameter (${name}) was not defined in template.${this.params.size ? ` The template's parameters are ${[...this.params.keys()].join(', ')}.` : ''}`,
            null,
            'PARAMETER_UNKNOWN',
          ),
          `parameters.${name}`,
        );
        continue;
      }
      const problem = checkParameterValue(decl, value);
      if (problem)
        this.error(new HeatError(`Parameter '${name}' is invalid: ${problem}`, decl.keyNode, 'PARAMETER_VALUE'), `parameters.${name}`);
    }
  }

  private readParameterGroups(): void {
    const node = this.keys.parameterGroups ? get(this.root, this.keys.parameterGroups) : undefined;
    if (!node || (node.kind === 'scalar' && !pyTruthy({ t: 'lit', node, value: node.value }))) return;
    if (node.kind === 'map' && node.pairs.length === 0) return;
    if (node.kind !== 'seq') {
      this.error(new HeatError('The parameter_groups should be a list.', node, 'PARAMETER_GROUPS'), 'parameter_groups');
      return;
    }
    const grouped = new Set<string>();
    for (const group of node.items) {
      const label = group.kind === 'map' ? get(group, 'label') : undefined;
      const labelText = label ? pyStr(nodeToValue(label)) : null;
      const path = `parameter_groups.${labelText ?? ''}`;
      const params = group.kind === 'map' ? get(group, 'parameters') : undefined;
      const info: ParameterGroupInfo = {
        label: labelText,
        description: group.kind === 'map' && get(group, 'description') ? pyStr(nodeToValue(get(group, 'description')!)) : null,
        parameters: [],
      };
      if (group.kind !== 'map' || params === undefined || (params.kind === 'scalar' && params.value === null)) {
        this.error(new HeatError('The parameters must be provided for each parameter group.', group, 'PARAMETER_GROUPS'), path);
        continue;
      }
      if (params.kind !== 'seq') {
        this.error(new HeatError('The parameters of parameter group should be a list.', params, 'PARAMETER_GROUPS'), path);
        continue;
      }
      for (const p of params.items) {
        const name = pyStr(nodeToValue(p));
        if (grouped.has(name)) {
          this.error(new HeatError(`The ${name} parameter must be assigned to one parameter group only.`, p, 'PARAMETER_GROUPS'), path);
          continue;
        }
        grouped.add(name);
        if (!this.params.has(name) && !this.version.pseudoParameters.includes(name)) {
          this.error(new HeatError(`The grouped parameter ${name} does not reference a valid parameter.`, p, 'PARAMETER_GROUPS'), path);
          continue;
        }
        info.parameters.push(name);
      }
      this.result.parameterGroups.push(info);
    }
  }

  // ------------------------------------------------------------ conditions

  private readConditions(): void {
    const defs = new Map<string, ConditionDef>();
    const section = this.keys.conditions ? get(this.root, this.keys.conditions) : undefined;
    this.conditions = new Conditions(defs, () => this.evalEnv());
    if (!section || (section.kind === 'scalar' && section.value === null)) return;
    if (section.kind !== 'map') {
      this.error(
        new HeatError(
          `Condition definitions must be a map. Found a ${section.kind === 'seq' ? 'list' : pyKind({ t: 'lit', node: section, value: section.value })} instead`,
          section,
          'CONDITIONS_NOT_MAP',
        ),
        'conditions',
      );
      return;
    }
    for (const entry of conditionEntries(section)) {
      const expr = parseExpr(entry.node, this.conditionHooks, `conditions.${entry.name}`);
      defs.set(entry.name, { name: entry.name, keyNode: entry.keyNode, node: entry.node, expr });
    }
    validateConditionDefs(defs, this.evalEnv(), this.report);
  }

  // ------------------------------------------------------------ resources

  /** What the definitions say, and what is enabled: context shared by every resource's checks. */
  private definitionContext = '';
  private readonly units = new Map<string, DefinitionUnit>();

  private readResources(): void {
    const entries = resourceEntries(get(this.root, this.keys.resources), this.version, this.report);
    const declared = this.declaredNames();
    // get_resource, get_attr and Ref look names up while parsing: every declared name counts until conditions are known.
    this.enabled = new Set(declared);
    this.definitionContext = [
      this.version.keys.version,
      this.version.date,
      identity(get(this.root, this.keys.parameters)),
      identity(this.keys.conditions ? get(this.root, this.keys.conditions) : undefined),
      identity(this.keys.mappings ? get(this.root, this.keys.mappings) : undefined),
      identity(this.options.environment),
      identity(this.options.parameters),
      identity(this.options.loadFile),
      identity(this.options.extraType),
      this.stackName,
    ].join('|');
    for (const entry of entries) {
      const cached = this.state?.definitions.get(entry.node);
      let unit: DefinitionUnit;
      if (cached && cached.context === this.definitionContext && cached.info.name === entry.name && this.lookupsHold(cached.lookups))
        unit = cached;
      else {
        const {
          value: info,
          diagnostics,
          lookups,
        } = this.recorded(() => this.readDefinition(entry.name, entry.keyNode, entry.node as YMap));
        unit = { context: this.definitionContext, lookups, info, diagnostics, properties: new Map(), propertyLookups: new Map() };
        this.state?.definitions.set(entry.node, unit);
      }
      this.collector.addAll(unit.diagnostics);
      this.units.set(entry.name, unit);
      this.resources.set(entry.name, { ...unit.info, requires: [], references: [], droppedDependsOn: [] });
    }
    this.enabled = new Set([...this.resources.values()].filter((r) => r.enabled && !r.def.broken).map((r) => r.name));
    // Resources Heat could not read still count as existing for references.
    for (const name of declared) if (!this.resources.has(name)) this.enabled.add(name);
    this.result.resources = [...this.resources.values()];
  }

  /** One resource definition: parsed, its condition decided, its type found. */
  private readDefinition(name: string, keyNode: YNode, node: YMap): ResourceInfo {
    const def = parseResourceDef(name, keyNode, node, this.version, { expr: this.exprHooks, condition: this.conditionHooks }, this.report);
    const info: ResourceInfo = {
      name,
      def,
      enabled: true,
      resolution: 'unread',
      schema: null,
      iface: null,
      nested: null,
      templateEntry: null,
      requires: [],
      references: [],
      droppedDependsOn: [],
    };
    if (def.condition) {
      try {
        info.enabled = this.conditions.isEnabled(resolveValue(def.condition, this.evalEnv()), def.conditionNode);
      } catch (error) {
        if (!(error instanceof HeatError || error instanceof EvalError)) throw error;
        this.error(new HeatError(error.message, def.conditionNode, error.code), `resources.${name}.condition`, 'error', name);
      }
    }
    if (def.type !== null) this.resolveType(info, def.type);
    return info;
  }

  private isBuiltin = (type: string): boolean => builtinType(type) !== undefined || this.extra(type) !== undefined;

  private extra(type: string): ResourceTypeSchema | { refused: string } | undefined {
    return this.options.extraType?.(type);
  }

  private resolveType(info: ResourceInfo, type: string): void {
    const { def } = info;
    const severity: Severity = info.enabled ? 'error' : 'warning';
    const path = `resources.${info.name}.type`;
    const resolution = this.environment.registry.resolve(type, info.name, this.isBuiltin);
    if (resolution.kind === 'builtin') {
      const extra = this.extra(resolution.type);
      if (extra && 'refused' in extra) {
        info.resolution = 'missing';
        this.error(new HeatError(extra.refused, def.typeNode, 'RESOURCE_TYPE_REFUSED'), path, severity, info.name);
        return;
      }
      info.schema = extra ?? builtinType(resolution.type) ?? null;
      info.resolution = extra ? 'extra' : 'builtin';
      info.iface = resolution.type;
    } else if (resolution.kind === 'template') {
      info.resolution = 'template';
      info.templateEntry = resolution.entry;
      const loaded = loadNestedTemplate(
        resolution.path,
        resolution.from ?? this.filename,
        this.options.loadFile,
        this.environment.parameterDefaults,
        def.typeNode,
      );
      if (loaded.ok) {
        info.nested = loaded.nested;
        info.schema = loaded.nested.schema;
      } else {
        this.error(loaded.error, path, severity, info.name);
      }
      const builtinName = this.environment.registry.resolve(type, info.name, (t) => builtinType(t) !== undefined && t !== type);
      info.iface = builtinName.kind === 'builtin' ? builtinName.type : builtinType(type) ? type : null;
    } else {
      info.resolution = 'missing';
      const hint = suggestType(type);
      this.error(
        new HeatError(
          `The Resource Type (${type}) could not be found.${hint ? ` Did you mean ${hint}?` : ''}${info.enabled ? '' : ` (The resource is disabled by its condition, so Heat does not check it.)`}`,
          def.typeNode,
          'RESOURCE_TYPE_NOT_FOUND',
        ),
        path,
        severity,
        info.name,
      );
    }
  }

  private checkDuplicateNames(): void {
    const names = new Set([...this.params.keys(), ...this.version.pseudoParameters]);
    const dups = [...this.resources.values()].filter((r) => r.enabled && names.has(r.name));
    for (const r of dups) {
      this.error(
        new HeatError(
          `Duplicate names {'${r.name}'}: ${r.name} is both a parameter and a resource; rename one of them.`,
          r.def.keyNode,
          'DUPLICATE_NAME',
        ),
        `resources.${r.name}`,
        'error',
        r.name,
      );
    }
  }

  /** depends_on, get_resource and get_attr (Heat's ResourceDefinition.dependencies). */

  /** Each enabled resource's references and validation, cached per definition. */
  private checkResources(): void {
    const context = this.definitionContext;
    for (const info of this.resources.values()) {
      if (!info.enabled || info.def.broken) continue;
      const cached = this.state?.checks.get(info.def.node);
      let unit: CheckUnit;
      if (cached && cached.context === context && cached.def === info.def && this.lookupsHold(cached.lookups)) unit = cached;
      else {
        const { value, diagnostics, lookups } = this.recorded(() => this.checkResource(info));
        unit = { context, lookups, def: info.def, ...value, diagnostics };
        this.state?.checks.set(info.def.node, unit);
      }
      this.collector.addAll(unit.diagnostics);
      info.requires = unit.requires;
      info.references = unit.references;
      info.droppedDependsOn = unit.droppedDependsOn;
    }
  }

  /** depends_on, get_resource and get_attr (Heat's ResourceDefinition.dependencies), then validate_template. */
  private checkResource(info: ResourceInfo): { requires: string[]; references: Reference[]; droppedDependsOn: string[] } {
    const env = this.evalEnv();
    const { def } = info;
    const requires = new Set<string>();
    const droppedDependsOn: string[] = [];
    for (const dep of def.dependsOn) {
      if (this.isEnabled(dep.name)) requires.add(dep.name);
      else if (this.isDeclared(dep.name)) droppedDependsOn.push(dep.name);
      else {
        this.error(
          new HeatError(
            `The specified reference "${dep.name}" (in ${info.name}) is incorrect.${this.nameHint(dep.name)}`,
            dep.node,
            'REFERENCE_INVALID',
          ),
          `resources.${info.name}.depends_on`,
          'error',
          info.name,
        );
      }
    }
    const references: Reference[] = [];
    const missing = (name: Value, call: FnExpr, heatPath: string) => {
      this.error(
        new HeatError(
          `The specified reference "${pyStr(name)}" (in ${heatPath}) is incorrect.${typeof name === 'string' ? this.nameHint(name) : ''}`,
          referenceNode(call),
          'REFERENCE_INVALID',
        ),
        call.path.replace(/\.(get_resource|get_attr|Ref)$/, ''),
        'error',
        info.name,
      );
    };
    if (def.properties) collectReferences(def.properties, env, `${info.name}.Properties`, references, missing);
    if (def.metadata) collectReferences(def.metadata, env, `${info.name}.Metadata`, references, missing);
    for (const r of references) requires.add(r.resource);
    const external = this.externalId(info, env);
    if (external !== null) {
      if (def.dependsOn.length) {
        this.error(
          new HeatError(
            `Invalid dependency with external ${def.type ?? ''} resource: ${external}. A resource with external_id cannot have depends_on.`,
            def.dependsOnNode,
            'EXTERNAL_DEPENDENCY',
          ),
          `resources.${info.name}.depends_on`,
          'error',
          info.name,
        );
      }
      requires.clear();
    }
    this.validateResource(info, { ...env, referencesReported: true }, external !== null);
    return { requires: [...requires].sort(), references, droppedDependsOn };
  }

  /** The external_id of a resource, or null when it is an ordinary one. */
  private externalId(info: ResourceInfo, env: ValidateEnv): string | null {
    const { def } = info;
    if (!def.externalId) return null;
    try {
      const id = resolveValue(def.externalId, env);
      return id !== null && id !== '' ? pyStr(id) : null;
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      this.error(new HeatError(error.message, def.externalIdNode, error.code), `resources.${info.name}.external_id`, 'error', info.name);
      return null;
    }
  }

  private reportCycle(cycle: string[], prefix: string): void {
    const first = this.resources.get(cycle[0]!);
    const description = cycle.length === 1 ? `${cycle[0]} depends on itself` : `${[...cycle, cycle[0]].join(' → ')}`;
    this.error(
      new HeatError(`${prefix}: ${description}. Remove one of these dependencies.`, first?.def.keyNode ?? null, 'DEPENDENCY_CYCLE'),
      `resources.${cycle[0]}`,
      'error',
      cycle[0],
    );
  }

  private nameHint(name: string): string {
    this.recording?.set('all-names', [...this.declaredNames()].join('\u0000'));
    const close = closestName(name, this.declaredNames());
    return close ? ` Did you mean ${close}?` : '';
  }

  /** Heat's Resource.validate_template, for each enabled resource that is not external. */

  /** Heat's Resource.validate_template; external resources only have their deletion policy read. */
  private validateResource(info: ResourceInfo, env: ValidateEnv, external: boolean): void {
    const { def } = info;
    const path = `resources.${info.name}`;
    const report = (e: HeatError, p: string) => this.error(e, p, 'error', info.name);
    // The deletion policy is resolved when Heat reads the definition.
    let deletionPolicy: string | null = null;
    if (def.deletionPolicy) {
      try {
        const value = resolveValue(def.deletionPolicy, env);
        if (value !== null) {
          const text = pyStr(value);
          const lower = this.version.lowercaseDeletionPolicies ? DELETION_POLICIES.find((p) => p.toLowerCase() === text) : undefined;
          const policy = DELETION_POLICIES.includes(text) ? text : lower;
          if (!policy) {
            report(
              new HeatError(
                `Invalid deletion policy "${text}"; use ${this.version.lowercaseDeletionPolicies ? 'Delete, Retain or Snapshot (or delete, retain, snapshot)' : 'Delete, Retain or Snapshot'}.`,
                def.deletionPolicyNode,
                'DELETION_POLICY',
              ),
              `${path}.deletion_policy`,
            );
          } else deletionPolicy = policy;
        }
      } catch (error) {
        if (!(error instanceof EvalError)) throw error;
        report(new HeatError(error.message, def.deletionPolicyNode, error.code), `${path}.deletion_policy`);
      }
    }
    if (external) return;
    for (const expr of [def.properties, def.metadata, def.deletionPolicy, def.updatePolicy, def.externalId]) {
      if (expr) validateExpr(expr, env, report);
    }
    if (!info.schema) return;
    if (deletionPolicy === 'Snapshot' && !info.schema.snapshot) {
      report(
        new HeatError(
          `"Snapshot" deletion policy not supported by ${def.type}; use Delete or Retain.`,
          def.deletionPolicyNode,
          'DELETION_POLICY',
        ),
        `${path}.deletion_policy`,
      );
    }
    if (def.updatePolicy) validateUpdatePolicy(info.name, def.updatePolicy, info.schema, env, report);
    if (def.properties) {
      for (const problem of unknownProperties(def.properties, info.schema)) report(problem.error, `${path}.properties.${problem.key}`);
    }
    for (const w of checkPropertyValues(def, info.schema, env)) this.error(w.error, w.path, 'warning', info.name);
    this.warnUndeclaredParameters(info);
  }

  private warnUndeclaredParameters(info: ResourceInfo): void {
    const visit = (expr: Expr | null) => {
      if (!expr) return;
      walkCalls(expr, (call) => {
        if (call.impl !== 'GetParam' || call.broken) return;
        const arg = call.args.t === 'list' ? call.args.items[0] : call.args;
        if (arg?.t !== 'lit' || typeof arg.value !== 'string') return;
        const name = arg.value;
        if (this.params.has(name) || this.version.pseudoParameters.includes(name)) return;
        this.error(
          new HeatError(
            `The parameter ${name} is not declared; Heat accepts the template but creating the stack fails ("The Parameter (${name}) was not provided."). Declare it under parameters.`,
            arg.node ?? call.node,
            'PARAMETER_UNDECLARED',
          ),
          call.path,
          'warning',
          info.name,
        );
      });
    };
    visit(info.def.properties);
    visit(info.def.metadata);
  }

  // ------------------------------------------------------------ outputs

  private readOutputs(): void {
    const section = get(this.root, this.keys.outputs);
    if (!section || (section.kind === 'scalar' && section.value === null)) return;
    if (section.kind !== 'map') {
      if (section.kind === 'seq' && section.items.length === 0) return;
      this.error(
        new HeatError('The outputs section must be a map of output names to output definitions.', section, 'OUTPUTS_NOT_MAP'),
        'outputs',
      );
      return;
    }
    const env = this.evalEnv();
    for (const pair of effectivePairs(section)) {
      const path = `outputs.${pair.keyText}`;
      const def = pair.value;
      if (def.kind !== 'map') {
        this.error(
          new HeatError(
            `Output definitions must be a map. Found a ${def.kind === 'seq' ? 'list' : pyKind({ t: 'lit', node: def, value: def.value })} instead`,
            def,
            'OUTPUT_NOT_MAP',
          ),
          path,
        );
        continue;
      }
      const keys = this.keys.output;
      const valueNode = get(def, keys.value);
      if (!getPair(def, keys.value)) {
        this.error(new HeatError(`Each output definition must contain a ${keys.value} key.`, pair.key, 'OUTPUT_NO_VALUE'), path);
        continue;
      }
      for (const p of effectivePairs(def)) {
        if (!this.version.outputKeys.includes(p.keyText)) {
          this.error(
            new HeatError(
              `"${p.keyText}" is not a valid keyword inside an output definition; Heat ignores it. Use ${this.version.outputKeys.join(', ')}.`,
              p.key,
              'OUTPUT_KEY_UNKNOWN',
            ),
            `${path}.${p.keyText}`,
            'warning',
          );
        }
      }
      const descriptionNode = get(def, keys.description);
      const output: OutputInfo = {
        name: pair.keyText,
        keyNode: pair.key,
        node: def,
        value: null,
        description: descriptionNode ? pyStr(nodeToValue(descriptionNode)) : null,
        enabled: true,
        requires: [],
      };
      this.result.outputs.push(output);
      if (keys.condition) {
        const condNode = get(def, keys.condition);
        const cond = parseExpr(condNode, this.conditionHooks, `${path}.condition`);
        try {
          output.enabled = this.conditions.isEnabled(resolveValue(cond, env), condNode ?? null);
        } catch (error) {
          if (error instanceof HeatError || error instanceof EvalError) {
            this.error(new HeatError(error.message, condNode ?? pair.key, error.code), `${path}.condition`);
            continue;
          }
          throw error;
        }
        if (!output.enabled) continue;
      }
      output.value = parseExpr(valueNode, this.exprHooks, `${path}.value`);
      validateExpr(output.value, env, this.report);
      const refs: Reference[] = [];
      let anyMissing = false;
      collectReferences(output.value, env, `${path}.value`, refs, () => {
        anyMissing = true;
      });
      output.requires = anyMissing ? [] : [...new Set(refs.map((r) => r.resource))].sort();
      this.outputReferences.push(...refs);
    }
  }

  /**
   * A get_attr whose path cannot be resolved yet names an attribute Heat knows only from the
   * references that do resolve (stk_defn.py: a resource's attributes are those its references ask
   * for): with none, Heat says the attribute is incorrect (GetAtt.validate).
   */
  private checkUnresolvedAttributePaths(): void {
    const refs = [...this.resources.values()].filter((r) => r.enabled && !r.def.broken).flatMap((r) => r.references);
    refs.push(...this.outputReferences);
    const unresolved = refs.filter((r) => r.unresolvedPath);
    if (!unresolved.length) return;
    const resolved = new Set(
      refs.filter((r) => r.kind === 'get_attr' && r.attribute != null && !r.unresolvedPath).map((r) => `${r.resource}\n${r.attribute}`),
    );
    for (const r of unresolved) {
      if (resolved.has(`${r.resource}\n${r.attribute}`)) continue;
      this.error(
        new HeatError(`The Referenced Attribute (${r.resource} ${r.attribute}) is incorrect.`, referenceNode(r.call), 'ATTRIBUTE_INVALID'),
        r.call.path,
        'error',
        resourceOfPath(r.call.path),
      );
    }
  }

  // ------------------------------------------------------------ graph

  private buildGraph(): void {
    const active = [...this.resources.values()].filter((r) => r.enabled && !r.def.broken);
    const env = this.evalEnv();
    const implicitInputs: ImplicitResource[] = active.map((r) => {
      // Only a few types' rules read properties: make the reader when one does, and remember what it read.
      let reader: PropertyReader | null = null;
      const unit = this.units.get(r.name);
      if (unit && !this.lookupsHold(unit.propertyLookups)) {
        unit.properties.clear();
        unit.propertyLookups.clear();
      }
      const memo = unit?.properties ?? new Map<string, { value: Value } | { error: EvalError | HeatError }>();
      const lookups: Lookups = unit?.propertyLookups ?? new Map();
      return {
        name: r.name,
        iface: r.iface ?? '',
        prop: (key: string) => {
          let known = memo.get(key);
          if (!known) {
            const saved = this.recording;
            this.recording = lookups;
            try {
              known = { value: (reader ??= new PropertyReader(r.iface ?? r.def.type ?? '', r.schema, r.def.properties, env)).get(key) };
            } catch (error) {
              if (!(error instanceof EvalError || error instanceof HeatError)) throw error;
              known = { error };
            } finally {
              this.recording = saved;
            }
            memo.set(key, known);
          }
          if ('error' in known) throw known.error;
          return known.value;
        },
      };
    });
    const explicit = new Map(active.map((r) => [r.name, new Set(r.requires)]));
    const implicit = implicitDependencies(implicitInputs, explicit);
    for (const [name, deps] of implicit) {
      const stated = explicit.get(name) ?? new Set<string>();
      const extra = [...deps].filter((d) => !stated.has(d)).sort();
      if (!extra.length) continue;
      const unit = this.units.get(name);
      const kept = unit?.implicit;
      if (kept && kept.length === extra.length && kept.every((d, i) => d === extra[i])) this.result.implicit.set(name, kept);
      else {
        if (unit) unit.implicit = extra;
        this.result.implicit.set(name, extra);
      }
    }
    const all = new Map(
      active.map((r) => {
        const extra = this.result.implicit.get(r.name);
        return [r.name, extra ? new Set([...r.requires, ...extra]) : explicit.get(r.name)!];
      }),
    );
    const names = active.map((r) => r.name);
    this.result.createOrder = creationWaves(names, all);
    const placed = this.result.createOrder.reduce((n, wave) => n + wave.length, 0);
    // Every resource has a wave exactly when there is no cycle: only then look for the cycles to report.
    if (placed < names.length) {
      const stated = findCycles(names, explicit);
      for (const cycle of stated) this.reportCycle(cycle, 'Circular Dependency Found');
      const cycles = stated.length ? stated : findCycles(names, all);
      if (!stated.length) {
        for (const cycle of cycles)
          this.reportCycle(cycle, 'Circular Dependency Found (through dependencies Heat adds for these resource types)');
      }
      this.result.cycles = cycles;
    }
  }
}

function walkCalls(expr: Expr, visit: (call: FnExpr) => void): void {
  if (expr.t === 'list') expr.items.forEach((e) => walkCalls(e, visit));
  else if (expr.t === 'map') expr.entries.forEach((e) => walkCalls(e.value, visit));
  else if (expr.t === 'fn') {
    visit(expr);
    if (expr.chosen) walkCalls(expr.chosen, visit);
    else walkCalls(expr.args, visit);
  }
}

function referenceNode(call: FnExpr): YNode | null {
  const args = call.args;
  if (args.t === 'list' && args.items[0]) return args.items[0].node ?? call.node;
  return args.node ?? call.node;
}

function resourceOfPath(path: string): string | undefined {
  const m = /^resources\.([^.[\]]+)/.exec(path);
  return m ? m[1] : undefined;
}

let typeNames: string[] | null = null;
function suggestType(name: string): string | null {
  typeNames ??= builtinTypes()
    .filter((t) => t.supportStatus !== 'HIDDEN')
    .map((t) => t.name);
  return closestName(name, typeNames);
}
