// Text surgery: splices applied to the template, and the line ranges they
// changed. Edit operations express every change as splices on the user's
// own text, so everything they do not touch stays byte for byte.
import { LineIndex } from '../yaml/lines.ts';
import type { YNode } from '../yaml/nodes.ts';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Lines an edit changed, 1-based and inclusive, before and after it. */
export interface LineChange {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Applies non-overlapping splices; returns the new text and the changed lines. */
export function applySplices(text: string, splices: readonly Splice[]): { text: string; changes: LineChange[] } {
  const sorted = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) throw new Error('overlapping edits');
  }
  const lines = new LineIndex(text);
  let out = '';
  let at = 0;
  let lineShift = 0;
  const changes: LineChange[] = [];
  for (const s of sorted) {
    out += text.slice(at, s.start);
    const oldStart = lines.position(s.start).line;
    const removed = text.slice(s.start, s.end);
    const oldEnd = oldStart + countLines(removed);
    const newStart = oldStart + lineShift;
    const newEnd = newStart + countLines(s.text);
    changes.push({ oldStart, oldEnd, newStart, newEnd });
    lineShift += countLines(s.text) - countLines(removed);
    out += s.text;
    at = s.end;
  }
  out += text.slice(at);
  return { text: out, changes: mergeChanges(changes) };
}

function mergeChanges(changes: LineChange[]): LineChange[] {
  const out: LineChange[] = [];
  for (const c of changes) {
    const last = out[out.length - 1];
    if (last && c.oldStart <= last.oldEnd + 1) {
      last.oldEnd = Math.max(last.oldEnd, c.oldEnd);
      last.newEnd = Math.max(last.newEnd, c.newEnd);
    } else out.push({ ...c });
  }
  return out;
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the newline ending the line holding `offset` (or the end of the text). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** The column (0-based) where a node starts. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** End of a node's own text, without the blank lines and newlines a block scalar carries. */
export function contentEnd(text: string, node: YNode): number {
  let end = node.end;
  while (end > node.start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** True when only spaces precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/**
 * The whole lines a node occupies from `from` (usually a key) to its end:
 * [start of the first line, start of the line after the last one).
 */
export function wholeLines(text: string, from: number, node: YNode): { start: number; end: number } {
  return { start: lineStart(text, from), end: nextLineStart(text, contentEnd(text, node)) };
}

/** Detects the line ending the text uses. */
export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
