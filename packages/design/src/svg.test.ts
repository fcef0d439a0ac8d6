import { XMLValidator, XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '@hearth/template';
import { gridLayout } from './layout.ts';
import { designSvg, xmlText } from './svg.ts';
import { deriveGraph } from './view-model.ts';

const TEMPLATE = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
  "web<script>alert(1)</script>":
    type: OS::Nova::Server
    depends_on: net
    properties: {image: cirros, flavor: small, networks: [{port: {get_resource: port}}]}
`;

describe('designSvg', () => {
  it('draws every node and edge as SVG elements with texts, well-formed, with the template’s names escaped', () => {
    const graph = deriveGraph(analyzeTemplate(TEMPLATE));
    const positions = gridLayout(graph.resources.map((r) => r.name));
    const svg = designSvg(graph, positions, { statuses: { net: 'CREATE_COMPLETE' } });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('foreignObject');
    const doc = new XMLParser({ ignoreAttributes: false, isArray: () => true }).parse(svg) as {
      svg: Array<{ g: Array<{ '@_class': string; path?: unknown[]; g?: unknown[]; text?: unknown[] }> }>;
    };
    const groups = Object.fromEntries(doc.svg[0]!.g.map((g) => [g['@_class'], g]));
    expect(groups.edges!.path).toHaveLength(graph.edges.length);
    expect(groups.nodes!.g).toHaveLength(3);
    expect(groups['edge-labels']!.text).toHaveLength(graph.edges.filter((e) => e.label).length);
    expect(svg).toContain('>web&lt;script&gt;alert(1)&lt;/sc…</text>');
    expect(svg).toContain('>CREATE_COMPLETE</text>');
  });

  it('draws the labels of edges that run together apart, as the canvas does', () => {
    const graph = deriveGraph(
      analyzeTemplate(`heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  value:
    type: OS::Heat::Value
    properties: {value: [{get_resource: net}, {get_attr: [net, name]}, {get_attr: [net, mtu]}]}
`),
    );
    const svg = designSvg(graph, { net: { x: 0, y: 0 }, value: { x: 700, y: 0 } });
    const rects = [...svg.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="14" rx="2"/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      w: Number(m[3]),
    }));
    expect(rects).toHaveLength(3);
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const [a, b] = [rects[i]!, rects[j]!];
        expect(a.x < b.x + b.w && b.x < a.x + a.w && Math.abs(a.y - b.y) < 14, `${i} and ${j} overlap`).toBe(false);
      }
  });

  it('escapes markup and drops characters XML does not allow', () => {
    expect(xmlText(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
  });

  it('stays small at 1,000 resources (no page markup, a few hundred bytes per node and edge)', () => {
    const lines = ['heat_template_version: 2018-08-31', 'resources:'];
    for (let i = 0; i < 1000; i++) lines.push(`  r${i}: {type: OS::Heat::None${i ? `, depends_on: r${i - 1}` : ''}}`);
    const graph = deriveGraph(analyzeTemplate(lines.join('\n')));
    const svg = designSvg(graph, gridLayout(graph.resources.map((r) => r.name)));
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.length).toBeLessThan(1_000 * 1_000);
  });
});
