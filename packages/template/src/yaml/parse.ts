// Text to YAML tree, deciding JSON or YAML the way Heat does: a text that
// json.loads accepts is JSON, anything else is YAML.
import { parseEvents } from 'js-yaml';
import { composeEvents, type YamlProblem } from './compose.ts';
import type { YMap, YNode, YScalar } from './nodes.ts';
import { pythonStr } from './nodes.ts';

export interface YamlParseResult {
  root: YNode | null;
  format: 'json' | 'yaml';
  problems: YamlProblem[];
}

export interface YamlParseOptions {
  maxDepth?: number;
  maxExpandedNodes?: number;
}

interface YamlErrorLike {
  reason?: string;
  message?: string;
  mark?: { position?: number };
}

export function parseYamlText(text: string, options: YamlParseOptions = {}): YamlParseResult {
  const json = tryJson(text);
  const maxDepth = options.maxDepth ?? 200;
  try {
    let { events, source, shifts, dashes } = parseLeniently(text, maxDepth);
    let composed = composeEvents(source, events, { json: json.ok, maxExpandedNodes: options.maxExpandedNodes });
    if (!json.ok) {
      const found = flowIndicators(composed.root, source);
      if (found.refused !== null) return refusal(originalOffset(found.refused, shifts), text);
      if (found.keys.length) {
        // `?x` opens a key in libyaml: read it as `? x`, one space more (mapped back like the padding).
        for (const at of found.keys.sort((a, b) => b - a)) {
          source = source.slice(0, at + 1) + ' ' + source.slice(at + 1);
          shifts.push({ at: at + 1, count: 1 });
        }
        ({ events, source, shifts, dashes } = parseLeniently(source, maxDepth, shifts, dashes));
        composed = composeEvents(source, events, { json: json.ok, maxExpandedNodes: options.maxExpandedNodes });
        const again = flowIndicators(composed.root, source);
        if (again.refused !== null) return refusal(originalOffset(again.refused, shifts), text);
      }
    }
    if (dashes) restoreDashes(composed.root);
    if (shifts.length) unshift(composed.root, composed.problems, shifts);
    return { root: composed.root, format: json.ok ? 'json' : 'yaml', problems: composed.problems };
  } catch (error) {
    if (json.ok) return { root: fromJsonValue(json.value), format: 'json', problems: [] };
    const e = error as YamlErrorLike;
    const reason = e.reason ?? e.message ?? String(error);
    const depth = /depth/i.test(reason);
    return {
      root: null,
      format: 'yaml',
      problems: [
        {
          code: depth ? 'YAML_TOO_DEEP' : 'YAML_SYNTAX',
          message: depth ? `The YAML nests deeper than ${maxDepth} levels; flatten the structure.` : `The YAML cannot be read: ${reason}.`,
          offset: e.mark?.position ?? 0,
          severity: 'error',
        },
      ],
    };
  }
}

interface Shift {
  /** Offset in the padded text where spaces were inserted. */
  at: number;
  count: number;
}

const FLOW_PADDING = 256;
const MAX_PADDED_LINES = 1000;
/** Characters re-parsed in total before giving up on padding (keeps huge inputs bounded). */
const PADDING_WORK_BUDGET = 20_000_000;

/**
 * Stands for a plain `-` that libyaml reads as a scalar inside a flow
 * collection (`[-, a]`, `{a: -}`) and js-yaml refuses: one character, so
 * every offset stays, printable (private use), and put back after parsing.
 */
const DASH = '\uE000';
const FLOW_END = new Set([',', ']', '}']);

/**
 * PyYAML ignores indentation inside flow collections (`[`...`]`, `{`...`}`)
 * and in the continuation lines of quoted scalars; js-yaml insists on it.
 * Whitespace at the start of such lines means nothing, so pad each line
 * js-yaml calls deficiently indented and parse again, remembering the
 * padding so that every offset can be mapped back to the user's text.
 */
function parseLeniently(
  text: string,
  maxDepth: number,
  shifts: Shift[] = [],
  dashed = false,
): { events: ReturnType<typeof parseEvents>; source: string; shifts: Shift[]; dashes: boolean } {
  let source = text;
  let dashes = dashed ? 1 : 0;
  for (;;) {
    try {
      return { events: parseEvents(source, { maxDepth }), source, shifts, dashes: dashes > 0 };
    } catch (error) {
      const e = error as YamlErrorLike;
      const at = e.mark?.position;
      // js-yaml stops at a `-` that is followed by `,`, `]` or `}` in a flow collection: libyaml (Heat's
      // loader) reads it as the scalar "-". Stand in for it and read again (unless the text holds the stand-in).
      if (
        e.reason === 'missed comma between flow collection entries' &&
        at !== undefined &&
        source[at] === '-' &&
        FLOW_END.has(source[at + 1] ?? '') &&
        !text.includes(DASH) &&
        (shifts.length + dashes + 1) * source.length <= PADDING_WORK_BUDGET
      ) {
        source = source.slice(0, at) + DASH + source.slice(at + 1);
        dashes++;
        continue;
      }
      if (
        e.reason !== 'deficient indentation' ||
        e.mark?.position === undefined ||
        shifts.length >= MAX_PADDED_LINES ||
        (shifts.length + 1) * source.length > PADDING_WORK_BUDGET
      ) {
        if (shifts.length && e.mark?.position !== undefined) e.mark.position = originalOffset(e.mark.position, shifts);
        throw error;
      }
      const lineStart = source.lastIndexOf('\n', e.mark.position - 1) + 1;
      source = source.slice(0, lineStart) + ' '.repeat(FLOW_PADDING) + source.slice(lineStart);
      shifts.push({ at: lineStart, count: FLOW_PADDING });
    }
  }
}

