// Builds Hearth's YAML tree from js-yaml's event stream. js-yaml parses; this
// module decides what the nodes mean the way PyYAML's SafeLoader does
// (YAML 1.1 scalars, merge keys, duplicate keys where the last one wins,
// anchors), keeps the source range of every node, and bounds the work an
// alias bomb can cause.
import { EVENT_ID, getScalarValue, type Event, type ScalarEvent } from 'js-yaml';
import type { ScalarStyle, YMap, YNode, YPair, YScalar, YSeq } from './nodes.ts';
import { pythonStr } from './nodes.ts';
import { resolveJsonPlain, resolvePlain, resolveTagged, type Resolved } from './scalars.ts';

export interface YamlProblem {
  code: string;
  message: string;
  offset: number;
  severity: 'error' | 'warning';
}

export interface ComposeOptions {
  /** Resolve plain scalars as JSON does (for templates written in JSON). */
  json?: boolean;
  /** Upper bound on nodes after alias expansion. */
  maxExpandedNodes?: number;
}

export interface ComposeResult {
  root: YNode | null;
  problems: YamlProblem[];
}

const STYLES: Record<number, ScalarStyle> = { 1: 'plain', 2: 'single', 3: 'double', 4: 'literal', 5: 'folded' };

interface Frame {
  node: YMap | YSeq;
  anchor: string | null;
  pendingKey: YNode | null;
  expanded: number;
  mergeValues: Array<{ value: YNode; keyStart: number }>;
  keys: Set<string>;
}

class Abort extends Error {}

