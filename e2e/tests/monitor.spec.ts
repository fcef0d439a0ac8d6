// Plan and watch deployments live on the canvas.
import { expect, test } from '@playwright/test';
import {
  deploy,
  edge,
  editorText,
  eventLinesShown,
  exportedEvents,
  newDesign,
  node,
  logHolds,
  openExample,
  recordedStatuses,
  recordStatuses,
  screenshot,
  setEditorText,
} from './helpers.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('the SQL Server cluster deploys on the simulated cloud: states move in dependency order, end complete, outputs appear', async ({
  page,
}) => {
  await openExample(page);
  await recordStatuses(page);
  await deploy(page, 'sql-e2e', { latency: '0.4' });
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_IN_PROGRESS');
  // (Zoomed this far out the canvas draws plain boxes coloured by state; the words are there when zoomed in.)
  await expect(page.locator('[data-testid=node-waiting]').first()).toContainText(/^○ waiting on \w+/);
  await screenshot(page, 'deploying');
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 30_000 });
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]')).toHaveCount(40);
  // The canvas showed resources in progress, and never a state before an earlier one of the same resource.
  const log = await recordedStatuses(page);
  expect(log.some(([, state]) => state === 'CREATE_IN_PROGRESS')).toBe(true);
  for (const [name, state] of log)
    if (state === 'CREATE_IN_PROGRESS')
      expect(log.findIndex(([n, s]) => n === name && s === 'CREATE_COMPLETE')).not.toBeLessThan(log.findIndex(([n]) => n === name));
  // The order, from the events the canvas draws (in the order the page received them: how many arrive
  // together depends on the machine's speed, so the canvas alone may show two states in one frame).
  const events = await page.evaluate(() =>
    (
      window as unknown as {
        hearth: { run: { getState(): { events: Array<{ resourceName: string | null; action: string; status: string }> } } };
      }
    ).hearth.run
      .getState()
      .events.filter((e) => e.resourceName && e.action === 'CREATE')
      .map((e) => [e.resourceName!, e.status] as const),
  );
  const at = (name: string, status: string) => events.findIndex(([n, s]) => n === name && s === status);
  const edges = await page.locator('[data-testid=edge]').evaluateAll((els) =>
    // A wait condition starts before its signal comes: only its completion waits for the sender.
    els
      .filter((e) => e.getAttribute('data-kind') !== 'signal')
      .map((e) => [e.getAttribute('data-source')!, e.getAttribute('data-target')!]),
  );
  expect(edges.length).toBeGreaterThan(40);
  for (const [source, target] of edges) {
    expect(at(source!, 'IN_PROGRESS'), `${source} started`).toBeGreaterThanOrEqual(0);
    expect(at(target!, 'COMPLETE'), `${target} completed before ${source} started`).toBeLessThan(at(source!, 'IN_PROGRESS'));
  }
  await page.getByTestId('tab-outputs').click();
  await expect(page.locator('[data-output="availability_group"] .output-value')).toHaveText('ag1');
  await expect(page.locator('[data-output="primary_endpoint"] .output-value')).toHaveText(/^TCP:\/\/10\.20\.0\.\d+:5022$/);
  await page.getByTestId('tab-schedule').click();
  await expect(page.locator('[data-testid=schedule-row][data-state=done]')).toHaveCount(40);
  await screenshot(page, 'deployed');
});

test('an injected failure shows its reason on the node, and the rollback leaves the simulated inventory empty', async ({ page }) => {
  await openExample(page);
  await deploy(page, 'sql-fail', { fail: 'node2_replica', latency: '0.02' });
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'ROLLBACK_COMPLETE', { timeout: 30_000 });
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-failed', 'true');
  await expect(node(page, 'node2_replica').getByTestId('node-status')).toContainText(
    'SimulatedFault: resources.node2_replica: Simulated failure',
  );
  await expect(page.getByTestId('failed-resource').filter({ hasText: 'node2_replica' })).toBeVisible();
  await screenshot(page, 'failed');
  const inventory = await page.request.post('/trpc/stacks.inventory', { data: { stack: 'sql-fail' } });
  const body = (await inventory.json()) as { result: { data: { simulated: boolean; objects: unknown[] } } };
  expect(body.result.data).toEqual({ simulated: true, objects: [] });
});

