// The designer's smaller promises: a blank design grows in block style, the
// stack name follows the design's name, palette search by words, Ctrl+K and
// Escape, and the designs list's search, rename and delete.
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { dragDownRight, edge, editorText, newDesign, node, nodePosition, openExample, viewFitted } from './helpers.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('a blank design: resources added from the palette get lines of their own; the stack is named after the design', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('new-design').click();
  await page.getByLabel('Design name').fill('Shop front');
  await expect(page.getByLabel('Stack name')).toHaveValue('Shop-front');
  // Palette search by the words of a type's name.
  await page.getByPlaceholder('Search resource types…').fill('security group');
  await expect(page.locator('[data-testid=palette-item][data-type="OS::Neutron::SecurityGroup"]')).toBeVisible();
  await page.getByPlaceholder('Search resource types…').fill('random string');
  const item = page.locator('[data-testid=palette-item][data-type="OS::Heat::RandomString"]');
  await item.dblclick();
  await item.dblclick();
  await expect(page.locator('[data-testid=node]')).toHaveCount(2);
  const text = await editorText(page);
  expect(text).toMatch(/^resources:\n {2}random_string:\n {4}type: OS::Heat::RandomString\n/m);
  expect(text).not.toContain('resources: {');
});

test('Ctrl+K selects the last query; Escape closes menus and sheets', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('open-design').filter({ hasText: 'sql-server-cluster' }).click();
  await expect(node(page, 'dc_primary')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('dc_primary');
  await page.keyboard.press('Escape');
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('cluster_net');
  await expect(page.getByTestId('search')).toHaveValue('cluster_net');

  await page.getByTestId('export-menu').click();
  await expect(page.getByTestId('export-svg')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('export-svg')).toHaveCount(0);
  await page.getByRole('button', { name: 'Designs' }).click();
  await expect(page.getByTestId('gallery')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('gallery')).toHaveCount(0);
});

test('the designs list renames and deletes designs (not the open one)', async ({ page }) => {
  const name = `to-rename-${randomUUID().slice(0, 8)}`;
  await page.goto('/');
  await page.getByTestId('new-design').click();
  await page.getByLabel('Design name').fill(name);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByRole('button', { name: 'Designs' }).click();
  const row = page.locator(`[data-testid=design-row][data-name="${name}"]`);
  await expect(row.getByTestId('delete-design')).toBeDisabled();
  await row.getByTestId('rename-design').click();
  await row.getByLabel('New name').fill(`${name}-renamed`);
  await row.getByTestId('rename-save').click();
  const renamed = page.locator(`[data-testid=design-row][data-name="${name}-renamed"]`);
  await expect(renamed).toBeVisible();
  // The open design takes the new name, and keeps it through its next save.
  await expect(page.getByLabel('Design name')).toHaveValue(`${name}-renamed`);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('palette-item').first().dblclick();
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByRole('button', { name: 'Designs' }).click();
  await expect(renamed).toBeVisible();

  // Open the example, then delete the renamed design from the list.
  await page.getByTestId('open-design').filter({ hasText: 'sql-server-cluster' }).click();
  await expect(node(page, 'dc_primary')).toBeVisible();
  await page.getByRole('button', { name: 'Designs' }).click();
  await renamed.getByTestId('delete-design').click();
  await renamed.getByTestId('confirm-delete-design').click();
  await expect(renamed).toHaveCount(0);
  await page.reload();
  await page.getByRole('button', { name: 'Designs' }).click();
  await expect(page.locator(`[data-testid=design-row][data-name="${name}-renamed"]`)).toHaveCount(0);
});