export function composeEvents(source: string, events: readonly Event[], options: ComposeOptions = {}): ComposeResult {
  const problems: YamlProblem[] = [];
  const maxExpanded = options.maxExpandedNodes ?? 2_000_000;
  const anchors = new Map<string, YNode>();
  const expandedSize = new WeakMap<YNode, number>();
  const inProgress = new Set<YNode>();
  const stack: Frame[] = [];
  let root: YNode | null = null;
  let documents = 0;
  let totalExpanded = 0;

  const fail = (code: string, message: string, offset: number): never => {
    problems.push({ code, message, offset, severity: 'error' });
    throw new Abort();
  };

  const tagOf = (start: number, end: number): string | null => {
    if (start < 0) return null;
    const raw = source.slice(start, end);
    if (raw.startsWith('!<') && raw.endsWith('>')) return raw.slice(2, -1);
    if (raw.startsWith('!!')) return `tag:yaml.org,2002:${raw.slice(2)}`;
    return raw;
  };

  const anchorOf = (start: number, end: number): string | null => (start < 0 ? null : source.slice(start, end));

  const count = (size: number, offset: number) => {
    totalExpanded += size;
    if (totalExpanded > maxExpanded) {
      fail(
        'YAML_TOO_LARGE',
        `The YAML expands to more than ${maxExpanded.toLocaleString('en')} nodes once aliases are followed; ` +
          'this looks like an alias bomb. Remove the nested aliases.',
        offset,
      );
    }
  };

  const attach = (node: YNode, size: number) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      root = node;
      return;
    }
    parent.expanded += size;
    if (parent.node.kind === 'seq') {
      parent.node.items.push(node);
      return;
    }
    if (parent.pendingKey === null) {
      if (node.kind !== 'scalar') {
        fail('YAML_UNHASHABLE_KEY', 'A mapping key must be a plain value, not a list or a map (found unhashable key).', node.start);
      }
      parent.pendingKey = node;
      return;
    }
    const key = parent.pendingKey;
    parent.pendingKey = null;
    if (key.kind === 'scalar' && key.style === 'plain' && key.type === 'str' && key.value === '<<' && !options.json) {
      parent.mergeValues.push({ value: node, keyStart: key.start });
      parent.node.pairs.push({ key, value: node, keyText: '<<' });
      return;
    }
    const keyText = key.kind === 'scalar' ? pythonStr(key.value) : '';
    if (parent.keys.has(keyText)) {
      parent.node.duplicateKeys = true;
      problems.push({
        code: 'YAML_DUPLICATE_KEY',
        message: `The key "${keyText}" appears twice in this mapping; Heat keeps only the last value. Remove or rename one of them.`,
        offset: key.start,
        severity: 'warning',
      });
    }
    parent.keys.add(keyText);
    parent.node.pairs.push({ key, value: node, keyText });
  };

  const resolveScalar = (event: ScalarEvent, text: string, tag: string | null, isKey: boolean): Resolved => {
    if (tag !== null && tag !== '!') return resolveTagged(tag, text);
    if (event.style !== 1) return { type: 'str', value: text };
    if (options.json) return resolveJsonPlain(text);
    const resolved = resolvePlain(text);
    if ('error' in resolved && isKey && text === '=') return { type: 'str', value: text };
    return resolved;
  };

  const scalarRange = (event: ScalarEvent): [number, number] => {
    if (event.valueStart < 0) {
      // An empty value (`key:` with nothing after it) has no text: place it right after its key.
      const parent = stack[stack.length - 1];
      const at = parent?.pendingKey?.end ?? lastEnd(parent) ?? 0;
      return [at, at];
    }
    let start = event.valueStart;
    let end = event.valueEnd;
    if (event.style === 2 || event.style === 3) {
      start -= 1;
      end += 1;
    } else if (event.style === 4 || event.style === 5) {
      // Point at the `|` or `>` indicator rather than the first content line.
      let i = Math.min(start, source.length) - 1;
      while (i >= 0 && source[i] !== '|' && source[i] !== '>') i--;
      if (i >= 0) start = i;
    }
    if (event.tagStart >= 0) start = Math.min(start, event.tagStart);
    if (event.anchorStart >= 0) start = Math.min(start, event.anchorStart - 1);
    return [start, end];
  };

  const lastEnd = (frame: Frame | undefined): number | null => {
    if (!frame) return null;
    const { node } = frame;
    if (node.kind === 'seq') return node.items.length ? node.items[node.items.length - 1]!.end : node.start + 1;
    return node.pairs.length ? node.pairs[node.pairs.length - 1]!.value.end : node.start;
  };

  const flowEnd = (node: YMap | YSeq, lastEnd: number): number => {
    const close = node.kind === 'map' ? '}' : ']';
    let i = lastEnd;
    while (i < source.length) {
      const ch = source[i];
      if (ch === close) return i + 1;
      if (ch === '#') {
        while (i < source.length && source[i] !== '\n') i++;
        continue;
      }
      if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r' && ch !== ',') break;
      i++;
    }
    return lastEnd;
  };

  const applyMerges = (map: YMap, merges: Frame['mergeValues']) => {
    const merged: YPair[] = [];
    for (const { value, keyStart } of merges) {
      if (value.kind === 'map') {
        merged.push(...value.pairs.filter((p) => p.keyText !== '<<'));
      } else if (value.kind === 'seq') {
        const groups: YPair[][] = [];
        for (const item of value.items) {
          if (item.kind !== 'map') {
            fail('YAML_MERGE', 'A merge key (<<) needs a mapping or a list of mappings, but this list holds something else.', item.start);
          } else {
            groups.push(item.pairs.filter((p) => p.keyText !== '<<'));
          }
        }
        groups.reverse();
        for (const g of groups) merged.push(...g);
      } else {
        fail('YAML_MERGE', 'A merge key (<<) needs a mapping or a list of mappings.', keyStart);
      }
    }
    const own = map.pairs.filter((p) => !(p.keyText === '<<' && merges.some((m) => m.value === p.value)));
    map.pairs = [...merged, ...own];
    // Keys of the map itself override merged ones.
    const keys = new Set<string>();
    for (const p of map.pairs) {
      if (keys.has(p.keyText)) map.duplicateKeys = true;
      keys.add(p.keyText);
    }
  };

  try {
    for (const event of events) {
      switch (event.type) {
        case EVENT_ID.DOCUMENT:
          documents++;
          if (documents > 1) {
            fail(
              'YAML_MULTIPLE_DOCUMENTS',
              'A template is one YAML document, but this file holds more than one (a second "---" starts another).',
              findSecondDocument(source),
            );
          }
          break;
        case EVENT_ID.MAPPING:
        case EVENT_ID.SEQUENCE: {
          const tag = tagOf(event.tagStart, event.tagEnd);
          const isMapping = event.type === EVENT_ID.MAPPING;
          if (tag !== null && tag !== '!' && tag !== (isMapping ? 'tag:yaml.org,2002:map' : 'tag:yaml.org,2002:seq')) {
            const known = ['tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs', 'tag:yaml.org,2002:set'];
            if (!known.includes(tag)) {
              fail('YAML_UNKNOWN_TAG', `Heat cannot load the tag '${tag}' (could not determine a constructor for it).`, event.tagStart);
            }
          }
          const start = event.anchorStart >= 0 ? event.anchorStart - 1 : event.tagStart >= 0 ? event.tagStart : event.start;
          const node: YMap | YSeq = isMapping
            ? { kind: 'map', start, end: event.start + 1, pairs: [], flow: event.style === 2 }
            : { kind: 'seq', start, end: event.start + 1, items: [], flow: event.style === 2 };
          const anchor = anchorOf(event.anchorStart, event.anchorEnd);
          if (anchor !== null) {
            if (anchors.has(anchor)) {
              fail(
                'YAML_DUPLICATE_ANCHOR',
                `The anchor &${anchor} is defined twice; give each anchor its own name.`,
                event.anchorStart - 1,
              );
            }
            anchors.set(anchor, node);
            inProgress.add(node);
          }
          count(1, start);
          stack.push({ node, anchor, pendingKey: null, expanded: 1, mergeValues: [], keys: new Set() });
          break;
        }
        case EVENT_ID.POP: {
          const frame = stack.pop();
          if (!frame) break;
          const { node } = frame;
          const children: YNode[] = node.kind === 'map' ? node.pairs.map((p) => p.value) : node.items;
          const last = children[children.length - 1];
          const lastEnd = Math.max(
            node.kind === 'map' && node.pairs.length ? node.pairs[node.pairs.length - 1]!.value.end : 0,
            last?.end ?? node.start + 1,
          );
          node.end = node.flow ? flowEnd(node, Math.max(lastEnd, node.start + 1)) : Math.max(lastEnd, node.end);
          if (node.kind === 'map' && frame.mergeValues.length) applyMerges(node, frame.mergeValues);
          if (frame.anchor !== null) {
            inProgress.delete(node);
            expandedSize.set(node, frame.expanded);
          }
          attach(node, frame.expanded);
          break;
        }
        case EVENT_ID.SCALAR: {
          const parent = stack[stack.length - 1];
          const isKey = parent?.node.kind === 'map' && parent.pendingKey === null;
          const tag = tagOf(event.tagStart, event.tagEnd);
          const text = getScalarValue(source, event);
          const [start, end] = scalarRange(event);
          const resolved = resolveScalar(event, text, tag, isKey);
          if ('error' in resolved) {
            fail('YAML_CONSTRUCT', `Heat cannot load this value: ${resolved.error}.`, start);
          }
          const ok = resolved as Exclude<Resolved, { error: string }>;
          const node: YScalar = { kind: 'scalar', start, end, value: ok.value, type: ok.type, style: STYLES[event.style] ?? 'plain' };
          const anchor = anchorOf(event.anchorStart, event.anchorEnd);
          if (anchor !== null) {
            if (anchors.has(anchor)) {
              fail(
                'YAML_DUPLICATE_ANCHOR',
                `The anchor &${anchor} is defined twice; give each anchor its own name.`,
                event.anchorStart - 1,
              );
            }
            anchors.set(anchor, node);
            expandedSize.set(node, 1);
          }
          count(1, start);
          attach(node, 1);
          break;
        }
        case EVENT_ID.ALIAS: {
          const name = source.slice(event.anchorStart, event.anchorEnd);
          const target = anchors.get(name);
          if (!target) {
            fail(
              'YAML_UNDEFINED_ALIAS',
              `The alias *${name} refers to an anchor (&${name}) that is not defined before it.`,
              event.anchorStart - 1,
            );
          } else if (inProgress.has(target)) {
            fail(
              'YAML_RECURSIVE_ALIAS',
              `The alias *${name} is used inside the node it names, which makes an endless structure.`,
              event.anchorStart - 1,
            );
          } else {
            const size = expandedSize.get(target) ?? 1;
            count(size, event.anchorStart - 1);
            attach({ ...target, start: event.anchorStart - 1, end: event.anchorEnd, aliasOf: target.aliasOf ?? target }, size);
          }
          break;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    return { root: null, problems };
  }
  return { root, problems };
}

function findSecondDocument(source: string): number {
  const re = /^---/gm;
  let match: RegExpExecArray | null;
  let seen = 0;
  const firstContent = source.search(/^[^#\s%-]/m);
  while ((match = re.exec(source))) {
    if (match.index > firstContent && firstContent >= 0) return match.index;
    seen++;
    if (seen > 1) return match.index;
  }
  return Math.max(0, source.length - 1);
}
