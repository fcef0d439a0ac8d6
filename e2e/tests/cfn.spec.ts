// A CloudFormation-format template in the designer: a real one from
// OpenStack's heat-templates (../shared/corpus/cfn), JSON, with an AWS
// AutoScalingGroup and two scaling policies. It opens with its Ref edges,
// an edge drawn on the canvas is written as JSON in its own keys (the rest of
// the file stays byte for byte), it deploys on the simulated cloud, and its
// group grows when its scale-up policy's AlarmUrl is signalled.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { edge, editorText, fitCount, node, viewFitted } from './helpers.ts';

const repo = resolve(fileURLToPath(import.meta.url), '../../..');
// The shared corpus beside the repository, else the copy every clone has in test-data/.
const corpus =
  [join(repo, '../shared/corpus/cfn'), join(repo, 'test-data/heat-corpus/cfn')].find((c) => existsSync(join(c, 'index.json'))) ?? '';
const TEMPLATE = join(corpus, 'heat-templates/cfn/aws_asg.template');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => {
    throw e;
  });
});

/** The simulated servers of a stack (its group's members live in a nested stack). */
async function servers(page: import('@playwright/test').Page, stack: string): Promise<number> {
  const response = await page.request.get(`/trpc/stacks.inventory?input=${encodeURIComponent(JSON.stringify({ stack }))}`);
  const body = (await response.json()) as { result: { data: { objects: Array<{ kind: string }> } } };
  return body.result.data.objects.filter((o) => o.kind === 'server').length;
}

test('a CloudFormation template opens, is edited on the canvas in its own format, deploys, and scales when its policy is signalled', async ({
  page,
}) => {
  const text = readFileSync(TEMPLATE, 'utf8');
  await page.goto('/');
  await page
    .getByTestId('import-input')
    .setInputFiles([{ name: 'aws_asg.template', mimeType: 'application/json', buffer: Buffer.from(text) }]);
  await expect(node(page, 'ASG')).toBeVisible();
  await expect(page.locator('[data-testid=node]')).toHaveCount(4);
  // Ref makes the same edges as get_resource; nothing is unknown or wrong.
  await expect(edge(page, 'ASG', 'LaunchConfig', 'get_resource')).toHaveCount(1);
  await expect(edge(page, 'ScaleUpPolicy', 'ASG', 'get_resource')).toHaveCount(1);
  await expect(page.locator('[data-testid=node-errors]')).toHaveCount(0);
  expect(await editorText(page)).toBe(text);

  // Drawing ScaleDnPolicy → ScaleUpPolicy writes DependsOn, as JSON, and nothing else changes.
  const fits = await fitCount(page);
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await viewFitted(page, fits);
  await node(page, 'ScaleDnPolicy').locator('.react-flow__handle-left').hover();
  await page.mouse.down();
  const target = (await node(page, 'ScaleUpPolicy').locator('.react-flow__handle-right').boundingBox())!;
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(edge(page, 'ScaleDnPolicy', 'ScaleUpPolicy')).toHaveCount(1);
  const edited = await editorText(page);
  const inserted = /,\n {6}"DependsOn" : "ScaleUpPolicy"/; // in the file's own style: `"key" : value`
  expect(edited).toMatch(inserted);
  expect(edited.replace(inserted, '')).toBe(text);
  expect(() => JSON.parse(edited)).not.toThrow();

  // Deploy: the two parameters without defaults get values.
  await page.getByTestId('tab-deploy').click();
  await page.getByLabel('Stack name').fill('cfn-asg');
  await page.getByLabel('Simulated latency').fill('0.05');
  await page.locator('[data-param=KeyName] input').fill('mykey');
  await page.locator('[data-param=Image] input').fill('fedora-20');
  await page.getByTestId('apply').click();
  await page.getByTestId('confirm-apply').click();
  await expect(page.getByTestId('stack-status')).toHaveAttribute('data-state', 'CREATE_COMPLETE', { timeout: 30_000 });
  await expect(node(page, 'ASG')).toHaveAttribute('data-status', 'CREATE_COMPLETE');
  expect(await servers(page, 'cfn-asg')).toBe(3); // DesiredCapacity

  // The scale-up webhook, from the outputs: a POST with no body or headers adds one instance.
  await page.getByTestId('tab-outputs').click();
  const url = await page.locator('[data-output="scale_up_url"] .output-value').textContent();
  expect(url).toMatch(/\/signal\/[0-9a-f-]{36}\?token=\S+$/);
  const response = await page.request.post(url!.trim());
  expect(response.status()).toBe(200);
  expect(await servers(page, 'cfn-asg')).toBe(4);
  await page.getByTestId('tab-events').click();
  // The policy's own lines (the log shows the lines about its view; the stack's are many).
  await page.getByLabel('Filter by resource').fill('ScaleUpPolicy');
  await expect(page.locator('[data-testid=event]').filter({ hasText: 'ScaleUpPolicy' }).filter({ hasText: 'SIGNAL' })).toHaveCount(1);
});
