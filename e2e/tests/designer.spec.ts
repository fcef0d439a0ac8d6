// The designer: canvas and YAML editor, in sync both ways.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  dragDownRight,
  edge,
  edgeSegments,
  editorText,
  fitCount,
  newDesign,
  node,
  nodePosition,
  placeNodes,
  screenshot,
  setEditorText,
  typeAtEnd,
  viewFitted,
} from './helpers.ts';

const BASE = `heat_template_version: 2018-08-31
# The network everything sits on
resources:
  net:
    type: OS::Neutron::Net # keep this comment
  subnet:
    type: OS::Neutron::Subnet
    properties:
      network: {get_resource: net}
      cidr: 10.0.0.0/24
`;

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('dragging a type from the palette adds the resource, with its required properties, to the YAML', async ({ page }) => {
  await newDesign(page, BASE);
  await expect(node(page, 'subnet')).toBeVisible();
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  await page
    .getByTestId('palette-item')
    .and(page.locator('[data-type="OS::Nova::Server"]'))
    .dragTo(canvas, { targetPosition: { x: box.width * 0.5, y: box.height * 0.8 } });
  await expect(node(page, 'server')).toBeVisible();
  const text = await editorText(page);
  expect(text).toContain('  server:\n    type: OS::Nova::Server\n    properties:\n      flavor:');
  expect(text).toContain('# keep this comment');
  await screenshot(page, 'palette-drop');
});

test('typing a resource in the YAML adds a node; drawing an edge writes depends_on; a cycle is refused', async ({ page }) => {
  await newDesign(page, BASE);
  await typeAtEnd(page, '  vol: {type: OS::Cinder::Volume, properties: {size: 1}}');
  await expect(node(page, 'vol')).toBeVisible();
  await expect(edge(page, 'subnet', 'net', 'get_resource')).toHaveCount(1);

  // Drag from vol's dependency handle (left) to net's (right): vol depends_on net.
  const fits = await fitCount(page);
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await viewFitted(page, fits);
  const from = node(page, 'vol').locator('.react-flow__handle-left');
  const to = node(page, 'net').locator('.react-flow__handle-right');
  await from.hover();
  await page.mouse.down();
  const target = (await to.boundingBox())!;
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(edge(page, 'vol', 'net')).toHaveCount(1);
  expect(await editorText(page)).toContain('  vol: {type: OS::Cinder::Volume, properties: {size: 1}, depends_on: net}');

  // net -> vol would close a cycle: refused, naming it.
  const netFrom = node(page, 'net').locator('.react-flow__handle-left');
  const volTo = node(page, 'vol').locator('.react-flow__handle-right');
  await netFrom.hover();
  await page.mouse.down();
  const t2 = (await volTo.boundingBox())!;
  await page.mouse.move(t2.x + t2.width / 2, t2.y + t2.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('notice')).toContainText(/cycle/i);
  await expect(page.getByTestId('notice')).toContainText('net');
  await expect(edge(page, 'net', 'vol')).toHaveCount(0);

  // Deleting the edge removes the depends_on.
  await edge(page, 'vol', 'net').locator('path').first().click({ force: true });
  await page.keyboard.press('Delete');
  await expect(edge(page, 'vol', 'net')).toHaveCount(0);
  expect(await editorText(page)).toContain('  vol: {type: OS::Cinder::Volume, properties: {size: 1}}');
});

