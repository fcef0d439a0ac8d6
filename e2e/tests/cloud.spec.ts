// The designer against a real OpenStack (e2e/cloud-server.ts: a real
// Keystone and Heat, and a Hearth server whose clouds.yaml names them
// "e2e"): deploy from the run panel's target picker, see Heat's states
// arrive on the nodes in dependency order, open the cloud's stack on a
// fresh canvas from the cloud's list, and delete it.
import { expect, test } from '@playwright/test';
import { cloudPort } from '../playwright.config.ts';
import { newDesign, node, recordStatuses, recordedStatuses } from './helpers.ts';

test.use({ baseURL: `http://127.0.0.1:${cloudPort}` });

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

// Each resource takes a second, longer than Hearth's poll of Heat's events
// (0.5 s), so each node shows IN_PROGRESS before COMPLETE.
const TEMPLATE = `heat_template_version: 2018-08-31
resources:
  first: {type: OS::Heat::TestResource, properties: {value: one, action_wait_secs: {create: 1}}}
  second: {type: OS::Heat::TestResource, depends_on: first, properties: {value: two, action_wait_secs: {create: 1}}}
  label: {type: OS::Heat::TestResource, properties: {value: {get_attr: [second, output]}, action_wait_secs: {create: 1}}}
`;

test('deploys from the designer to a real Heat: its states arrive on the nodes in order; the cloud’s stack opens on a fresh canvas', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const name = `e2e-cloud-${Date.now()}`;
  await newDesign(page, TEMPLATE);
  await expect(page.locator('[data-testid=node]')).toHaveCount(3);
  // Every state each node shows, in the order it showed them.
  await recordStatuses(page);

  await page.getByTestId('target').selectOption('e2e');
  await expect(page.getByTestId('real-cloud-note')).toBeVisible();
  await expect(page.getByLabel('Simulated latency')).toHaveCount(0);
  await page.getByLabel('Stack name').fill(name);
  await page.getByTestId('plan').click();
  await expect(page.getByTestId('heat-verdict')).toHaveAttribute('data-valid', 'true');
  await page.getByTestId('apply').click();
  await expect(page.getByTestId('confirm')).toContainText('on e2e (real resources in your project)');
  await page.getByTestId('confirm-apply').click();
  await expect(page.getByTestId('stack-target')).toHaveAttribute('data-target', 'e2e');
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 120_000 });
  await expect(node(page, 'label')).toHaveAttribute('data-status', 'CREATE_COMPLETE');

  const changes = await recordedStatuses(page);
  const at = (resource: string, state: string) => changes.findIndex(([r, s]) => r === resource && s === state);
  for (const r of ['first', 'second', 'label']) {
    expect(at(r, 'CREATE_IN_PROGRESS'), `${r} in progress`).toBeGreaterThanOrEqual(0);
    expect(at(r, 'CREATE_IN_PROGRESS')).toBeLessThan(at(r, 'CREATE_COMPLETE'));
  }
  expect(at('first', 'CREATE_COMPLETE')).toBeLessThan(at('second', 'CREATE_IN_PROGRESS'));
  expect(at('second', 'CREATE_COMPLETE')).toBeLessThan(at('label', 'CREATE_IN_PROGRESS'));

  // A fresh canvas: the cloud's list has the stack; opening it brings its template from Heat, and its states.
  await newDesign(page, 'heat_template_version: 2018-08-31\n');
  await page.getByTestId('tab-stacks').click();
  await page.getByLabel('Cloud').selectOption('e2e');
  const listed = page.locator(`[data-cloud-stack="${name}"]`);
  await expect(listed).toContainText('CREATE_COMPLETE');
  await expect(listed).toContainText('in Hearth');
  await listed.getByRole('button', { name }).click();
  await expect(page.locator('[data-testid=node]')).toHaveCount(3);
  await expect(node(page, 'second')).toHaveAttribute('data-status', 'CREATE_COMPLETE');

  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('tab-deploy').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE');
  await expect(page.getByTestId('stack-target')).toHaveAttribute('data-target', 'e2e');
  await expect(page.getByTestId('target')).toBeDisabled();
  await page.getByTestId('delete-stack').click();
  await expect(node(page, 'first')).toHaveAttribute('data-status', 'DELETE_COMPLETE', { timeout: 120_000 });
  await expect(page.getByTestId('run-panel')).toContainText('not deployed', { timeout: 60_000 });
});
