// Source-preserving changes to YAML maps and lists: set, insert and remove
// entries as splices on the text, in the layout the surrounding lines
// already use (block or flow, their indentation), touching nothing else.
import type { Value } from '../hot/values.ts';
import type { YMap, YNode, YPair, YSeq } from '../yaml/nodes.ts';
import { effectivePairs } from '../yaml/nodes.ts';
import { emitFlow, emitJson, emitKey, emitPair, emitValue, type EmitStyle } from './emit.ts';
import { columnOf, contentEnd, lineStart, nextLineStart, startsLine, type Splice } from './text.ts';

export class EditError extends Error {
  constructor(
    message: string,
    readonly code = 'EDIT_INVALID',
  ) {
    super(message);
  }
}

export class YamlEditor {
  readonly splices: Splice[] = [];

  constructor(
    readonly text: string,
    readonly style: EmitStyle,
  ) {}

  splice(start: number, end: number, text: string): void {
    this.splices.push({ start, end, text });
  }

  /** Offset just after the `:` that follows a key. */
  private colonAfter(key: YNode): number {
    let i = key.end;
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    if (this.text[i] !== ':') throw new EditError('cannot find the ":" after a key');
    return i + 1;
  }

  /** The comment that ends a line, with its leading spaces (or ''). */
  private trailingComment(from: number): string {
    const end = nextLineStart(this.text, from);
    const rest = this.text.slice(from, end).replace(/\r?\n$/, '');
    const m = /\s+#.*$/.exec(rest);
    return m ? m[0] : '';
  }

  /** An anchor or tag written before a node (`&name `, `!tag `), which a new value keeps. */
  private properties(node: YNode): { text: string; end: number } {
    const m = /^(?:[&!][^\s]*\s+)+/.exec(this.text.slice(node.start, node.end));
    return m ? { text: m[0], end: node.start + m[0].length } : { text: '', end: node.start };
  }

  /** A key as this file writes keys. */
  /** What goes between a key and its value: `: `, or in a JSON file what the file writes there. */
  private get colon(): string {
    return this.style.json ? (this.style.colon ?? ': ') : ': ';
  }

  private key(key: string): string {
    return this.style.json ? JSON.stringify(key) : emitKey(key);
  }

  /**
   * A value inside a flow collection whose entries start at `column` on lines of their own
   * (`multiline`), or share a line: JSON in a JSON file, YAML flow style otherwise.
   */
  private flowValue(value: Value, column: number, multiline: boolean): string {
    if (!this.style.json) return emitFlow(value);
    return emitJson(value, multiline ? { keyColumn: column, indent: this.style.indent } : null, this.colon);
  }

  /** Whether a flow collection puts each entry on its own line (as JSON files usually do). */
  private entriesOnOwnLines(starts: number[]): boolean {
    return starts.length > 0 && starts.every((s) => startsLine(this.text, s));
  }

  /** Replaces the value of an existing entry, keeping its key, any anchor or tag, and any comment on the key line. */
  replaceValue(container: YMap, pair: YPair, value: Value): void {
    const props = this.properties(pair.value);
    if (container.flow) {
      const multiline = this.entriesOnOwnLines(container.pairs.map((p) => p.key.start));
      this.splice(props.end, pair.value.end, this.flowValue(value, columnOf(this.text, pair.key.start), multiline));
      return;
    }
    const keyColumn = columnOf(this.text, pair.key.start);
    const emitted = emitValue(value, keyColumn, this.style);
    const colon = this.colonAfter(pair.key);
    const valueOnKeyLine =
      lineStart(this.text, pair.value.start) === lineStart(this.text, pair.key.start) && pair.value.end > pair.value.start;
    const isEmpty = pair.value.kind === 'scalar' && pair.value.value === null && pair.value.start === pair.value.end;
    if (valueOnKeyLine && !isEmpty) {
      const valueEnd = contentEnd(this.text, pair.value);
      const sameLine = lineStart(this.text, valueEnd) === lineStart(this.text, pair.key.start);
      if ('inline' in emitted && sameLine) {
        this.splice(props.end, valueEnd, emitted.inline);
        return;
      }
      const comment = this.trailingComment(valueEnd);
      const end = nextLineStart(this.text, valueEnd);
      this.splice(colon, end, this.render(emitted, comment, props.text));
      return;
    }
    // The old value is empty or starts below the key: rewrite from the colon to its last line.
    const comment = this.trailingComment(colon);
    const end = isEmpty ? nextLineStart(this.text, colon) : nextLineStart(this.text, contentEnd(this.text, pair.value));
    this.splice(colon, end, this.render(emitted, comment, props.text));
  }

