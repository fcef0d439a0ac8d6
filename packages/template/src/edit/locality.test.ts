// Property-style checks of the edit operations over every template of the
// corpus: printing without an edit gives the same bytes; each operation
// changes only the lines it must (an independent line diff says which
// changed); every comment survives (an independent YAML lexer finds them);
// the result parses and validates no worse than before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { Lexer } from 'yaml';
import { corpusEntries, corpusRoot } from '../test-support/corpus.ts';
import type { Analysis } from '../hot/analyze.ts';
import { analyzeTemplate } from '../hot/analyze.ts';
import { nodeToValue } from '../hot/values.ts';
import { LineIndex } from '../yaml/lines.ts';
import type { YMap } from '../yaml/nodes.ts';
import { effectivePairs, get } from '../yaml/nodes.ts';
import { applyEdit, type EditOperation, type EditResult } from './operations.ts';
import { resourceNameUses } from './references.ts';
import { applySplices, contentEnd } from './text.ts';

const root = corpusRoot();
const templates = corpusEntries(root).map((e) => ({ path: e.path, text: readFileSync(join(root, e.path), 'utf8') }));

/**
 * YAML that trips text edits: anchors and aliases (a resource ending with
 * one), merge keys, flow style, block scalars, comments everywhere. With the
 * SQL Server example (three resources end with an alias), every resource of
 * these is edited, not only the first and the last.
 */
const HARD_YAML = `heat_template_version: 2018-08-31  # version
description: >
  Folded text
  over lines
resources:
  # first
  base:
    type: OS::Heat::Value   # a comment
    properties:
      value: &shared   # the anchor
        a: 1
        b: [x, y]
  merged:
    type: OS::Heat::Value
    properties:
      value:
        <<: *shared
        c: 3
  flow: {type: OS::Heat::Value, properties: {value: *shared}}
  script:
    type: OS::Heat::SoftwareConfig
    properties:
      config: |
        #!/bin/sh
        echo "not: a key"   # not a comment
      inputs: [{name: one}, {name: two}]
  last:
    type: OS::Heat::Value
    depends_on: [base]
    properties:
      value: *shared
outputs:
  out: {value: {get_attr: [last, value]}}
`;
const hardTemplates = [
  {
    path: 'examples/sql-server-cluster.yaml',
    text: readFileSync(join(import.meta.dirname, '../../../../examples/sql-server-cluster.yaml'), 'utf8'),
  },
  { path: 'hard-yaml', text: HARD_YAML },
];

function comments(text: string): string[] {
  return [...new Lexer().lex(text)].filter((t) => t.startsWith('#')).map((t) => t.trim());
}

/** Old line numbers (1-based) the diff says were removed or replaced, and the lines added. */
function changedLines(before: string, after: string): { removed: Set<number>; added: string[] } {
  const removed = new Set<number>();
  const added: string[] = [];
  let line = 1;
  for (const part of diffLines(before, after)) {
    const n = part.count ?? 0;
    if (part.removed) for (let i = 0; i < n; i++) removed.add(line + i);
    if (part.added) added.push(...part.value.split('\n').filter((_, i, a) => i < a.length - 1 || a[i] !== ''));
    if (!part.added) line += n;
  }
  return { removed, added };
}

function linesOf(lines: LineIndex, start: number, end: number): Set<number> {
  const out = new Set<number>();
  for (let l = lines.position(start).line; l <= lines.position(end).line; l++) out.add(l);
  return out;
}

function errorCount(a: Analysis): number {
  return a.diagnostics.filter((d) => d.severity === 'error').length;
}

interface Check {
  op: EditOperation;
  /** Old lines the operation may change. */
  allowed: Set<number>;
  /** Comments on these lines may go (the operation removes them). */
  removable?: Set<number>;
  /** The result's lines, sorted, must equal the original's (a move). */
  permutation?: boolean;
}

function checksFor(a: Analysis, name: string): Check[] {
  const text = a.text;
  const lines = a.lines;
  const resources = get(a.root as YMap, 'resources') as YMap;
  const pair = effectivePairs(resources).find((p) => p.keyText === name)!;
  const def = pair.value as YMap;
  const block = linesOf(lines, pair.key.start, contentEnd(text, def));
  // Inserted lines come after the block: its last line may gain a newline.
  const around = new Set([...block, Math.max(...block) + 1]);
  const checks: Check[] = [];
  if (!get(def, 'metadata')) checks.push({ op: { op: 'setMetadata', resource: name, metadata: { hearth_test: 'x' } }, allowed: around });
  const props = get(def, 'properties');
  if (props?.kind === 'map' && props.pairs.length) {
    const first = effectivePairs(props)[0]!;
    const span = linesOf(lines, first.key.start, contentEnd(text, first.value));
    checks.push({
      op: { op: 'setProperty', resource: name, path: [first.keyText], value: nodeToValue(first.value) },
      allowed: span,
      removable: span,
    });
    const last = effectivePairs(props).at(-1)!;
    const lastSpan = linesOf(lines, last.key.start, contentEnd(text, last.value));
    checks.push({ op: { op: 'removeProperty', resource: name, path: [last.keyText] }, allowed: lastSpan, removable: lastSpan });
  }
  const uses = resourceNameUses(a.root as YMap, name);
  const useLines = new Set([lines.position(pair.key.start).line, ...uses.map((u) => lines.position(u.node.start).line)]);
  checks.push({ op: { op: 'renameResource', from: name, to: `${name}_renamed` }, allowed: useLines });
  const other = a.resources.find((r) => r.enabled && r.name !== name && !dependsTransitively(a, r.name, name));
  if (other) checks.push({ op: { op: 'addDependency', resource: name, requires: other.name }, allowed: around });
  const dependsLines = new Set<number>();
  for (const p of effectivePairs(resources)) {
    const d = p.value.kind === 'map' ? get(p.value, 'depends_on') : undefined;
    if (d) for (const l of linesOf(lines, d.start, contentEnd(text, d))) dependsLines.add(l);
    // The key line of a depends_on goes too when it is removed.
    if (d && p.value.kind === 'map') {
      const dp = p.value.pairs.find((x) => x.keyText === 'depends_on');
      if (dp) dependsLines.add(lines.position(dp.key.start).line);
    }
  }
  checks.push({
    op: { op: 'removeResource', name },
    allowed: new Set([...block, ...dependsLines]),
    removable: new Set([...block, ...dependsLines]),
  });
  const firstName = effectivePairs(resources)[0]!.keyText;
  if (firstName !== name) checks.push({ op: { op: 'moveResource', name, before: firstName }, allowed: new Set(), permutation: true });
  return checks;
}