test('the failure picker lists the design’s resources as they are when it is opened, and keeps the one chosen', async ({ page }) => {
  await newDesign(page, 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  b: {type: OS::Heat::None}\n');
  await page.getByTestId('tab-deploy').click();
  const picker = page.getByLabel('Inject failure in');
  await setEditorText(page, 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  c: {type: OS::Heat::None}\n');
  await expect(node(page, 'c')).toHaveCount(1);
  // Opened (focused): every resource, b renamed c.
  await picker.focus();
  await expect(picker.locator('option')).toHaveText(['(none)', 'a', 'c']);
  await picker.selectOption('c');
  await picker.blur();
  // Closed: it holds only the one chosen (a list of every resource, kept while closed, was laid out again at
  // each keystroke that renamed one), and lists them all again when opened.
  await expect(picker).toHaveValue('c');
  await expect(picker.locator('option')).toHaveText(['(none)', 'c']);
  await setEditorText(
    page,
    'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n  c: {type: OS::Heat::None}\n  d: {type: OS::Heat::None}\n',
  );
  await expect(node(page, 'd')).toHaveCount(1);
  await picker.focus();
  await expect(picker.locator('option')).toHaveText(['(none)', 'a', 'c', 'd']);
  await expect(picker).toHaveValue('c');
});

test('a reload mid-deployment resumes: the final state and the event log are complete, without duplicates', async ({ page }) => {
  await openExample(page);
  await deploy(page, 'sql-reload', { latency: '0.1' });
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]').nth(8)).toBeVisible({ timeout: 20_000 });
  expect(page.url()).toContain('stack=sql-reload');
  await page.reload();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 30_000 });
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]')).toHaveCount(40);
  await page.getByTestId('tab-events').click();
  const server = await page.request.post('/trpc/stacks.events', { data: { stack: 'sql-reload', limit: 1000 } });
  const expected = ((await server.json()) as { result: { data: { events: Array<{ id: number }> } } }).result.data.events.map((e) => e.id);
  await logHolds(page, expected);
  // Only the lines about the view are in the page; scrolled to the top, the log shows its first.
  expect((await eventLinesShown(page)).length).toBeLessThan(expected.length);
  await page.getByLabel('follow').uncheck();
  await page.getByTestId('event-log').evaluate((log) => (log.scrollTop = 0));
  await expect.poll(async () => (await eventLinesShown(page))[0]).toBe(expected[0]);
});

test('planning an update that replaces a resource badges it with the reason; deleted resources show as ghosts', async ({ page }) => {
  const v1 = `heat_template_version: 2018-08-31
resources:
  secret:
    type: OS::Heat::RandomString
    properties: {length: 12}
  keep:
    type: OS::Heat::Value
    properties: {value: {get_attr: [secret, value]}}
  old:
    type: OS::Heat::None
`;
  await newDesign(page, v1);
  await expect(node(page, 'old')).toBeVisible();
  await deploy(page, 'plan-e2e');
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 20_000 });
  await setEditorText(page, (await editorText(page)).replace('length: 12', 'length: 16').replace('  old:\n    type: OS::Heat::None\n', ''));
  await expect(node(page, 'old')).toHaveCount(0);
  await page.getByTestId('plan').click();
  await expect(page.getByTestId('plan-summary')).toContainText('1 replace');
  await expect(node(page, 'secret')).toHaveAttribute('data-plan', 'replace');
  await expect(node(page, 'secret').getByTestId('plan-badge')).toHaveText(/replace/);
  await expect(page.locator('[data-testid=ghost-node][data-resource="old"]')).toHaveAttribute('data-plan', 'delete');
  await node(page, 'secret').click();
  await expect(page.getByTestId('plan-detail')).toContainText('length');
  await expect(page.getByTestId('plan-detail')).toContainText('(forces replacement)');
  await expect(edge(page, 'keep', 'secret', 'get_attr')).toHaveCount(1);
  await screenshot(page, 'plan');
  await page.getByTestId('apply').click();
  await expect(page.getByTestId('confirm')).toContainText('1 to replace');
  await page.getByTestId('confirm-apply').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'UPDATE_COMPLETE', { timeout: 20_000 });
  // Suspend and resume, as Heat's: every node follows the stack.
  await page.getByTestId('suspend-stack').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'SUSPEND_COMPLETE', { timeout: 20_000 });
  await expect(page.locator('[data-testid=node][data-status="SUSPEND_COMPLETE"]')).toHaveCount(2);
  await page.getByTestId('resume-stack').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'RESUME_COMPLETE', { timeout: 20_000 });
  await expect(page.locator('[data-testid=node][data-status="RESUME_COMPLETE"]')).toHaveCount(2);
});

test('two browsers watching the same stack see the same thing', async ({ page, browser }) => {
  await openExample(page);
  await deploy(page, 'sql-two', { latency: '0.1' });
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]').nth(3)).toBeVisible({ timeout: 20_000 });
  const other = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await other.goto(page.url());
  for (const p of [page, other])
    await expect(p.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 30_000 });
  const states = async (p: typeof page) =>
    p
      .locator('[data-testid=node]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-resource')}=${e.getAttribute('data-status')}`).sort());
  expect(await states(other)).toEqual(await states(page));
  for (const p of [page, other]) await p.getByTestId('tab-events').click();
  const ids = async (p: typeof page) => (await exportedEvents(p)).map((e) => e.id);
  await expect.poll(async () => (await ids(other)).length).toBe((await ids(page)).length);
  expect(await ids(other)).toEqual(await ids(page));
  // Both follow the newest line.
  const last = (await ids(page)).at(-1);
  for (const p of [page, other]) await expect.poll(async () => (await eventLinesShown(p)).at(-1)).toBe(last);
  await other.close();
});
