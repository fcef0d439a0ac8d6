// Parses a template block by block (see blocks.ts) and keeps each block's
// tree, so that after an edit only the blocks whose text changed are parsed
// again; the others are reused, their offsets moved to where they now are.
import type { YamlProblem } from './compose.ts';
import { splitTemplate, type TextBlock } from './blocks.ts';
import type { YMap, YNode, YPair } from './nodes.ts';
import { parseYamlText, type YamlParseResult } from './parse.ts';

interface CachedBlock {
  root: YMap;
  problems: YamlProblem[];
  base: number;
}

export interface IncrementalParseResult extends YamlParseResult {
  /** Blocks parsed this time (the others came from the cache). */
  parsedBlocks: number;
  reusedBlocks: number;
  /** The text could not be split, or a block did not parse alone: parsed whole. */
  whole: boolean;
}

/**
 * Moves a block's nodes by `delta`. Each node is met once: a block never holds an alias (the node its
 * anchor names, met again), since a text with anchors or aliases is parsed whole (`splitTemplate`).
 */
function shiftTree(node: YNode, delta: number): void {
  node.start += delta;
  node.end += delta;
  if (node.kind === 'map') {
    for (const pair of node.pairs) {
      shiftTree(pair.key, delta);
      shiftTree(pair.value, delta);
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) shiftTree(item, delta);
  }
}

export class IncrementalYamlParser {
  private cache = new Map<string, CachedBlock>();

  parse(text: string): IncrementalParseResult {
    const split = splitTemplate(text);
    if (!split || split.sections.length + split.resources.length === 0) return this.whole(text);
    const next = new Map<string, CachedBlock>();
    const used = new Set<CachedBlock>();
    let parsedBlocks = 0;
    let reusedBlocks = 0;
    const block = (b: TextBlock): CachedBlock | null => {
      let cached = this.cache.get(b.text);
      if (cached && !used.has(cached)) {
        const delta = b.start - cached.base;
        if (delta !== 0) {
          shiftTree(cached.root, delta);
          for (const p of cached.problems) p.offset += delta;
          cached.base = b.start;
        }
        reusedBlocks++;
      } else {
        const result = parseYamlText(b.text);
        if (result.problems.some((p) => p.severity === 'error') || result.root?.kind !== 'map' || result.format !== 'yaml') return null;
        shiftTree(result.root, b.start);
        for (const p of result.problems) p.offset += b.start;
        cached = { root: result.root, problems: result.problems, base: b.start };
        parsedBlocks++;
      }
      used.add(cached);
      next.set(b.text, cached);
      return cached;
    };

    const problems: YamlProblem[] = [];
    const rootPairs: YPair[] = [];
    const topKeys = new Set<string>();
    let duplicateTop = false;
    const addTop = (pair: YPair) => {
      if (topKeys.has(pair.keyText)) {
        duplicateTop = true;
        problems.push(duplicateKey(pair));
      }
      topKeys.add(pair.keyText);
      rootPairs.push(pair);
    };
    const ordered = [...split.sections, ...(split.resourcesHeader ? [split.resourcesHeader] : [])].sort((a, b) => a.start - b.start);
    for (const section of ordered) {
      if (section === split.resourcesHeader) {
        const header = block(section);
        if (!header || header.root.pairs.length !== 1) return this.whole(text);
        problems.push(...header.problems);
        const pairs: YPair[] = [];
        const names = new Set<string>();
        let duplicates = false;
        for (const r of split.resources) {
          const c = block(r);
          if (!c || c.root.pairs.length !== 1) return this.whole(text);
          problems.push(...c.problems);
          const pair = c.root.pairs[0]!;
          if (names.has(pair.keyText)) {
            duplicates = true;
            problems.push(duplicateKey(pair));
          }
          names.add(pair.keyText);
          pairs.push(pair);
        }
        const first = split.resources[0];
        const last = split.resources[split.resources.length - 1];
        const value: YMap = {
          kind: 'map',
          start: first ? first.start : section.end,
          end: last ? last.end : section.end,
          pairs,
          flow: false,
        };
        if (duplicates) value.duplicateKeys = true;
        addTop({ key: header.root.pairs[0]!.key, value, keyText: 'resources' });
        continue;
      }
      const c = block(section);
      if (!c) return this.whole(text);
      problems.push(...c.problems);
      for (const pair of c.root.pairs) addTop(pair);
    }
    this.cache = next;
    const root: YMap = { kind: 'map', start: ordered[0]?.start ?? 0, end: text.length, pairs: rootPairs, flow: false };
    if (duplicateTop) root.duplicateKeys = true;
    return { root, format: 'yaml', problems, parsedBlocks, reusedBlocks, whole: false };
  }

  private whole(text: string): IncrementalParseResult {
    this.cache = new Map();
    return { ...parseYamlText(text), parsedBlocks: 1, reusedBlocks: 0, whole: true };
  }
}

function duplicateKey(pair: YPair): YamlProblem {
  return {
    code: 'YAML_DUPLICATE_KEY',
    message: `The key "${pair.keyText}" appears twice in this mapping; Heat keeps only the last value. Remove or rename one of them.`,
    offset: pair.key.start,
    severity: 'warning',
  };
}