function dependsTransitively(a: Analysis, from: string, to: string): boolean {
  const requires = new Map(a.resources.map((r) => [r.name, [...r.requires, ...(a.implicit.get(r.name) ?? [])]]));
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(requires.get(n) ?? []));
  }
  return false;
}

describe('edit operations over the corpus', () => {
  it('prints every template back byte for byte when nothing is edited', () => {
    for (const t of templates) expect(applySplices(t.text, []).text).toBe(t.text);
  });

  it.each(templates.map((t) => [t.path, t] as const))('%s', (_path, t) => {
    const a = analyzeTemplate(t.text);
    const names = editableResources(a);
    for (const name of new Set([names[0], names.at(-1)]))
      if (name !== undefined) for (const check of checksFor(a, name)) checkEdit(a, check);
  });

  it.each(hardTemplates.map((t) => [t.path, t] as const))('every resource of %s', (_path, t) => {
    const a = analyzeTemplate(t.text);
    expect(a.parsed).toBe(true);
    const names = editableResources(a);
    expect(names.length).toBeGreaterThan(3);
    for (const name of names) for (const check of checksFor(a, name)) checkEdit(a, check);
  });

  it('random sequences of edits: each result parses, and each edit changes only its own lines', () => {
    // A fixed seed: the same sequences every run (a failure names its step).
    let seed = 20261202;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pool = [...hardTemplates, ...templates.filter((_, i) => i % 7 === 0)];
    for (let run = 0; run < 40; run++) {
      let a = analyzeTemplate(pool[random(pool.length)]!.text);
      for (let step = 0; step < 6; step++) {
        const names = editableResources(a);
        if (!names.length) break;
        const checks = checksFor(a, names[random(names.length)]!);
        const result = checkEdit(a, checks[random(checks.length)]!);
        if (result) a = analyzeTemplate(result.text);
      }
    }
  });
});

/** Block-style resources the analysis knows: the ones the checks edit. */
function editableResources(a: Analysis): string[] {
  if (!a.parsed) return [];
  const resources = get(a.root as YMap, 'resources');
  if (resources?.kind !== 'map' || resources.flow || resources.pairs.length === 0) return [];
  return effectivePairs(resources)
    .filter((p) => p.value.kind === 'map' && !p.value.flow && a.resources.some((r) => r.name === p.keyText))
    .map((p) => p.keyText);
}

/** Applies one check's edit and asserts what every edit keeps; the result, or null when the edit was refused. */
function checkEdit(a: Analysis, check: Check): EditResult | null {
  const text = a.text;
  const before = comments(text);
  const label = `${JSON.stringify(check.op)}`;
  let result: EditResult;
  try {
    result = applyEdit(a, check.op);
  } catch (error) {
    // Refusing is fine when the edit would break an alias: the text stays as it was.
    if ((error as { code?: string }).code === 'EDIT_ANCHOR') return null;
    throw new Error(`${label}: ${(error as Error).message}`);
  }
  const after = analyzeTemplate(result.text);
  expect(after.parsed, `${label} parses`).toBe(true);
  expect(errorCount(after), `${label} validates no worse`).toBeLessThanOrEqual(errorCount(a) + result.notes.length);
  if (check.permutation) {
    expect([...result.text.split('\n')].sort(), label).toEqual([...text.split('\n')].sort());
    expect(comments(result.text).sort(), label).toEqual([...before].sort());
    return result;
  }
  const { removed } = changedLines(text, result.text);
  // A line diff may pair identical lines (blank ones, say) either way: those are not outside.
  const oldLines = text.split('\n');
  const allowedText = new Set([...check.allowed].map((l) => oldLines[l - 1]));
  const outside = [...removed].filter((l) => !check.allowed.has(l) && !allowedText.has(oldLines[l - 1]));
  expect(outside, `${label} changed lines outside its place`).toEqual([]);
  const left = comments(result.text);
  const lost = before.filter((c) => !left.includes(c));
  if (lost.length) {
    const removable = check.removable ?? new Set<number>();
    const unexpected = lost.filter((c) => !oldLines.some((line, i) => line.includes(c) && removable.has(i + 1)));
    expect(unexpected, `${label} lost comments`).toEqual([]);
  }
  return result;
}
