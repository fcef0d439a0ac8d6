// Updating a document after an edit gives exactly what reading the new text
// from scratch gives: the caches never show through.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusEntries, corpusRoot } from '../test-support/corpus.ts';
import { validationReport } from '../report.ts';
import type { Analysis } from './analyze.ts';
import { analyzeTemplate } from './analyze.ts';
import { TemplateDocument } from './document.ts';

function summary(a: Analysis) {
  return { report: validationReport(a), diagnostics: a.diagnostics };
}

/** Edits a user makes while typing: in a value, a new line, a deleted line, a renamed key. */
function edits(text: string, seed: number): string[] {
  const lines = text.split('\n');
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % Math.max(1, n);
  };
  const out: string[] = [];
  for (let i = 0; i < 6; i++) {
    const copy = [...lines];
    const at = rand(copy.length);
    switch (i % 6) {
      case 0:
        copy[at] = `${copy[at]}x`;
        break;
      case 1:
        copy.splice(at, 0, '    # a new comment');
        break;
      case 2:
        copy.splice(at, 1);
        break;
      case 3:
        copy[at] = copy[at]!.replace(/([a-z_]+):/, '$1_renamed:');
        break;
      case 4:
        copy.splice(at, 0, '  extra_resource:', '    type: OS::Heat::None');
        break;
      default:
        copy[at] = copy[at]!.replace(/\d/, '7');
    }
    out.push(copy.join('\n'));
  }
  return out;
}

describe('incremental analysis', () => {
  const root = corpusRoot();
  const entries = corpusEntries(root).filter((_, i) => i % 4 === 0);

  it.each(entries.map((e) => [e.path] as const))('matches a fresh analysis after edits: %s', (path) => {
    const text = readFileSync(join(root, path), 'utf8');
    const doc = new TemplateDocument({ filename: path });
    expect(summary(doc.update(text))).toEqual(summary(analyzeTemplate(text, { filename: path })));
    for (const edited of edits(text, path.length)) {
      const incremental = doc.update(edited);
      const fresh = analyzeTemplate(edited, { filename: path });
      expect(summary(incremental)).toEqual(summary(fresh));
    }
    // And back to the original.
    expect(summary(doc.update(text))).toEqual(summary(analyzeTemplate(text, { filename: path })));
  });
});

describe('incremental analysis after renames', () => {
  it('re-checks exactly what refers to a renamed, added or removed resource', () => {
    const base = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
  server:
    type: OS::Nova::Server
    depends_on: subnet
    properties: {image: x, flavor: y, name: {get_attr: [net, name]}}
  other: {type: OS::Heat::None}
outputs:
  id: {value: {get_resource: net}}
`;
    const steps = [
      base,
      base.replace('  net: {type', '  network: {type'),
      base.replace('  net: {type', '  network: {type').replace(/get_resource: net}/g, 'get_resource: network}'),
      base
        .replace('  net: {type', '  network: {type')
        .replace(/get_resource: net}/g, 'get_resource: network}')
        .replace('[net, name]', '[network, name]'),
      base.replace('  net: {type: OS::Neutron::Net}', '  net: {type: OS::Heat::None}'),
      base
        .replace('  other: {type: OS::Heat::None}', '  other: {type: OS::Heat::None}\n  nett: {type: OS::Heat::None}')
        .replace('  net: {type', '  net2: {type'),
      base.replace('depends_on: subnet', 'depends_on: subnet2'),
      base.replace('  subnet:\n', '  subnet2:\n').replace('depends_on: subnet', 'depends_on: subnet2'),
      base,
    ];
    const doc = new TemplateDocument();
    for (const text of steps) expect(summary(doc.update(text))).toEqual(summary(analyzeTemplate(text)));
  });
});

describe('incremental analysis of implicit dependencies', () => {
  it('reads again the properties a rule read when what they refer to is enabled or disabled', () => {
    const base = `heat_template_version: 2018-08-31
conditions:
  off: false
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}
  server: {type: OS::Nova::Server, properties: {image: i, flavor: f, networks: [{network: {get_resource: net}}]}}
`;
    const graph = (a: Analysis) => ({ implicit: [...a.implicit], waves: a.createOrder, diagnostics: a.diagnostics });
    const doc = new TemplateDocument();
    // The server waits for the subnet on its network (Heat's rule) until the network is disabled, and again after.
    for (const text of [base, base.replace('net: {type: OS::Neutron::Net}', 'net: {type: OS::Neutron::Net, condition: off}'), base])
      expect(graph(doc.update(text))).toEqual(graph(analyzeTemplate(text)));
  });

  it('keeps a resource’s implicit dependencies as the same list while they stay the same, and makes a new one when they change', () => {
    const base = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}}
  server: {type: OS::Nova::Server, properties: {image: i, flavor: f, networks: [{network: {get_resource: net}}]}}
`;
    const doc = new TemplateDocument();
    const first = doc.update(base).implicit.get('server');
    expect(first).toEqual(['subnet']);
    // Another resource typed into: the server's list is the one given before (readers compare it by identity).
    const typed = doc.update(base.replace('cidr: 10.0.0.0/24', 'cidr: 10.0.1.0/24')).implicit.get('server');
    expect(typed).toBe(first);
    // The server itself typed into: read again, with the same dependencies.
    expect(doc.update(base.replace('image: i', 'image: i2')).implicit.get('server')).toEqual(['subnet']);
    // A second subnet on the network: a new list.
    const more = doc
      .update(`${base}  subnet2: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.0.2.0/24}}\n`)
      .implicit.get('server');
    expect(more).toEqual(['subnet', 'subnet2']);
    expect(more).not.toBe(first);
  });
});
