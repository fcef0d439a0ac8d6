// Every problem Hearth finds: a code, a severity, a message that says what is
// wrong and how to fix it, the template path and the line and column.
import type { YNode } from './yaml/nodes.ts';
import type { LineIndex } from './yaml/lines.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  /** Dotted template path, e.g. resources.web.properties.flavor */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The resource the problem concerns, when there is one. */
  resource?: string;
  /** Set when the problem is in another file (a nested template, an environment). */
  file?: string;
}

export interface DiagnosticInput {
  severity?: Severity;
  code: string;
  message: string;
  path: string;
  node?: YNode | null;
  offset?: number;
  resource?: string;
  file?: string;
}

/** Collects diagnostics, turning node offsets into lines and columns. */
export class DiagnosticCollector {
  readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly lines: LineIndex) {}

  add(input: DiagnosticInput): void {
    const start = input.node ? input.node.start : (input.offset ?? 0);
    const end = input.node ? Math.max(input.node.end, input.node.start) : start;
    const from = this.lines.position(start);
    const to = this.lines.position(end);
    const d: Diagnostic = {
      severity: input.severity ?? 'error',
      code: input.code,
      message: input.message,
      path: input.path,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
    };
    if (input.resource !== undefined) d.resource = input.resource;
    if (input.file !== undefined) d.file = input.file;
    const key = `${d.code}|${d.line}|${d.column}|${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  sorted(): Diagnostic[] {
    const rank = { error: 0, warning: 1, info: 2 };
    return [...this.items].sort((a, b) => a.line - b.line || a.column - b.column || rank[a.severity] - rank[b.severity]);
  }
}

/** One line per problem, the way compilers print them. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${d.file ?? file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}${d.path ? ` [${d.path}]` : ''}`;
}
