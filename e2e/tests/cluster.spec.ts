// The designer against an API server whose stacks run on two engine workers
// sharing PostgreSQL (e2e/cluster-server.ts): the canvas follows a deployment
// whatever worker acts, and the event log is the stored one.
import { expect, test } from '@playwright/test';
import { clusterPort } from '../playwright.config.ts';
import { deploy, exportedEvents, logHolds, openExample } from './helpers.ts';

test.use({ baseURL: `http://127.0.0.1:${clusterPort}` });

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

test('on two workers, the SQL Server cluster deploys live on the canvas; a reload resumes the complete event log', async ({ page }) => {
  await openExample(page);
  // The run panel says what runs the stacks: the two workers.
  // (Workers start beside the server, and the panel looks every 5 seconds.)
  await expect(page.getByTestId('engines')).toHaveAttribute('data-count', '2', { timeout: 20_000 });
  await expect(page.getByTestId('engines')).toContainText('2 engine workers');
  // Slow enough (13 waves of 1 s) that the page sees it running and reloads mid-run on a busy machine: at
  // 0.2 s, with both cores busy, the page first saw the stack once it was complete.
  await deploy(page, 'sql-workers', { latency: '1' });
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_IN_PROGRESS');
  await expect(page.locator('[data-testid=node][data-status="CREATE_IN_PROGRESS"]').first()).toBeVisible();
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]').nth(10)).toBeVisible({ timeout: 30_000 });
  await page.reload();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 60_000 });
  await expect(page.locator('[data-testid=node][data-status="CREATE_COMPLETE"]')).toHaveCount(40);

  await page.getByTestId('tab-events').click();
  const server = await page.request.post('/trpc/stacks.events', { data: { stack: 'sql-workers', limit: 1000 } });
  const expected = ((await server.json()) as { result: { data: { events: Array<{ id: number }> } } }).result.data.events.map((e) => e.id);
  await logHolds(page, expected);
  // Both workers took part, and each event says which one wrote it (a line's title says it too).
  const writers = new Set((await exportedEvents(page)).map((e) => e.engineId));
  expect([...writers].filter((w) => w?.startsWith('worker-'))).toHaveLength(2);
  expect(await page.locator('[data-testid=event]').last().getAttribute('title')).toContain('(written by ');
});