test('the YAML editor completes property names from the types’ schema (monaco-yaml in its worker)', async ({ page }) => {
  await newDesign(page, `${BASE}  server:\n    type: OS::Nova::Server\n    properties:\n      `);
  await expect(node(page, 'server')).toBeVisible();
  await page.locator('[data-testid="yaml-editor"] .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('fla');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('[data-testid="yaml-editor"] .suggest-widget')).toContainText('flavor');
});

test('comments survive ten canvas edits', async ({ page }) => {
  const text = `heat_template_version: 2018-08-31
# top comment
parameters:
  image: {type: string, default: cirros} # image comment
resources:
  # before net
  net:
    type: OS::Neutron::Net # type comment
    properties:
      name: private # name comment
  # between
  port:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net} # reference comment
# trailing comment
`;
  await newDesign(page, text);
  await expect(node(page, 'port')).toBeVisible();
  const comments = text
    .split('\n')
    .filter((l) => l.includes('#'))
    .map((l) => l.slice(l.indexOf('#')));
  // 1-3: add three resources from the palette.
  for (let i = 0; i < 3; i++) await page.locator('[data-testid="palette-item"][data-type="OS::Heat::None"]').dblclick();
  await expect(page.locator('[data-testid=node]')).toHaveCount(5);
  // 4: rename one (inspector).
  await node(page, 'none').click();
  await page.getByLabel('Resource name').fill('marker');
  await page.getByLabel('Resource name').press('Enter');
  await expect(node(page, 'marker')).toBeVisible();
  // 5: add a dependency through the inspector.
  await page.getByLabel('Add dependency').selectOption('net');
  await expect(edge(page, 'marker', 'net')).toHaveCount(1);
  // 6: set a property on port through the form.
  await node(page, 'port').click();
  await page.getByRole('button', { name: /more properties/ }).click();
  await page.locator('[data-property="name"] input').fill('port-one');
  await page.locator('[data-property="name"] input').press('Enter');
  await expect.poll(() => editorText(page)).toContain('name: port-one');
  // 7: set it to a get_param.
  await page.locator('[data-property="device_id"] select.mode').selectOption('get_param');
  await page.getByLabel('device_id parameter').selectOption('image');
  await expect.poll(() => editorText(page)).toContain('device_id: {get_param: image}');
  // 8: delete a resource (keyboard).
  await node(page, 'none_2').click();
  await page.keyboard.press('Delete');
  await expect(node(page, 'none_2')).toHaveCount(0);
  // 9: remove the dependency again.
  await node(page, 'marker').click();
  await page.getByLabel('Remove dependency on net').click();
  await expect(edge(page, 'marker', 'net')).toHaveCount(0);
  // 10: copy and paste a resource.
  await node(page, 'net').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(node(page, 'net_copy')).toBeVisible();
  const after = await editorText(page);
  for (const c of comments) expect(after).toContain(c);
  expect(
    after.startsWith(
      'heat_template_version: 2018-08-31\n# top comment\nparameters:\n  image: {type: string, default: cirros} # image comment\n',
    ),
  ).toBe(true);
  await screenshot(page, 'ten-edits');
});

test('a rename, in the form or in the YAML, keeps the node where it was', async ({ page }) => {
  await newDesign(page, BASE);
  await expect(node(page, 'subnet')).toBeVisible();
  const before = await nodePosition(page, 'subnet');
  await node(page, 'subnet').click();
  await page.getByLabel('Resource name').fill('subnet_a');
  await page.getByLabel('Resource name').press('Enter');
  await expect(node(page, 'subnet_a')).toBeVisible();
  expect(await nodePosition(page, 'subnet_a')).toEqual(before);
  const netBefore = await nodePosition(page, 'net');
  const text = await editorText(page);
  await setEditorText(page, text.replace('  net:\n', '  network:\n').replace('{get_resource: net}', '{get_resource: network}'));
  await expect(node(page, 'network')).toBeVisible();
  expect(await nodePosition(page, 'network')).toEqual(netBefore);
});

test('a parameter moved on the canvas stays where it was put while the template is typed in', async ({ page }) => {
  await newDesign(page, BASE.replace('resources:\n', 'parameters:\n  cidr: {type: string, default: 10.0.0.0/24}\nresources:\n'));
  const parameter = page.locator('.react-flow__node[data-id="param:cidr"]');
  await expect(parameter).toBeVisible();
  const start = await nodePosition(page, 'param:cidr');
  const box = (await parameter.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  // The drag starts past a threshold, from where the pointer is then.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 5);
  for (let i = 1; i <= 4; i++) await page.mouse.move(box.x + box.width / 2 - 20 * i, box.y + box.height / 2 + 5 + 30 * i);
  await page.mouse.up();
  await expect.poll(() => nodePosition(page, 'param:cidr')).not.toEqual(start);
  const moved = await nodePosition(page, 'param:cidr');
  await setEditorText(page, (await editorText(page)).replace('  subnet:\n', '  subnet_a:\n'));
  await expect(node(page, 'subnet_a')).toBeVisible();
  expect(await nodePosition(page, 'param:cidr')).toEqual(moved);
});

test('a dragged node’s edges are plain curves until it is dropped, then they go around the nodes in their way', async ({ page }) => {
  await newDesign(
    page,
    `heat_template_version: 2018-08-31
resources:
  a: {type: OS::Heat::None}
  b: {type: OS::Heat::None}
  c: {type: OS::Heat::None, depends_on: a}
`,
  );
  await expect(node(page, 'c')).toBeVisible();
  // a, b in a row; c to the right, below them: its edge to a passes under b.
  await placeNodes(page, { a: { x: 0, y: 0 }, b: { x: 400, y: 0 }, c: { x: 800, y: 300 } });
  const segments = () => edgeSegments(page, 'c', 'a');
  await expect.poll(segments).toBe(1);
  // Drag c up into b's row: the straight way to a now crosses b.
  const from = (await node(page, 'c').boundingBox())!;
  const row = (await node(page, 'b').boundingBox())!;
  const x = from.x + from.width / 2;
  const y = from.y + from.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  // The drag starts past a threshold, from where the pointer is then: the first move only starts it.
  await page.mouse.move(x, y + 5);
  for (let i = 1; i <= 5; i++) await page.mouse.move(x, y + 5 + ((row.y - from.y) * i) / 5);
  await expect.poll(async () => (await nodePosition(page, 'c')).y).toBeLessThan(20);
  // Still held: no routing at each step of the drag.
  expect(await segments()).toBe(1);
  await page.mouse.up();
  // Dropped: routed around b.
  await expect.poll(segments).toBeGreaterThan(1);
});

test('opening a group moves the nodes under it down by as much as it grows, and closing it moves them back', async ({ page }) => {
  await newDesign(
    page,
    `heat_template_version: 2018-08-31
resources:
  g:
    type: OS::Heat::ResourceGroup
    properties:
      count: 20
      resource_def: {type: OS::Heat::None}
  under: {type: OS::Heat::None}
  beside: {type: OS::Heat::None}
`,
  );
  await expect(node(page, 'g')).toBeVisible();
  await placeNodes(page, { g: { x: 0, y: 0 }, under: { x: 40, y: 120 }, beside: { x: 400, y: 120 } });
  // In the flow's units (the node's own height, whatever the zoom).
  const heightOf = (name: string) =>
    page.evaluate((n) => (document.querySelector(`.react-flow__node[data-id="${n}"]`) as HTMLElement).offsetHeight, name);
  const closed = await heightOf('g');
  await node(page, 'g').getByTestId('group-toggle').click();
  await expect(node(page, 'g').getByTestId('group-members')).toBeVisible();
  await expect.poll(async () => (await nodePosition(page, 'under')).y).toBeGreaterThan(120);
  // Moved by the growth: as far below g's bottom as before.
  const grown = (await heightOf('g')) - closed;
  expect(grown).toBeGreaterThan(100);
  expect(await nodePosition(page, 'under')).toEqual({ x: 40, y: 120 + grown });
  expect(await nodePosition(page, 'beside')).toEqual({ x: 400, y: 120 });
  await node(page, 'g').getByTestId('group-toggle').click();
  await expect(node(page, 'g').getByTestId('group-members')).toHaveCount(0);
  await expect.poll(() => nodePosition(page, 'under')).toEqual({ x: 40, y: 120 });
  expect(await nodePosition(page, 'beside')).toEqual({ x: 400, y: 120 });
});

test('an expanded group is as tall as its member list to the edges routed around it and to auto layout', async ({ page }) => {
  await newDesign(
    page,
    `heat_template_version: 2018-08-31
resources:
  a: {type: OS::Heat::None}
  g:
    type: OS::Heat::ResourceGroup
    properties:
      count: 20
      resource_def: {type: OS::Heat::None}
  c: {type: OS::Heat::None, depends_on: a}
`,
  );
  await expect(node(page, 'g')).toBeVisible();
  // g above the way from c to a while collapsed; its member list reaches down across it.
  await placeNodes(page, { a: { x: 0, y: 0 }, g: { x: 400, y: -100 }, c: { x: 800, y: 100 } });
  const segments = () => edgeSegments(page, 'c', 'a');
  await expect.poll(segments).toBe(1);
  await node(page, 'g').getByTestId('group-toggle').click();
  await expect(node(page, 'g').getByTestId('group-members')).toBeVisible();
  await expect.poll(segments).toBeGreaterThan(1);
  await node(page, 'g').getByTestId('group-toggle').click();
  await expect.poll(segments).toBe(1);

  // Auto layout gives the expanded group the room it takes: it covers no other node.
  await node(page, 'g').getByTestId('group-toggle').click();
  await expect(node(page, 'g').getByTestId('group-members')).toBeVisible();
  const laidOut = await fitCount(page);
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await viewFitted(page, laidOut);
  const boxes = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=node]')].map((n) => {
      const b = n.getBoundingClientRect();
      return { name: n.getAttribute('data-resource'), left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    }),
  );
  const group = boxes.find((b) => b.name === 'g')!;
  for (const other of boxes.filter((b) => b.name !== 'g'))
    expect(
      group.left < other.right && other.left < group.right && group.top < other.bottom && other.top < group.bottom,
      `g covers ${other.name}`,
    ).toBe(false);
});

