// Importing files into the designer: a template with its environment and
// nested template is read with them (as Heat reads it), the environment and
// files have their own tabs beside the template, and a large import over an
// open design draws every edge on its nodes.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { fitCount, node, openExample, viewFitted } from './helpers.ts';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
// The shared corpus beside the repository, else the copy every clone has in test-data/.
const corpus = [join(repo, '../shared/corpus'), join(repo, 'test-data/heat-corpus')].find((c) => existsSync(join(c, 'index.json'))) ?? '';
const OSO = join(corpus, 'heat-templates/openshift-origin/centos65/highly-available/invalid');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

async function importFiles(page: Page, files: Array<{ name: string; text: string }>): Promise<void> {
  await page
    .getByTestId('import-input')
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'text/yaml', buffer: Buffer.from(f.text) })));
}

const file = (name: string) => ({ name, text: readFileSync(join(OSO, name), 'utf8') });

/** The model of an editor tab's text, as the editor shows it once the tab is picked. */
async function shownText(page: Page): Promise<string> {
  return page.evaluate(() =>
    (window as unknown as { hearthEditor: { getModel(): { getValue(): string } } }).hearthEditor.getModel().getValue(),
  );
}

test('a template imported with its environment and nested template is read with them; the environment is shown and edited beside it', async ({
  page,
}) => {
  await page.goto('/');
  const fits = await fitCount(page);
  await importFiles(page, [file('oso_ha.yaml'), file('oso_ha_env.yaml'), file('oso_node.yaml')]);
  await expect(node(page, 'node1_instance')).toBeVisible();
  // The import is laid out and its first view shown before anything on the canvas is clicked.
  await viewFitted(page, fits);
  // No "could not be found" anywhere: toolbar count, badges, problems.
  await expect(page.locator('[data-testid=node-errors]')).toHaveCount(0);
  await page.getByTitle('Problems').click();
  await expect(page.locator('.menu.problems')).not.toContainText('could not be found');
  await page.getByTitle('Problems').click();
  // The nested template expands into its resources. The node is brought into view first (found with
  // the search box): the first view shows where the workflow starts, and a click outside the canvas
  // would land on whatever is there (on a busy machine the view settles later than the nodes appear).
  await page.getByTestId('search').fill('node1_instance');
  await page.getByTestId('search').press('Enter');
  await expect(node(page, 'node1_instance')).toBeInViewport({ ratio: 0.9 });
  await node(page, 'node1_instance').getByTestId('group-toggle').click();
  await expect(node(page, 'node1_instance').getByTestId('group-members')).toContainText('OS::Nova::Server');

  // The environment and the nested file have their tabs.
  await expect(page.locator('[data-testid=editor-tab][data-doc="file:oso_node.yaml"]')).toBeVisible();
  await page.locator('[data-testid=editor-tab][data-doc=environment]').click();
  await expect.poll(() => shownText(page)).toContain('OpenShift::Node::Server: oso_node.yaml');

  // Editing the environment re-reads the template with it: without the mapping, Heat's error.
  await page.evaluate(() => {
    const model = (
      window as unknown as { hearthEditor: { getModel(): { getValue(): string; setValue(v: string): void } } }
    ).hearthEditor.getModel();
    model.setValue(model.getValue().replace('OpenShift::Node::Server: oso_node.yaml', 'Other::Type: oso_node.yaml'));
  });
  await page.getByTitle('Problems').click();
  await expect(page.locator('.menu.problems')).toContainText('The Resource Type (OpenShift::Node::Server) could not be found.');
  await page.getByTitle('Problems').click();
  // A wrong section in the environment is marked in its tab.
  await page.evaluate(() => {
    const model = (
      window as unknown as { hearthEditor: { getModel(): { getValue(): string; setValue(v: string): void } } }
    ).hearthEditor.getModel();
    model.setValue(`${model.getValue()}\nregistry: {}\n`);
  });
  await expect(page.locator('[data-testid=editor-tab][data-doc=environment] .tab-problems')).toHaveText('1');
  await page.getByTitle('Problems').click();
  await expect(page.locator('.menu.problems')).toContainText('wrong section "registry"');
  await page.getByTitle('Problems').click();

  // Back on the template tab, the editor shows the template again.
  await page.locator('[data-testid=editor-tab][data-doc=template]').click();
  await expect.poll(() => shownText(page)).toContain('heat_template_version');
});

