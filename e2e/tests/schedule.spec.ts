// The derived workflow made visible: the schedule of a design before it
// runs (waves, critical path, slack, why one resource waits for another,
// what removing a depends_on would save), and during a run (actual bars,
// the time left, what each waiting resource waits on).
import { expect, test } from '@playwright/test';
import { deploy, edge, editorText, newDesign, node, openExample, screenshot } from './helpers.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('the SQL Server example: the critical path runs through the wait condition, on the canvas too, and the inspector says why one resource waits for another', async ({
  page,
}) => {
  await openExample(page);
  await page.getByLabel('Simulated latency').fill('1');
  await page.getByTestId('tab-schedule').click();
  // The estimate of a create (not a run another test may have made from the example).
  await page.getByLabel('Schedule of').selectOption('create');
  await expect(page.getByTestId('schedule')).toHaveAttribute('data-operation', 'create');
  await expect(page.getByTestId('schedule-row')).toHaveCount(40);
  for (const name of ['primary_replica', 'ag_ready'])
    await expect(page.locator(`[data-testid=schedule-row][data-step="${name}"]`)).toHaveAttribute('data-critical', 'true');
  await expect(page.locator('[data-testid=schedule-row][data-step="secondary_replica_config"]')).not.toHaveAttribute(
    'data-critical',
    'true',
  );
  // On the canvas: the wait condition's node and its signal edge from the primary replica.
  await expect(node(page, 'ag_ready')).toHaveClass(/critical/);
  await expect(edge(page, 'ag_ready', 'primary_replica', 'signal')).toHaveAttribute('data-critical', 'true');
  await expect(node(page, 'secondary_replica_config')).not.toHaveClass(/critical/);

  // One resource: when it runs and its slack.
  await page.locator('[data-testid=schedule-row][data-step="secondary_replica_config"]').click();
  await expect(page.getByTestId('schedule-facts')).toContainText('slack');
  await page.locator('[data-testid=schedule-row][data-step="ag_ready"]').click();
  await expect(page.getByTestId('schedule-facts')).toContainText('on the critical path');

  // Two resources: why one waits for the other, through the signal and a depends_on.
  await page.getByRole('button', { name: /fit view/i }).click();
  await node(page, 'ag_ready').click();
  await node(page, 'node2_alwayson').click({ modifiers: ['Control'] });
  const chain = page.getByTestId('why-chain').locator('li');
  await expect(chain).toHaveCount(2);
  await expect(chain.nth(0)).toHaveText(
    'ag_ready waits for primary_replica: primary_replica signals ag_ready_handle (get_attr: [ag_ready_handle, curl_cli] in properties.input_values.notify)',
  );
  await expect(chain.nth(1)).toHaveText('primary_replica waits for node2_alwayson: depends_on');
  await screenshot(page, 'schedule');
});

test('what-if: a depends_on on the critical path shows the total without it, and removing it gives that total', async ({ page }) => {
  await newDesign(
    page,
    `heat_template_version: 2018-08-31
resources:
  first:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.small}
  second:
    type: OS::Nova::Server
    depends_on: [first]
    properties: {image: cirros, flavor: m1.small}
`,
  );
  await page.getByLabel('Simulated latency').fill('2');
  await page.getByTestId('tab-schedule').click();
  await expect(page.getByTestId('schedule-row')).toHaveCount(2);
  const total = Number(await page.getByTestId('schedule-total').getAttribute('data-seconds'));
  const whatIf = page.locator('[data-testid=schedule-row][data-step="second"] [data-testid=what-if]');
  const without = Number(await whatIf.getAttribute('data-total'));
  expect(without).toBeLessThan(total);
  await whatIf.getByRole('button', { name: 'remove it' }).click();
  await expect(page.getByTestId('schedule-total')).toHaveAttribute('data-seconds', String(without));
  expect(await editorText(page)).not.toContain('depends_on');
});

test('during a deployment the time left goes down and every waiting resource names what it waits on', async ({ page }) => {
  await openExample(page);
  // Slow enough (13 waves of 1 s) that the checks below see it running on a busy machine.
  await deploy(page, 'sql-schedule', { latency: '1' });
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_IN_PROGRESS');
  await page.getByTestId('tab-schedule').click();
  const remaining = page.getByTestId('schedule-remaining');
  await expect(remaining).toHaveAttribute('data-seconds', /^(?!0$)/);
  const first = Number(await remaining.getAttribute('data-seconds'));
  expect(first).toBeGreaterThan(0);
  // Each waiting node names the chain of what it waits on, down to what runs: resources of the design.
  const names = new Set(await page.locator('[data-testid=node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource')!)));
  await expect(page.locator('[data-testid=node-waiting]').first()).toBeVisible();
  const waiting = await page.locator('[data-testid=node-waiting]').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  expect(waiting.length).toBeGreaterThan(0);
  for (const text of waiting) {
    const chain = /^waiting on (.+)$/.exec(text)?.[1]?.split(' → ') ?? [];
    expect(chain.length, text).toBeGreaterThan(0);
    for (const name of chain) expect(names.has(name), `${text}: ${name}`).toBe(true);
  }
  await expect.poll(async () => Number(await remaining.getAttribute('data-seconds')), { timeout: 30_000 }).toBeLessThan(first);
  await screenshot(page, 'schedule-live');
  await expect(
    page.locator('[data-testid=schedule-row][data-state=running], [data-testid=schedule-row][data-state=done]').first(),
  ).toBeVisible();
  await expect(page.locator('[data-testid=schedule-row][data-state=done]')).toHaveCount(40, { timeout: 60_000 });
  await expect(remaining).toContainText('took');
  await page.getByTestId('tab-deploy').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE');
});