test('leaving a page whose changes are not saved yet asks first; once saved, it does not', async ({ page, context }) => {
  await newDesign(page, 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  // The next save is held at the server's door: the change is being saved while the user leaves.
  let release = () => {};
  const held = new Promise<void>((done) => (release = done));
  await page.route('**/trpc/designs.save**', async (route) => {
    await held;
    await route.continue();
  });
  const name = `leave-${randomUUID()}`;
  await page.getByLabel('Design name').fill(name);
  await expect(page.getByTestId('save-state')).toHaveText(/Saving/);
  const asked = new Promise<string>((done) => page.once('dialog', (d) => void d.dismiss().then(() => done(d.type()))));
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
  // The user stayed: the page is there, and its save goes through.
  expect(page.isClosed()).toBe(false);
  release();
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  page.on('dialog', (d) => {
    throw new Error(`asked again (${d.type()}) with everything saved`);
  });
  const closed = new Promise<void>((done) => page.once('close', () => done()));
  await page.close({ runBeforeUnload: true });
  await closed;
  const again = await context.newPage();
  // A new page opens on the list of designs.
  await again.goto('/');
  await expect(again.locator(`[data-testid=design-row][data-name="${name}"]`)).toHaveCount(1);
});

test('a map property edited in the inspector keeps its comments and flow style in the file', async ({ page }) => {
  const text = `heat_template_version: 2018-08-31
resources:
  config:
    type: OS::Heat::Value
    properties:
      value:
        # the ports the service listens on
        http: 80   # plain
        https: 443
        extra: {a: 1, b: 2}
`;
  await newDesign(page, text);
  await node(page, 'config').click();
  const field = page.locator('[data-testid=property][data-property=value] textarea');
  await expect(field).toHaveValue('# the ports the service listens on\nhttp: 80   # plain\nhttps: 443\nextra: {a: 1, b: 2}');
  await field.fill('# the ports the service listens on\nhttp: 80   # plain\nhttps: 8443\nextra: {a: 1, b: 2, c: 3}');
  await field.blur();
  await expect.poll(() => editorText(page)).toBe(text.replace('https: 443', 'https: 8443').replace('{a: 1, b: 2}', '{a: 1, b: 2, c: 3}'));
  // One undo step takes the whole edit back.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect.poll(() => editorText(page)).toBe(text);
});

/** Saves a design of `text` and opens it with the editor's code held back; the function returned lets it load. */
async function openWithEditorHeld(page: Page, name: string, text: string): Promise<() => void> {
  await page.goto('/');
  const saved = await page.request.post('/trpc/designs.save', { data: { name: `${name}-${randomUUID()}`, template: text } });
  const id = ((await saved.json()) as { result: { data: { id: string } } }).result.data.id;
  let release = () => {};
  const held = new Promise<void>((done) => (release = done));
  await page.route('**/assets/YamlEditor-*.js', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`/?design=${id}`);
  return release;
}

/** Deletes a node from the canvas: a click selects it, the Delete key removes it. */
async function deleteNode(page: Page, name: string): Promise<void> {
  await node(page, name).click();
  // Delete acts on what React Flow holds selected: wait until the click's selection reached it.
  await expect(page.locator(`.react-flow__node.selected[data-id="${name}"]`)).toHaveCount(1);
  await page.keyboard.press('Delete');
  await expect(node(page, name)).toHaveCount(0);
}

test('canvas edits made before the editor has loaded undo as the later ones do', async ({ page }) => {
  const text =
    'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  b: {type: OS::Heat::None}\n  c: {type: OS::Heat::None}\n';
  // The editor's code is held back until two canvas edits are made.
  const release = await openWithEditorHeld(page, 'early', text);
  for (const name of ['b', 'c']) await deleteNode(page, name);
  expect(await page.evaluate(() => 'hearthEditor' in window)).toBe(false);
  release();
  await expect.poll(() => editorText(page)).toBe('heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n');
  // Each undoes on its own, in turn.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node(page, 'c')).toBeVisible();
  await expect(node(page, 'b')).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node(page, 'b')).toBeVisible();
  expect(await editorText(page)).toBe(text);
});

test('node moves made before the editor has loaded undo at once, and in turn with the edits once it has', async ({ page }) => {
  const text = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  b: {type: OS::Heat::None}\n';
  const release = await openWithEditorHeld(page, 'moved', text);
  await expect(node(page, 'b')).toBeVisible();
  // The first layout has placed the nodes apart.
  await expect.poll(async () => JSON.stringify(await nodePosition(page, 'a')) !== JSON.stringify(await nodePosition(page, 'b'))).toBe(true);
  const { start, moved } = await dragDownRight(page, 'b');
  await page.keyboard.press('Control+z');
  await expect.poll(() => nodePosition(page, 'b')).toEqual(start);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => nodePosition(page, 'b')).toEqual(moved);
  // Then an edit, still before the editor.
  await deleteNode(page, 'a');
  expect(await page.evaluate(() => 'hearthEditor' in window)).toBe(false);
  release();
  await expect.poll(() => editorText(page)).not.toContain('  a:');
  // Back: the edit, then the move.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(node(page, 'a')).toBeVisible();
  expect(await nodePosition(page, 'b')).toEqual(moved);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => nodePosition(page, 'b')).toEqual(start);
});