/** Edges whose ends are not on their nodes (each end within a few pixels of its node's box). */
async function detachedEdges(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const box = (name: string) => document.querySelector(`.react-flow__node[data-id="${name}"]`)?.getBoundingClientRect();
    const near = (p: DOMPoint, r: DOMRect | undefined) =>
      !!r && p.x >= r.left - 12 && p.x <= r.right + 12 && p.y >= r.top - 12 && p.y <= r.bottom + 12;
    const out: string[] = [];
    for (const g of document.querySelectorAll<SVGGElement>('[data-testid=edge]')) {
      const path = g.querySelector<SVGPathElement>('path.react-flow__edge-path');
      const m = path?.getScreenCTM();
      if (!path || !m) continue;
      const a = path.getPointAtLength(0).matrixTransform(m);
      const b = path.getPointAtLength(path.getTotalLength()).matrixTransform(m);
      const s = box(g.dataset.source!);
      const t = box(g.dataset.target!);
      if (!((near(a, s) && near(b, t)) || (near(a, t) && near(b, s)))) out.push(`${g.dataset.source}>${g.dataset.target}`);
    }
    return out;
  });
}

test('a large template imported over an open design draws every edge on its nodes', async ({ page }) => {
  await openExample(page);
  const lines = ['heat_template_version: 2018-08-31', 'resources:'];
  for (let i = 0; i < 320; i++) {
    lines.push(`  r${i}:`, '    type: OS::Heat::None');
    if (i % 4) lines.push(`    depends_on: [r${i - 1}]`);
  }
  await importFiles(page, [{ name: 'large.yaml', text: `${lines.join('\n')}\n` }]);
  await expect(page.locator('[data-testid=node]')).toHaveCount(320, { timeout: 30_000 });
  await expect(page.locator('[data-testid=edge]')).toHaveCount(240);
  // Once the automatic layout is applied and fitted in view.
  await page.waitForFunction(
    () => !(window as unknown as { hearth: { design: { getState(): { needsLayout: boolean } } } }).hearth.design.getState().needsLayout,
  );
  await expect.poll(() => detachedEdges(page), { timeout: 15_000 }).toEqual([]);
});

test('SVG and PNG exports draw the design itself: every node, every edge path, labels as text', async ({ page }) => {
  await openExample(page);
  const edges = await page.evaluate(
    () =>
      (window as unknown as { hearth: { design: { getState(): { graph: { edges: unknown[] } } } } }).hearth.design.getState().graph.edges
        .length,
  );
  await expect(page.locator('[data-testid=edge]')).toHaveCount(edges);
  await page.getByTestId('export-menu').click();
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const svg = readFileSync((await svgDownload.path())!, 'utf8');
  expect(svgDownload.suggestedFilename()).toMatch(/\.svg$/);
  expect(svg).not.toContain('foreignObject');
  expect(svg.match(/<g class="node"/g)).toHaveLength(40);
  const edgePaths = svg.slice(svg.indexOf('<g class="edges">'), svg.indexOf('<g class="edge-labels">')).match(/<path d=/g);
  expect(edgePaths).toHaveLength(edges);
  expect(svg).toContain('>node1_prereq</text>');
  expect(svg.length).toBeLessThan(200_000);

  await page.getByTestId('export-menu').click();
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  const png = readFileSync((await pngDownload.path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  // Width and height from the IHDR chunk: the picture of the whole design, not of the viewport.
  expect(png.readUInt32BE(16)).toBeGreaterThan(1000);
  expect(png.readUInt32BE(20)).toBeGreaterThan(300);
  // Drawn, not blank: a white picture of that size would compress to a few kilobytes.
  expect(png.length).toBeGreaterThan(50_000);
});