  private render(emitted: ReturnType<typeof emitValue>, comment: string, props = ''): string {
    const nl = this.newline;
    const prefix = props ? ` ${props.trimEnd()}` : '';
    if ('inline' in emitted) return `${prefix} ${emitted.inline}${comment}${nl}`;
    return `${prefix}${emitted.header ? ` ${emitted.header}` : ''}${comment}${nl}${emitted.lines.join(nl)}${nl}`;
  }

  private get newline(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** Adds an entry at the end of a map (which must have at least one entry, or be a flow map). */
  insertPair(container: YMap, key: string, value: Value): void {
    const pairs = effectivePairs(container);
    if (container.flow) {
      if (pairs.length === 0) {
        const open = this.text.indexOf('{', container.start);
        this.splice(open + 1, open + 1, `${this.key(key)}${this.colon}${this.flowValue(value, 0, false)}`);
        return;
      }
      const last = container.pairs[container.pairs.length - 1]!;
      if (this.entriesOnOwnLines(container.pairs.map((p) => p.key.start))) {
        // A new line at the column of the entries above (JSON's usual layout).
        const column = columnOf(this.text, last.key.start);
        const text = `${this.key(key)}${this.colon}${this.flowValue(value, column, true)}`;
        this.splice(last.value.end, last.value.end, `,${this.newline}${' '.repeat(column)}${text}`);
      } else {
        this.splice(last.value.end, last.value.end, `, ${this.key(key)}${this.colon}${this.flowValue(value, 0, false)}`);
      }
      return;
    }
    if (pairs.length === 0) throw new EditError('cannot add to an empty block map');
    const first = container.pairs[0]!;
    const indent = columnOf(this.text, first.key.start);
    const last = container.pairs[container.pairs.length - 1]!;
    const at = nextLineStart(this.text, contentEnd(this.text, last.value));
    const nl = this.newline;
    const lines = emitPair(key, value, indent, this.style).join(nl);
    // When the map ends the text without a final newline, start a new line first.
    const prefix = at === this.text.length && !this.text.endsWith('\n') ? nl : '';
    this.splice(at, at, `${prefix}${lines}${nl}`);
  }

  /** Sets `key` in `container` (replacing its value or adding the entry). */
  set(container: YMap, key: string, value: Value, parent?: { container: YMap; pair: YPair }): void {
    const pair = findPair(container, key);
    if (pair) this.replaceValue(container, pair, value);
    else if (container.pairs.length || container.flow) this.insertPair(container, key, value);
    else if (parent) this.replaceValue(parent.container, parent.pair, { [key]: value });
    else throw new EditError(`cannot add ${key} here`);
  }

  /** Removes an entry with its lines (or its text, in a flow map). */
  removePair(container: YMap, pair: YPair): void {
    if (container.flow) {
      this.removeFlowItem(
        container.pairs.map((p) => ({ start: p.key.start, end: p.value.end })),
        container.pairs.indexOf(pair),
      );
      return;
    }
    const keyStart = pair.key.start;
    if (startsLine(this.text, keyStart)) {
      this.splice(lineStart(this.text, keyStart), nextLineStart(this.text, contentEnd(this.text, pair.value)), '');
      return;
    }
    // The entry shares its line with a list dash (`- key: value`): the next entry moves up.
    const index = container.pairs.indexOf(pair);
    const next = container.pairs[index + 1];
    if (next) this.splice(keyStart, next.key.start, '');
    else this.splice(keyStart, contentEnd(this.text, pair.value), '{}');
  }

  /** Removes the item at `index` from a list (which keeps at least one item). */
  removeItem(seq: YSeq, index: number): void {
    if (seq.flow) {
      this.removeFlowItem(
        seq.items.map((i) => ({ start: i.start, end: i.end })),
        index,
      );
      return;
    }
    const item = seq.items[index]!;
    const dash = this.text.lastIndexOf('-', item.start);
    this.splice(lineStart(this.text, dash), nextLineStart(this.text, contentEnd(this.text, item)), '');
  }

  /** Appends an item to a list with at least one item (or a flow list). */
  appendItem(seq: YSeq, value: Value): void {
    if (seq.flow) {
      if (seq.items.length === 0) {
        const open = this.text.indexOf('[', seq.start);
        this.splice(open + 1, open + 1, this.flowValue(value, 0, false));
        return;
      }
      const last = seq.items[seq.items.length - 1]!;
      if (this.entriesOnOwnLines(seq.items.map((i) => i.start))) {
        const column = columnOf(this.text, last.start);
        this.splice(last.end, last.end, `,${this.newline}${' '.repeat(column)}${this.flowValue(value, column, true)}`);
      } else {
        this.splice(last.end, last.end, `, ${this.flowValue(value, 0, false)}`);
      }
      return;
    }
    const first = seq.items[0];
    if (!first) throw new EditError('cannot add to an empty block list');
    const dash = this.text.lastIndexOf('-', first.start);
    const indent = columnOf(this.text, dash);
    const last = seq.items[seq.items.length - 1]!;
    const at = nextLineStart(this.text, contentEnd(this.text, last));
    const emitted = emitValue(value, indent, this.style);
    const nl = this.newline;
    const pad = ' '.repeat(indent);
    const body = 'inline' in emitted ? `${pad}- ${emitted.inline}` : emittedListItem(emitted, pad, nl);
    const prefix = at === this.text.length && !this.text.endsWith('\n') ? nl : '';
    this.splice(at, at, `${prefix}${body}${nl}`);
  }

  /** Replaces one list item. */
  replaceItem(seq: YSeq, index: number, value: Value): void {
    const item = seq.items[index]!;
    const props = this.properties(item);
    if (seq.flow) {
      const multiline = this.entriesOnOwnLines(seq.items.map((i) => i.start));
      this.splice(props.end, item.end, this.flowValue(value, columnOf(this.text, item.start), multiline));
      return;
    }
    const dash = this.text.lastIndexOf('-', item.start);
    const emitted = emitValue(value, columnOf(this.text, dash), this.style);
    const end = contentEnd(this.text, item);
    if ('inline' in emitted) this.splice(props.end, end, emitted.inline);
    else {
      const nl = this.newline;
      this.splice(
        lineStart(this.text, dash),
        nextLineStart(this.text, end),
        `${emittedListItem(emitted, ' '.repeat(columnOf(this.text, dash)), nl)}${nl}`,
      );
    }
  }

  /** Removes one element of a flow collection with the comma that separates it. */
  private removeFlowItem(ranges: Array<{ start: number; end: number }>, index: number): void {
    const item = ranges[index]!;
    if (ranges.length === 1) {
      this.splice(item.start, item.end, '');
    } else if (index < ranges.length - 1) {
      this.splice(item.start, ranges[index + 1]!.start, '');
    } else {
      this.splice(ranges[index - 1]!.end, item.end, '');
    }
  }
}

/** A block value as a list item: `- ` followed by its first line, the rest aligned under it. */
function emittedListItem(emitted: { header: string; lines: string[] }, pad: string, nl: string): string {
  if (emitted.header) return [`${pad}- ${emitted.header}`, ...emitted.lines].join(nl);
  // A block map or list: its first line goes after the dash; the emitter indented it one level deeper.
  const lines = emitted.lines;
  const inner = lines[0]!.length - lines[0]!.trimStart().length;
  const shift = inner - (pad.length + 2);
  const realigned = lines.map((l) => (shift > 0 ? l.slice(Math.min(shift, l.length - l.trimStart().length)) : ' '.repeat(-shift) + l));
  return [`${pad}- ${realigned[0]!.trimStart()}`, ...realigned.slice(1)].join(nl);
}

export function findPair(map: YMap, key: string): YPair | undefined {
  for (let i = map.pairs.length - 1; i >= 0; i--) if (map.pairs[i]!.keyText === key) return map.pairs[i];
  return undefined;
}