/** What libyaml does not read at all, as Heat's parse error says it. */
function refusal(offset: number, source: string): YamlParseResult {
  const indicator = source[offset] === '?' ? '?' : ':';
  return {
    root: null,
    format: 'yaml',
    problems: [
      {
        code: 'YAML_SYNTAX',
        message: `The YAML cannot be read: in a flow collection ([...] or {...}) Heat's YAML reader takes '${indicator}' here as a mapping indicator, not as part of a value; quote the value.`,
        offset,
        severity: 'error',
      },
    ],
  };
}

/**
 * Where js-yaml and libyaml (Heat's loader) part ways on indicators in flow
 * collections: libyaml reads `?x` at the start of an entry as the key `x`
 * (`keys`: the offsets of those `?`), and refuses a value that starts with `:`
 * (`[:x]`, `{a: :x}`) or a key followed at once by `:` and the collection's
 * next indicator (`[x:]`, `[-:, a]`), where js-yaml reads scalars and pairs.
 */
function flowIndicators(root: YNode | null, source: string): { keys: number[]; refused: number | null } {
  const keys: number[] = [];
  let refused: number | null = null;
  const seen = new Set<YNode>();
  const plainAt = (node: YNode, at: string) => node.kind === 'scalar' && node.style === 'plain' && source[node.start] === at;
  const entry = (node: YNode, place: 'item' | 'key' | 'value') => {
    if (refused !== null) return;
    if (plainAt(node, ':')) refused = node.start;
    else if (plainAt(node, '?') && node.end > node.start + 1 && !/\s/.test(source[node.start + 1]!)) {
      if (place === 'value') refused = node.start;
      else keys.push(node.start);
    }
  };
  const visit = (node: YNode) => {
    if (seen.has(node) || refused !== null) return;
    seen.add(node);
    if (node.kind === 'seq') {
      for (const item of node.items) {
        if (node.flow) entry(item, 'item');
        visit(item);
      }
    } else if (node.kind === 'map') {
      for (const pair of node.pairs) {
        if (node.flow) {
          entry(pair.key, 'key');
          entry(pair.value, 'value');
          const after = source[pair.key.end];
          const next = source[pair.key.end + 1];
          if (pair.key.kind === 'scalar' && pair.key.style === 'plain' && after === ':' && next !== undefined && ',]}'.includes(next))
            refused ??= pair.key.end;
        }
        visit(pair.key);
        visit(pair.value);
      }
    }
  };
  if (root) visit(root);
  return { keys, refused };
}

/** Puts back each `-` parseLeniently stood in for (a scalar, or a key's text). */
function restoreDashes(root: YNode | null): void {
  const seen = new Set<YNode>();
  const visit = (node: YNode) => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === 'scalar') {
      if (node.value === DASH) node.value = '-';
    } else if (node.kind === 'map') {
      for (const pair of node.pairs) {
        visit(pair.key);
        visit(pair.value);
        if (pair.keyText === DASH) pair.keyText = '-';
      }
    } else if (node.kind === 'seq') node.items.forEach(visit);
  };
  if (root) visit(root);
}

function originalOffset(offset: number, shifts: readonly Shift[]): number {
  // Shifts were recorded in padded coordinates, each relative to the text at that time.
  let result = offset;
  for (let i = shifts.length - 1; i >= 0; i--) {
    const { at, count } = shifts[i]!;
    if (result >= at + count) result -= count;
    else if (result > at) result = at;
  }
  return result;
}

function unshift(root: YNode | null, problems: YamlProblem[], shifts: readonly Shift[]): void {
  const seen = new Set<YNode>();
  const visit = (node: YNode) => {
    if (seen.has(node)) return;
    seen.add(node);
    node.start = originalOffset(node.start, shifts);
    node.end = originalOffset(node.end, shifts);
    if (node.kind === 'map') {
      for (const pair of node.pairs) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (node.kind === 'seq') {
      for (const item of node.items) visit(item);
    }
  };
  if (root) visit(root);
  for (const problem of problems) problem.offset = originalOffset(problem.offset, shifts);
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const first = text.trimStart()[0];
  // Cheap precheck: JSON starts with one of these; YAML templates almost never do.
  if (first === undefined || !'{["-0123456789tfn'.includes(first)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A JSON text js-yaml cannot read (rare): keep the values, without exact positions. */
function fromJsonValue(value: unknown): YNode {
  if (Array.isArray(value)) return { kind: 'seq', start: 0, end: 0, items: value.map(fromJsonValue), flow: true };
  if (value !== null && typeof value === 'object') {
    const map: YMap = { kind: 'map', start: 0, end: 0, pairs: [], flow: true };
    for (const [k, v] of Object.entries(value)) {
      const key: YScalar = { kind: 'scalar', start: 0, end: 0, value: k, type: 'str', style: 'double' };
      map.pairs.push({ key, value: fromJsonValue(v), keyText: pythonStr(k) });
    }
    return map;
  }
  const scalar = value as string | number | boolean | null;
  const type =
    scalar === null
      ? 'null'
      : typeof scalar === 'boolean'
        ? 'bool'
        : typeof scalar === 'number'
          ? Number.isInteger(scalar)
            ? 'int'
            : 'float'
          : 'str';
  return { kind: 'scalar', start: 0, end: 0, value: scalar, type, style: typeof scalar === 'string' ? 'double' : 'plain' };
}
