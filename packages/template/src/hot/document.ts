// A template being edited: each update re-reads only what changed since the
// last one (the blocks whose text changed, the resources whose definitions
// or context changed), with the same result as reading it from scratch.
import { IncrementalYamlParser } from '../yaml/incremental.ts';
import type { Analysis, AnalysisState, AnalyzeOptions } from './analyze.ts';
import { analyzeText } from './analyze.ts';

export class TemplateDocument {
  private readonly state: AnalysisState = {
    parser: new IncrementalYamlParser(),
    definitions: new WeakMap(),
    checks: new WeakMap(),
  };
  private last: Analysis | null = null;

  constructor(private options: AnalyzeOptions = {}) {}

  /** New options (environment, parameters, files) apply from the next update. */
  setOptions(options: AnalyzeOptions): void {
    this.options = options;
  }

  update(text: string): Analysis {
    this.last = analyzeText(text, this.options, this.state);
    return this.last;
  }

  get analysis(): Analysis | null {
    return this.last;
  }
}
