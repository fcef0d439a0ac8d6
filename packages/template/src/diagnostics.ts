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

/**
 * Collects problems as they are found, with the nodes they concern; lines and
 * columns are computed once at the end, so that problems cached from an
 * earlier version of the text still point at the right place after the nodes
 * moved.
 */
export class DiagnosticCollector {
  private readonly inputs: DiagnosticInput[] = [];

  add(input: DiagnosticInput): void {
    this.inputs.push(input);
  }

  addAll(inputs: readonly DiagnosticInput[]): void {
    for (const i of inputs) this.inputs.push(i);
  }

  get errorCount(): number {
    let n = 0;
    for (const i of this.inputs) if ((i.severity ?? 'error') === 'error') n++;
    return n;
  }

  finish(lines: LineIndex): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const input of this.inputs) {
      const d = toDiagnostic(input, lines);
      const key = `${d.code}|${d.line}|${d.column}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
    const rank = { error: 0, warning: 1, info: 2 };
    return out.sort((a, b) => a.line - b.line || a.column - b.column || rank[a.severity] - rank[b.severity]);
  }
}

export function toDiagnostic(input: DiagnosticInput, lines: LineIndex): Diagnostic {
  const start = input.node ? input.node.start : (input.offset ?? 0);
  const end = input.node ? Math.max(input.node.end, input.node.start) : start;
  const from = lines.position(start);
  const to = lines.position(end);
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
  return d;
}

/** One line per problem, the way compilers print them. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${d.file ?? file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}${d.path ? ` [${d.path}]` : ''}`;
}