test('an edge dropped on a node’s body connects; the get_resource picker offers only resources of the type the property takes', async ({
  page,
}) => {
  await newDesign(
    page,
    `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  server: {type: OS::Nova::Server, properties: {image: cirros, flavor: small}}
  port:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net}
`,
  );
  await expect(edge(page, 'port', 'net', 'get_resource')).toHaveCount(1);
  // The view is where it settles (the new design's fit is done) before the drag is measured.
  await viewFitted(page, 0);
  await node(page, 'port').locator('.react-flow__handle-left').hover();
  await page.mouse.down();
  const body = (await node(page, 'server').boundingBox())!;
  await page.mouse.move(body.x + body.width / 2, body.y + body.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(edge(page, 'port', 'server')).toHaveCount(1);
  expect(await editorText(page)).toContain('depends_on: server');

  await node(page, 'port').click();
  const picker = page.locator('[data-testid=property][data-property=network]').getByLabel('network resource');
  await expect(picker.locator('option')).toHaveText(['— resource —', 'net']);
});

test('parameters that outnumber the resources show as one node until opened', async ({ page }) => {
  const params = Array.from({ length: 6 }, (_, i) => `  p${i}: {type: string, default: x}`).join('\n');
  await newDesign(page, `heat_template_version: 2018-08-31\nparameters:\n${params}\nresources:\n  only: {type: OS::Heat::None}\n`);
  await expect(node(page, 'only')).toBeVisible();
  const terms = page.locator('[data-testid=parameter]');
  await expect(terms).toHaveCount(1);
  await expect(terms).toContainText('6 parameters');
  await terms.click();
  await expect(terms).toHaveCount(7);
  await expect(page.locator('[data-testid=parameter][data-name=p5]')).toBeVisible();
  await page.locator('[data-testid=parameter]').first().click();
  await expect(terms).toHaveCount(1);
});

test('the SQL Server example opens readable: at a zoom where names can be read, from where its workflow starts', async ({ page }) => {
  await openExample(page);
  await page.waitForFunction(() => {
    const state = (
      window as unknown as { hearth: { design: { getState(): { needsLayout: boolean; fitRequests: number } } } }
    ).hearth.design.getState();
    return !state.needsLayout && document.querySelector('[data-testid=canvas]')?.getAttribute('data-fitted') === String(state.fitRequests);
  });
  const zoom = await page.evaluate(() => {
    const m = /scale\(([-\d.]+)\)/.exec((document.querySelector('.react-flow__viewport') as HTMLElement).style.transform);
    return Number(m?.[1]);
  });
  // Fitted whole, the 40 resources' twelve layers would be drawn at about 0.15.
  expect(zoom).toBeGreaterThanOrEqual(0.5);
  // The left-most node (where the workflow starts) is in view, and so is its name.
  const pane = (await page.getByTestId('canvas').boundingBox())!;
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const first = boxes.reduce((a, b) => (b.x < a.x ? b : a));
  expect(first.x).toBeGreaterThanOrEqual(pane.x);
  expect(first.x + first.width).toBeLessThanOrEqual(pane.x + pane.width);
  // The fit-view control still shows the whole graph.
  await page.getByRole('button', { name: /fit view/i }).click();
  await expect
    .poll(() =>
      page.evaluate(() =>
        Number(/scale\(([-\d.]+)\)/.exec((document.querySelector('.react-flow__viewport') as HTMLElement).style.transform)?.[1]),
      ),
    )
    .toBeLessThan(0.5);
});

test('parameters and outputs are added and edited from the inspector; the YAML keeps its comments', async ({ page }) => {
  await newDesign(
    page,
    'heat_template_version: 2018-08-31\n# sizes\nparameters:\n  size: {type: number, default: 2}  # how many\nresources:\n  net: {type: OS::Neutron::Net}\n',
  );
  await expect(node(page, 'net')).toBeVisible();
  // A parameter on the canvas opens in the inspector.
  await page.locator('[data-testid=parameter][data-name=size]').click();
  const inspector = page.locator('[data-testid=inspector][data-parameter=size]');
  await expect(inspector.getByLabel('type')).toHaveValue('number');
  await inspector.getByLabel('constraints').fill('- range: {min: 1, max: 5}');
  await inspector.getByLabel('description').fill('How many servers');
  await inspector.getByLabel('default').fill('9');
  await inspector.getByLabel('default').press('Enter');
  await expect.poll(() => editorText(page)).toContain('default: 9');
  // Heat's verdict on the new default shows in the form.
  await expect(inspector.locator('.error')).toContainText(/range/i);
  const text = await editorText(page);
  expect(text).toContain('# how many');
  expect(text).toContain('# sizes');
  expect(text).toContain('description: How many servers');
  // The definition was written in flow style, and stays so.
  expect(text).toContain(
    '  size: {type: number, default: 9, constraints: [{range: {min: 1, max: 5}}], description: How many servers}  # how many\n',
  );
  // Renamed in the form: its uses follow, and it stays selected.
  await inspector.getByLabel('Parameter name').fill('count');
  await inspector.getByLabel('Parameter name').press('Enter');
  await expect(page.locator('[data-testid=inspector][data-parameter=count]')).toBeVisible();
  await expect.poll(() => editorText(page)).toContain('  count:');
  // Put in a parameter group from the form: the group is written, and the run panel's form groups it.
  const renamed = page.locator('[data-testid=inspector][data-parameter=count]');
  await renamed.getByLabel('group').fill('Sizing');
  await renamed.getByLabel('group').press('Enter');
  await expect.poll(() => editorText(page)).toContain('parameter_groups:\n  - label: Sizing\n    parameters: [count]\n');
  await page.getByTestId('tab-deploy').click();
  await expect(page.locator('[data-testid=parameters] fieldset').filter({ hasText: 'Sizing' }).locator('[data-param=count]')).toBeVisible();
  // A resource clicked next replaces the parameter in the inspector (not "2 resources selected").
  await node(page, 'net').click();
  await expect(page.locator('[data-testid=inspector][data-resource=net]')).toBeVisible();

  // An output added from the empty inspector, given a value as YAML.
  await page.getByTestId('canvas').locator('.react-flow__pane').click();
  await page.getByRole('button', { name: '+ Output' }).click();
  const output = page.locator('[data-testid=inspector][data-output=output]');
  await output.getByLabel('value').fill('{get_resource: net}');
  await output.getByLabel('description').fill('The network');
  await output.getByLabel('description').press('Enter');
  await expect
    .poll(() => editorText(page))
    .toMatch(/outputs:\n {2}output:\n {4}value: \{get_resource: net\}\n {4}description: The network\n/);
  await expect(page.locator('[data-testid=output][data-name=output]')).toContainText('net');
});

test('a connection to a resource whose type (or one of whose attributes) a property takes offers to fill that property', async ({
  page,
}) => {
  await newDesign(
    page,
    `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  port: {type: OS::Neutron::Port, properties: {network: other}}
  server: {type: OS::Nova::Server, properties: {image: cirros, flavor: small}}
  subnet: {type: OS::Neutron::Subnet, properties: {network: other, cidr: 10.0.0.0/24}}
  rule: {type: OS::Neutron::SecurityGroupRule, properties: {security_group: sg}}
`,
  );
  await expect(node(page, 'rule')).toBeVisible();
  await viewFitted(page, 0);
  const drag = async (from: string, to: string) => {
    await node(page, from).locator('.react-flow__handle-left').hover();
    await page.mouse.down();
    const body = (await node(page, to).boundingBox())!;
    await page.mouse.move(body.x + body.width / 2, body.y + body.height / 2, { steps: 8 });
    await page.mouse.up();
  };
  // A Port's network takes a Net.
  await drag('port', 'net');
  const menu = page.getByTestId('connect-menu');
  await expect(menu.getByRole('menuitem')).toHaveText(['network: get_resource net', 'depends_on only', 'Cancel']);
  await menu.getByRole('menuitem', { name: 'network: get_resource net' }).click();
  await expect(menu).toHaveCount(0);
  await expect(edge(page, 'port', 'net', 'get_resource')).toHaveCount(1);
  expect(await editorText(page)).toContain('  port: {type: OS::Neutron::Port, properties: {network: {get_resource: net}}}');
  // A Server takes a Port as a new item of its networks.
  await drag('server', 'port');
  await menu.getByRole('menuitem', { name: 'networks[+].port: get_resource port' }).click();
  await expect(edge(page, 'server', 'port', 'get_resource')).toHaveCount(1);
  expect(await editorText(page)).toContain('networks: [{port: {get_resource: port}}]');
  // depends_on only, when that is what is meant.
  await drag('server', 'net');
  await menu.getByRole('menuitem', { name: 'depends_on only' }).click();
  await expect(edge(page, 'server', 'net')).toHaveCount(1);
  // A security group rule's remote_ip_prefix takes a CIDR, which a Subnet has as its cidr attribute.
  await drag('rule', 'subnet');
  await expect(menu.getByRole('menuitem')).toHaveText(['remote_ip_prefix: get_attr subnet cidr', 'depends_on only', 'Cancel']);
  await menu.getByRole('menuitem', { name: 'remote_ip_prefix: get_attr subnet cidr' }).click();
  await expect(edge(page, 'rule', 'subnet', 'get_attr')).toHaveCount(1);
  expect(await editorText(page)).toContain(
    'rule: {type: OS::Neutron::SecurityGroupRule, properties: {security_group: sg, remote_ip_prefix: {get_attr: [subnet, cidr]}}}',
  );
});

test('a local script is read as the server reads it: refused, with how to allow it, in the canvas and the server alike', async ({
  page,
}) => {
  const template = `heat_template_version: 2018-08-31
resources:
  hello:
    type: Hearth::Local::Script
    properties:
      create_command: echo hello
`;
  await newDesign(page, template);
  // (This server runs without --allow-local-scripts.)
  await expect(node(page, 'hello').getByTestId('node-errors')).toHaveAttribute('title', /--allow-local-scripts/);
  const server = await page.evaluate(async (text) => {
    const response = await fetch('/trpc/templates.validate', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ template: text }),
    });
    return JSON.stringify(await response.json());
  }, template);
  expect(server).toContain('--allow-local-scripts');
});
