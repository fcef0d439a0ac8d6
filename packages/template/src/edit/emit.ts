// Writing new values into a template in the style HOT authors use:
// intrinsic functions and short lists of scalars in flow style
// (`{get_attr: [server, first_address]}`, `[a, b]`), maps in block style,
// multi-line strings as literal blocks, and YAML 1.1 quoting so that Heat
// reads back exactly the value that was written (`'yes'` stays a string).
import { Document, isMap, isScalar, isSeq, visit, type Node as YamlNode } from 'yaml';
import type { Value } from '../hot/values.ts';
import { LATEST_HOT_VERSION } from '../hot/versions.ts';

const FUNCTION_NAMES = new Set(
  Object.keys(LATEST_HOT_VERSION.functions).concat(Object.keys(LATEST_HOT_VERSION.conditionFunctions), ['get_file']),
);

export interface EmitStyle {
  /** Spaces per indentation level. */
  indent: number;
  /** The file is JSON (Heat reads text that starts with "{" as JSON): write JSON, never YAML. */
  json?: boolean;
  /** In a JSON file: what it writes between a key and its value (`: `, or ` : ` as many CFN templates do). */
  colon?: string;
}

/** How a value is written after `key:`: on the same line, or as lines below it. */
export type Emitted = { inline: string } | { header: string; lines: string[] };

function options(indent: number, flowOnly: boolean) {
  return {
    version: '1.1' as const,
    indent,
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: false,
    collectionStyle: flowOnly ? ('flow' as const) : ('any' as const),
    blockQuote: flowOnly ? false : ('literal' as const),
    doubleQuotedAsJSON: true,
  };
}

function isShortScalarList(node: YamlNode): boolean {
  return (
    isSeq(node) &&
    node.items.length <= 8 &&
    node.items.every((i) => isScalar(i) && String(i.value ?? '').length <= 40 && !String(i.value ?? '').includes('\n'))
  );
}

function documentFor(value: Value, indent: number, flowOnly: boolean): Document {
  const doc = new Document(value, options(indent, flowOnly));
  if (flowOnly) {
    // Keep flow values on one line: multi-line strings as "...\n..." rather than folded plain text.
    visit(doc, {
      Scalar(_, node) {
        if (typeof node.value === 'string' && node.value.includes('\n')) node.type = 'QUOTE_DOUBLE';
      },
    });
  } else {
    visit(doc, {
      Map(_, node) {
        const only = node.items.length === 1 ? node.items[0] : undefined;
        const key = only && isScalar(only.key) ? String(only.key.value) : null;
        if (key !== null && FUNCTION_NAMES.has(key)) node.flow = true;
      },
      Seq(_, node) {
        if (isShortScalarList(node)) node.flow = true;
      },
    });
  }
  return doc;
}

/**
 * The text of a value placed after `key: ` at a key indented by `keyIndent`.
 * `flow` is true inside a flow collection, where only flow style fits.
 */
export function emitValue(value: Value, keyIndent: number, style: EmitStyle, flow = false): Emitted {
  const doc = documentFor(value, style.indent, flow);
  const text = doc.toString(options(style.indent, flow)).replace(/\n$/, '');
  const root = doc.contents as YamlNode | null;
  const multiline = text.includes('\n');
  if (flow || (!multiline && !(root && (isMap(root) || isSeq(root)) && !root.flow && (root as { items: unknown[] }).items.length > 0))) {
    return { inline: text };
  }
  const pad = ' '.repeat(keyIndent + style.indent);
  const lines = text.split('\n');
  if (root && isScalar(root)) {
    // A block scalar: its header stays on the key line, its content is indented below.
    return { header: lines[0]!, lines: lines.slice(1).map((l) => (l.length ? pad + l : l)) };
  }
  return { header: '', lines: lines.map((l) => (l.length ? pad + l : l)) };
}

/** `key: value` lines for a new map entry at `indent`. */
export function emitPair(key: string, value: Value, indent: number, style: EmitStyle): string[] {
  const k = emitKey(key);
  const v = emitValue(value, indent, style);
  const pad = ' '.repeat(indent);
  if ('inline' in v) return [`${pad}${k}: ${v.inline}`];
  return [`${pad}${k}:${v.header ? ` ${v.header}` : ''}`, ...v.lines];
}

/** A key as YAML needs it written (quoted when it would not read back as the same string). */
export function emitKey(key: string): string {
  const text = new Document(key, options(2, true)).toString(options(2, true)).replace(/\n$/, '');
  return text;
}

/** A value for inside a flow collection (`[a, b]`, `{k: v}`). */
export function emitFlow(value: Value): string {
  return documentFor(value, 2, true).toString(options(2, true)).replace(/\n$/, '');
}

/**
 * A value as JSON: on one line (`{"a": 1, "b": [2]}`), or, given the column its key starts at,
 * spread over lines indented as the file indents; `colon` is what the file writes after a key.
 */
export function emitJson(value: Value, layout: { keyColumn: number; indent: number } | null, colon = ': '): string {
  if (!layout) return compactJson(value, colon);
  return prettyJson(value, ' '.repeat(layout.keyColumn), ' '.repeat(layout.indent), colon);
}

function compactJson(value: Value, colon: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => compactJson(v, colon)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}${colon}${compactJson(v, colon)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

function prettyJson(value: Value, pad: string, unit: string, colon: string): string {
  const inner = pad + unit;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => inner + prettyJson(v, inner, unit, colon)).join(',\n')}\n${pad}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}${colon}${prettyJson(v, inner, unit, colon)}`).join(',\n')}\n${pad}}`;
  }
  return JSON.stringify(value);
}
