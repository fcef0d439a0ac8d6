// The benchmark cases: fixed inputs, median of repeated runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTemplate, applyEdit, TemplateDocument, type EditOperation } from '@hearth/template';
import { corpusEntries, corpusRoot } from '../../packages/template/src/test-support/corpus.ts';
import { ReaderCore } from '@hearth/design/reader';
import { syntheticTemplate } from './synthetic.ts';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2));
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!.toFixed(2));
}

function time(runs: number, work: (i: number) => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function runCase(name: string): Promise<Record<string, unknown>> {
  const [kind, size] = name.split(':');
  const n = Number(size);
  if (kind === 'cold') {
    const text = syntheticTemplate(n);
    time(n >= 5000 ? 5 : 15, () => analyzeTemplate(text)); // warm up the JIT
    const samples = time(n >= 5000 ? 11 : 31, () => analyzeTemplate(text));
    const a = analyzeTemplate(text);
    return {
      case: `parse + validate + graph, ${n} resources`,
      resources: a.resources.length,
      bytes: text.length,
      median_ms: median(samples),
      min_ms: Number(Math.min(...samples).toFixed(2)),
    };
  }
  if (kind === 'edit') {
    // Re-validate after changing one property of one resource, as typing does.
    const text = syntheticTemplate(n);
    const doc = new TemplateDocument();
    doc.update(text);
    const target = 'size: 10';
    const at = text.indexOf(target, Math.floor(text.length / 2));
    const samples = time(41, (i) => {
      doc.update(text.slice(0, at) + `size: ${11 + i}` + text.slice(at + target.length));
    });
    return {
      case: `re-validate after a one-resource edit, ${n} resources`,
      median_ms: median(samples.slice(5)),
      min_ms: Number(Math.min(...samples).toFixed(2)),
    };
  }
  if (kind === 'reader') {
    // The designer's reading of a keystroke (what its Web Worker does with each typed text): the
    // incremental analysis, the canvas's graph, and the message of what changed since the graph before.
    // The keystrokes rename a resource and back, as bench/web types.
    const text = syntheticTemplate(n).replace(/^resources:\n/m, 'resources:\n  zz_bench: {type: OS::Heat::None}\n');
    const renamed = text.replace('  zz_bench:', '  zz_bencha:');
    const core = new ReaderCore(() => performance.now());
    core.add({ kind: 'load', generation: 0, sources: { template: text, environment: '', files: {} }, settings: {} });
    core.take();
    const samples = time(160, (i) => {
      core.add({ kind: 'template', generation: i + 1, template: i % 2 === 0 ? renamed : text });
      core.take();
    });
    return {
      case: `the designer's reading of a keystroke, ${n} resources`,
      first_10_median_ms: median(samples.slice(0, 10)),
      // After the first 60 (code the JIT has optimised by then).
      median_ms: median(samples.slice(60)),
      p95_ms: p95(samples.slice(60)),
    };
  }
  if (kind === 'ops') {
    // Each edit operation on a template of n resources, given the current analysis
    // (as the designer keeps it): the time to produce the new text, then the time
    // to re-validate it incrementally.
    const text = syntheticTemplate(n);
    const doc = new TemplateDocument();
    const analysis = doc.update(text);
    const g = Math.floor(n / 10);
    const ops: EditOperation[] = [
      { op: 'addResource', type: 'OS::Nova::Server' },
      { op: 'removeResource', name: `volume_${g}` },
      { op: 'renameResource', from: `server_${g}`, to: 'renamed_server' },
      { op: 'setProperty', resource: `server_${g}`, path: ['flavor'], value: { get_param: 'image' } },
      { op: 'setProperty', resource: `server_${g}`, path: ['metadata'], value: { role: 'web', tier: 1 } },
      { op: 'removeProperty', resource: `port_${g}`, path: ['security_groups'] },
      { op: 'addDependency', resource: `volume_${g}`, requires: `net_${g}` },
      { op: 'removeDependency', resource: `deploy_${g}`, requires: `deploy_${g - 1}` },
      { op: 'addParameter', name: 'key_name', definition: { type: 'string' } },
      { op: 'renameParameter', from: 'image', to: 'server_image' },
      { op: 'removeParameter', name: 'flavor' },
      { op: 'addOutput', name: 'extra', value: { get_attr: [`server_${g}`, 'first_address'] } },
      { op: 'setDescription', description: 'changed' },
      { op: 'setMetadata', resource: `net_${g}`, metadata: { owner: 'me' } },
      { op: 'moveResource', name: `net_${g}`, before: 'net_0' },
    ];
    const results: Record<string, { edit_ms: number; edit_and_revalidate_ms: number }> = {};
    for (const op of ops) {
      const edit = time(15, () => applyEdit(analysis, op)).slice(3);
      const both = time(9, () => {
        doc.update(applyEdit(analysis, op).text);
        doc.update(text);
      }).slice(2);
      results[op.op + (op.op === 'setProperty' ? `:${(op.path as string[])[0]}` : '')] = {
        edit_ms: median(edit),
        // Half of a round trip (edited text, then the original again).
        edit_and_revalidate_ms: Number((median(both) / 2 + median(edit) / 2).toFixed(2)),
      };
    }
    return { case: `edit operations, ${n} resources`, ...results };
  }
  if (kind === 'corpus') {
    const root = corpusRoot();
    const entries = corpusEntries(root);
    const texts = entries.map((e) => ({ path: e.path, text: readFileSync(join(root, e.path), 'utf8') }));
    const runs: number[] = [];
    let perTemplate: number[] = [];
    for (let r = 0; r < 5; r++) {
      perTemplate = [];
      const started = performance.now();
      for (const t of texts) {
        const s = performance.now();
        analyzeTemplate(t.text, { filename: t.path });
        perTemplate.push(performance.now() - s);
      }
      runs.push(performance.now() - started);
    }
    return {
      case: `whole corpus (${texts.length} templates, no nested files)`,
      median_total_ms: median(runs),
      median_per_template_ms: median(perTemplate),
      max_per_template_ms: Number(Math.max(...perTemplate).toFixed(2)),
    };
  }
  throw new Error(`unknown case ${name}`);
}