test('a drag undoes and redoes in turn with the template’s edits', async ({ page }) => {
  await newDesign(page, BASE);
  await expect(node(page, 'subnet')).toBeVisible();
  const { start, moved } = await dragDownRight(page, 'subnet');
  // An edit after the drag: a rename in the form.
  await page.getByLabel('Resource name').fill('subnet_a');
  await page.getByLabel('Resource name').press('Enter');
  await expect(node(page, 'subnet_a')).toBeVisible();
  // Undo: the rename, then the drag; redo: the drag, then the rename.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node(page, 'subnet')).toBeVisible();
  expect(await nodePosition(page, 'subnet')).toEqual(moved);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => nodePosition(page, 'subnet')).toEqual(start);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect.poll(() => nodePosition(page, 'subnet')).toEqual(moved);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(node(page, 'subnet_a')).toBeVisible();
  expect(await nodePosition(page, 'subnet_a')).toEqual(moved);
});

test('Ctrl+Z in the template’s editor undoes a node move made after its last edit, as the toolbar does', async ({ page }) => {
  await newDesign(page, BASE);
  await expect(node(page, 'subnet')).toBeVisible();
  const { start, moved } = await dragDownRight(page, 'subnet');
  const text = await editorText(page);
  await page.locator('[data-testid="yaml-editor"] .view-lines').click();
  await page.keyboard.press('Control+z');
  await expect.poll(() => nodePosition(page, 'subnet')).toEqual(start);
  expect(await editorText(page)).toBe(text);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => nodePosition(page, 'subnet')).toEqual(moved);
  // Text typed after the move is the next step back, then the move.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('#note');
  await expect.poll(() => editorText(page)).toBe(`${text}#note`);
  await page.keyboard.press('Control+z');
  await expect.poll(() => editorText(page)).toBe(text);
  expect(await nodePosition(page, 'subnet')).toEqual(moved);
  await page.keyboard.press('Control+z');
  await expect.poll(() => nodePosition(page, 'subnet')).toEqual(start);
});

