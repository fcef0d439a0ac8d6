// The run panel belongs to the design that is open: a second design acts on
// nothing of the first one's stack, and the first finds its stack again; a
// replaced resource shows its new copy's state, live and after a reload.
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { deploy, editorText, newDesign, node, openExample, setEditorText } from './helpers.ts';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('a design opened after another one’s deployment has no stack, plan or live state of it; reopening the first finds its stack', async ({
  page,
}) => {
  const first = `bound-${randomUUID().slice(0, 8)}`;
  await openExample(page);
  await deploy(page, first, { latency: '0.01' });
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 30_000 });
  await page.getByTestId('plan').click();
  await expect(page.getByTestId('plan-summary')).toBeVisible();

  await newDesign(page, 'heat_template_version: 2018-08-31\nresources:\n  only: {type: OS::Heat::None}\n');
  await expect(node(page, 'only')).toBeVisible();
  await expect(page.getByTestId('run-panel')).toContainText('not deployed');
  await expect(page.getByTestId('delete-stack')).toHaveCount(0);
  await expect(page.getByTestId('apply')).toHaveText('Deploy…');
  await expect(page.getByTestId('plan-summary')).toHaveCount(0);
  await expect(page.getByLabel('Stack name')).not.toHaveValue(first);
  await expect(page.locator('[data-testid=node][data-status]')).toHaveCount(0);
  // A reload (once the new design is saved) keeps it that way.
  await expect(page).toHaveURL(/design=/);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.reload();
  await expect(node(page, 'only')).toBeVisible();
  await expect(page.getByTestId('delete-stack')).toHaveCount(0);

  await openExample(page);
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE');
  await expect(page.getByLabel('Stack name')).toHaveValue(first);
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]')).toHaveCount(40);
});

test('a resource replaced by an update shows its new copy’s state, not the old copy’s delete, live and after a reload', async ({
  page,
}) => {
  await newDesign(
    page,
    'heat_template_version: 2018-08-31\nresources:\n  secret:\n    type: OS::Heat::RandomString\n    properties: {length: 12}\n',
  );
  await deploy(page, `replaced-${randomUUID().slice(0, 8)}`);
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 20_000 });
  // The update's events follow those shown: the log is never emptied and read again meanwhile.
  await page.evaluate(() => {
    const w = window as unknown as {
      hearth: { run: { subscribe(listener: (s: { events: unknown[] }, prev: { events: unknown[] }) => void): void } };
      logShrank: boolean;
    };
    w.logShrank = false;
    w.hearth.run.subscribe((s, prev) => {
      if (s.events.length < prev.events.length) w.logShrank = true;
    });
  });
  await setEditorText(page, (await editorText(page)).replace('length: 12', 'length: 16'));
  await page.getByTestId('apply').click();
  await page.getByTestId('confirm-apply').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'UPDATE_COMPLETE', { timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { logShrank: boolean }).logShrank)).toBe(false);
  await page.getByTestId('tab-events').click();
  // The old copy's delete is in the log...
  await expect(page.getByTestId('event').filter({ hasText: 'DELETE_COMPLETE' })).toHaveCount(1);
  // ...and not on the node.
  await expect(node(page, 'secret')).toHaveAttribute('data-status', 'CREATE_COMPLETE');
  await page.reload();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'UPDATE_COMPLETE', { timeout: 20_000 });
  await expect(node(page, 'secret')).toHaveAttribute('data-status', 'CREATE_COMPLETE');
});

test('a deployment the server refuses leaves the panel following nothing; the next one is followed from its first event', async ({
  page,
}) => {
  const name = `refused-${randomUUID().slice(0, 8)}`;
  await newDesign(page, 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None, depends_on: [missing]}\n');
  await expect(node(page, 'a')).toBeVisible();
  await deploy(page, name, { latency: '0' });
  await expect(page.getByTestId('notice')).toContainText('missing');
  await expect(page.getByTestId('run-panel')).toContainText('not deployed');
  await expect(page.getByTestId('delete-stack')).toHaveCount(0);
  await expect(page).not.toHaveURL(/stack=/);
  // The stack is watched before it is made: its node follows it while the create's answer is held back.
  await setEditorText(page, 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n');
  await expect(page.getByTestId('diagnostics')).toHaveText('0');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/trpc/stacks.create**', async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  await deploy(page, name, { latency: '0' });
  await expect(node(page, 'a')).toHaveAttribute('data-status', 'CREATE_COMPLETE', { timeout: 30_000 });
  release();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE');
  await expect(page).toHaveURL(new RegExp(`stack=${name}`));
});

test('a stack deleted since the stacks were listed, when picked, is not followed and the panel says why', async ({ page }) => {
  const gone = `gone-${randomUUID().slice(0, 8)}`;
  await newDesign(page, 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n');
  await expect(node(page, 'a')).toBeVisible();
  const made = await page.request.post('/trpc/stacks.create', {
    data: { name: gone, template: 'heat_template_version: 2018-08-31\nresources: {}\n', options: { simulation: { latency: 0 } } },
  });
  expect(made.ok()).toBe(true);
  await page.getByTestId('tab-stacks').click();
  const pick = page.getByTestId('stacks').getByRole('button', { name: gone, exact: true });
  await expect(pick).toBeVisible();
  const deleted = await page.request.post('/trpc/stacks.delete', { data: { stack: gone } });
  expect(deleted.ok()).toBe(true);
  await expect
    .poll(async () => (await page.request.post('/trpc/stacks.find', { data: { stack: gone } })).json())
    .toMatchObject({ result: { data: null } });
  await pick.click();
  await expect(page.getByTestId('notice')).toContainText(`Cannot follow the stack ${gone}`);
  await expect(pick).toHaveCount(0);
  await page.getByTestId('tab-deploy').click();
  await expect(page.getByTestId('run-panel')).toContainText('not deployed');
  await expect(page).not.toHaveURL(/stack=/);
});
