// What the design's texts mean: the template read with its environment and
// files, as Heat (and Hearth's server) reads them, through one incremental
// analysis. Typing re-reads only what changed; a new environment or new
// files re-read the template with them.
import type { Analysis, AnalyzeOptions, Diagnostic, EnvironmentProblem, TemplateSource, Value } from '@hearth/template';
import { analyzeTemplate, LineIndex, sourceOptions, TemplateDocument } from '@hearth/template';
import { extraTypes } from '@hearth/resources/extra-types';

export interface DesignSources {
  template: string;
  /** The environment file's text ('' for none). */
  environment: string;
  /** Nested templates and other files the template or environment refer to, by path. */
  files: Record<string, string>;
}

/**
 * How the server reads templates beyond Heat's rules: whether it runs its local scripts (its one type of
 * its own), or refuses them; unset: Heat's rules alone. Plain data, so that a worker can be given it.
 */
export interface AnalysisSettings {
  localScripts?: 'allowed' | 'refused';
}

/** The analysis options of these settings (as the server's analysis task makes them). */
function analyzeOptions(settings: AnalysisSettings): Pick<AnalyzeOptions, 'extraType'> {
  return settings.localScripts ? { extraType: extraTypes(settings.localScripts === 'allowed') } : {};
}

export interface DesignReading {
  analysis: Analysis;
  /** What is wrong with the environment itself (Heat refuses the stack for any of these), located in its text. */
  environmentDiagnostics: Diagnostic[];
  /** The errors of each file that is a template itself (a nested template), located in its text. */
  fileDiagnostics: Record<string, Diagnostic[]>;
}

/** Text with a version key Heat looks for at its top level: a template (HOT or CloudFormation), not a script or data. */
const TEMPLATE_FILE = /^\s*\{?\s*["']?(heat_template_version|HeatTemplateFormatVersion|AWSTemplateFormatVersion)["']?\s*:/m;

/** The design as a stack's source (what sourceOptions reads), with the parameter values given, if any. */
export function designSource(sources: DesignSources, parameters?: Record<string, Value>): TemplateSource {
  return {
    name: 'design',
    template: sources.template,
    environment: sources.environment.trim() ? sources.environment : undefined,
    files: sources.files,
    ...(parameters ? { parameters } : {}),
  };
}

/** Places an environment problem in the environment's text. */
function environmentDiagnostic(p: EnvironmentProblem, lines: LineIndex): Diagnostic {
  const start = lines.position(p.node?.start ?? p.offset);
  const end = p.node ? lines.position(p.node.end) : start;
  return {
    severity: 'error',
    code: p.code,
    message: p.message,
    path: p.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    file: 'environment',
  };
}

export class DesignDocument {
  private readonly document = new TemplateDocument();
  private sources: DesignSources = { template: '', environment: '', files: {} };
  private environmentDiagnostics: Diagnostic[] = [];
  private fileDiagnostics: Record<string, Diagnostic[]> = {};

  constructor(private settings: AnalysisSettings = {}) {}

  /** The template text last read. */
  get template(): string {
    return this.sources.template;
  }

  /** Reads a whole new design (with these settings, when given). */
  load(sources: DesignSources, settings?: AnalysisSettings): DesignReading {
    this.sources = { ...sources };
    if (settings) this.settings = settings;
    this.configure();
    return this.read();
  }

  /** The template's text changed: only what changed is read again. */
  setTemplate(template: string): DesignReading {
    this.sources = { ...this.sources, template };
    return this.read();
  }

  setEnvironment(environment: string): DesignReading {
    this.sources = { ...this.sources, environment };
    this.configure();
    return this.read();
  }

  setFiles(files: Record<string, string>): DesignReading {
    this.sources = { ...this.sources, files: { ...files } };
    this.configure();
    return this.read();
  }

  /** Reads the design again as a server with these settings does. */
  setSettings(settings: AnalysisSettings): DesignReading {
    this.settings = settings;
    this.configure();
    return this.read();
  }

  private configure(): void {
    const { options, environmentProblems } = sourceOptions(designSource(this.sources), analyzeOptions(this.settings));
    this.document.setOptions(options);
    const lines = new LineIndex(this.sources.environment);
    this.environmentDiagnostics = environmentProblems.map((p) => environmentDiagnostic(p, lines));
    // Nested templates are read on their own with the design's files (as Heat validates a nested stack's
    // template); only when the files or the environment change, never on a keystroke in the template.
    this.fileDiagnostics = {};
    // As a nested stack reads its environment: the registry and parameter_defaults, not the parameters.
    const nested = sourceOptions({ ...designSource(this.sources), parentStack: 'design' }, analyzeOptions(this.settings)).options;
    for (const [path, text] of Object.entries(this.sources.files)) {
      if (!TEMPLATE_FILE.test(text)) continue;
      const errors = analyzeTemplate(text, { ...nested, filename: path, parameters: {} }).diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) this.fileDiagnostics[path] = errors.map((d) => ({ ...d, file: path }));
    }
  }

  private read(): DesignReading {
    return {
      analysis: this.document.update(this.sources.template),
      environmentDiagnostics: this.environmentDiagnostics,
      fileDiagnostics: this.fileDiagnostics,
    };
  }
}
