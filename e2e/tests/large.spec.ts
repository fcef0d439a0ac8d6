// A large design (past the count at which the canvas draws only what is in
// view): the page holds the nodes in view, not all of them; the search box
// brings any resource into view, drawn with its edges; typing renames it on
// the canvas.
import { expect, test } from '@playwright/test';
import { edge, editorText, fitCount, newDesign, node, placeNodes, resourcesRead, viewFitted } from './helpers.ts';

const COUNT = 450;
// Ten chains of 45: each resource depends on the one before it in its chain.
const TEMPLATE = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: COUNT }, (_, i) =>
  i % 45 === 0 ? `  r${i}: {type: OS::Heat::None}\n` : `  r${i}: {type: OS::Heat::None, depends_on: r${i - 1}}\n`,
).join('')}`;

test('a large design draws only what is in view; search brings a resource into view with its edges; typing renames it', async ({
  page,
}) => {
  await newDesign(page, TEMPLATE);
  await resourcesRead(page, COUNT);
  // Laid out and shown from where the workflow starts: the chains' first resources are in view.
  const fits = await fitCount(page);
  // The most nodes the page holds at once while the new layout is fitted in view.
  await page.evaluate(() => {
    const w = window as unknown as { mostNodes: number };
    w.mostNodes = 0;
    new MutationObserver(() => {
      w.mostNodes = Math.max(w.mostNodes, document.querySelectorAll('[data-testid=node]').length);
    }).observe(document.querySelector('[data-testid=canvas]')!, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await viewFitted(page, fits);
  await expect(node(page, 'r0')).toBeInViewport();
  // Too big to read fitted whole, it was never drawn whole on its way to its readable first view.
  expect(await page.evaluate(() => (window as unknown as { mostNodes: number }).mostNodes)).toBeLessThan(COUNT / 2);
  // Some nodes are in the page, not all of them.
  await expect.poll(() => page.locator('[data-testid=node]').count()).toBeGreaterThan(0);
  await expect.poll(() => page.locator('[data-testid=node]').count()).toBeLessThan(COUNT);

  await page.getByTestId('search').fill('r300');
  await page.getByTestId('search').press('Enter');
  await expect(node(page, 'r300')).toBeInViewport({ ratio: 0.9 });
  await expect(edge(page, 'r300', 'r299')).toHaveCount(1);
  await expect(edge(page, 'r301', 'r300')).toHaveCount(1);
  // Nodes of a known size come with their handles, so that React Flow need not draw all of them to
  // measure them: the handles given are where the page draws them (edges to nodes out of view use them).
  const handles = await page.evaluate(() => {
    type Handle = { type: string; x: number; y: number; width: number; height: number };
    const given = (window as unknown as { hearth: { fixedNodeHandles: Handle[] } }).hearth.fixedNodeHandles;
    const zoom = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a;
    const node = document.querySelector('.react-flow__node[data-id="r300"]')!.getBoundingClientRect();
    const drawn = (type: string) => {
      const box = document.querySelector(`.react-flow__node[data-id="r300"] .react-flow__handle.${type}`)!.getBoundingClientRect();
      return { type, x: (box.left - node.left) / zoom, y: (box.top - node.top) / zoom, width: box.width / zoom, height: box.height / zoom };
    };
    return { given, drawn: given.map((h) => drawn(h.type)) };
  });
  handles.given.forEach((h, i) => {
    const d = handles.drawn[i]!;
    for (const key of ['x', 'y', 'width', 'height'] as const)
      expect(Math.abs(h[key] - d[key]), `${h.type} handle ${key}`).toBeLessThan(0.5);
  });

  // The text's r300 is renamed (as typing would): the node in view follows, its edges with it.
  await page.evaluate(() => {
    const model = (
      window as unknown as { hearthEditor: { getModel(): { getValue(): string; setValue(v: string): void } } }
    ).hearthEditor.getModel();
    model.setValue(model.getValue().replace('  r300: {type', '  r300x: {type').replace('depends_on: r300}', 'depends_on: r300x}'));
  });
  await expect(node(page, 'r300x')).toBeInViewport({ ratio: 0.9 });
  await expect(edge(page, 'r300x', 'r299')).toHaveCount(1);
  await expect(node(page, 'r300')).toHaveCount(0);
  // The text was read in the design's worker.
  expect(page.workers().map((w) => new URL(w.url()).pathname)).toContainEqual(expect.stringMatching(/design\.worker/));
});

test('a route bent around a column is drawn while only its bend is in view, though React Flow draws its edge only with a node in view', async ({
  page,
}) => {
  // c depends on a across a column of 30 b's with no gap (it goes around the column's short end, far above
  // the row), and 400 more resources out of the way: a large design, drawn only where in view.
  const column = Array.from({ length: 30 }, (_, i) => `b${i}`);
  const others = Array.from({ length: 400 }, (_, i) => `f${i}`);
  await newDesign(
    page,
    `heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  c: {type: OS::Heat::None, depends_on: a}\n${[
      ...column,
      ...others,
    ]
      .map((name) => `  ${name}: {type: OS::Heat::None}\n`)
      .join('')}`,
  );
  await resourcesRead(page, 432);
  const positions: Record<string, { x: number; y: number }> = { a: { x: 0, y: 0 }, c: { x: 800, y: 0 } };
  column.forEach((name, i) => (positions[name] = { x: 400, y: -640 + 64 * i }));
  others.forEach((name, i) => (positions[name] = { x: 4000 + (i % 20) * 300, y: Math.floor(i / 20) * 100 }));
  await placeNodes(page, positions);
  // The column's top in view: the route's bend above it is, a and c are not.
  await page.getByTestId('search').fill('b0');
  await page.getByTestId('search').press('Enter');
  await expect(node(page, 'b0')).toBeInViewport({ ratio: 0.9 });
  await expect(node(page, 'a')).toHaveCount(0);
  await expect(node(page, 'c')).toHaveCount(0);
  await expect(edge(page, 'c', 'a')).toHaveCount(0);
  const bend = page.locator('[data-testid=offscreen-route][data-source=c][data-target=a]');
  await expect(bend).toHaveCount(1);
  await expect(bend.locator('path.react-flow__edge-path')).toBeInViewport();
  // It takes a click on its stroke (its middle, the top of the bend), which selects it: Delete removes it.
  const middle = await bend.locator('path.react-flow__edge-path').evaluate((path: SVGPathElement) => {
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const screen = new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM()!);
    return { x: screen.x, y: screen.y };
  });
  await page.mouse.click(middle.x, middle.y);
  // Delete acts on what is selected: wait until the click's selection is drawn.
  await expect(bend).toHaveAttribute('data-selected', 'true');
  await page.keyboard.press('Delete');
  await expect(bend).toHaveCount(0);
  await expect.poll(() => editorText(page)).toContain('  c: {type: OS::Heat::None}\n');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(bend).toHaveCount(1);
  // With a in view, React Flow draws the edge, and the canvas no longer does.
  await page.getByTestId('search').fill('a');
  await page.getByTestId('search').press('Enter');
  await expect(node(page, 'a')).toBeInViewport({ ratio: 0.9 });
  await expect(edge(page, 'c', 'a')).toHaveCount(1);
  await expect(bend).toHaveCount(0);
});

test('the overview map draws every node, and a drag on it moves the view the same way', async ({ page }) => {
  await newDesign(page, TEMPLATE);
  await resourcesRead(page, COUNT);
  const positions: Record<string, { x: number; y: number }> = {};
  for (let i = 0; i < COUNT; i++) positions[`r${i}`] = { x: (i % 30) * 300, y: Math.floor(i / 30) * 100 };
  await placeNodes(page, positions);
  // One rectangle for each node, though the canvas has only those in view in the page.
  const map = page.getByTestId('overview-map');
  const rectangles = () =>
    map.locator('path.react-flow__minimap-node').evaluate((path) => (path.getAttribute('d') ?? '').split('M').length - 1);
  await expect.poll(rectangles).toBe(COUNT);
  // The view's window on the map, dragged right: the view moves right (the flow moves left under it).
  const translateX = () =>
    page.locator('.react-flow__viewport').evaluate((e) => Number(/translate\(([-\d.]+)px/.exec((e as HTMLElement).style.transform)?.[1]));
  const before = await translateX();
  const window = (await map.locator('.overview-view').boundingBox())!;
  await page.mouse.move(window.x + window.width / 2, window.y + window.height / 2);
  await page.mouse.down();
  await page.mouse.move(window.x + window.width / 2 + 40, window.y + window.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(translateX).toBeLessThan(before);
  await expect.poll(async () => (await map.locator('.overview-view').boundingBox())!.x).toBeGreaterThan(window.x + 20);
});