test('broken YAML shows markers and a stale canvas; fixing it recovers', async ({ page }) => {
  await newDesign(page, BASE);
  await expect(node(page, 'subnet')).toBeVisible();
  // (Monaco closes brackets and quotes by itself: a stray mapping is what stays broken.)
  await typeAtEnd(page, '  bad: x: y');
  await expect(page.getByTestId('stale')).toBeVisible();
  await expect(node(page, 'subnet')).toBeVisible();
  await expect(page.locator('[data-testid="yaml-editor"] .squiggly-error').first()).toBeVisible();
  await expect(page.getByTestId('diagnostics')).not.toHaveText('0');
  await screenshot(page, 'stale');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
  await expect(page.getByTestId('stale')).toHaveCount(0);
  await expect(page.getByTestId('diagnostics')).toHaveText('1');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(node(page, 'bad')).toHaveCount(0);
});

test('export downloads the template byte for byte; a reload restores the design and its layout', async ({ page }) => {
  const text = `${BASE}  # odd   spacing and 'quotes' are kept\n  extra: {type: OS::Heat::None}\n`;
  await newDesign(page, text);
  await expect(node(page, 'extra')).toBeVisible();
  // Move a node, then wait for the save.
  const handle = node(page, 'extra');
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + 60, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 260, box.y + 180, { steps: 10 });
  await page.mouse.up();
  const moved = await nodePosition(page, 'extra');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');

  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-template').click()]);
  const path = await download.path();
  expect(readFileSync(path!, 'utf8')).toBe(await editorText(page));
  expect(readFileSync(path!, 'utf8')).toBe(text);

  expect(page.url()).toMatch(/\?design=[0-9a-f-]{36}$/);
  await page.reload();
  await expect(node(page, 'extra')).toBeVisible();
  expect(await editorText(page)).toBe(text);
  expect(await nodePosition(page, 'extra')).toEqual(moved);
  await screenshot(page, 'reloaded');
});
