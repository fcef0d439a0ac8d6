// What the end-to-end tests do again and again in the designer.
import { readFile } from 'node:fs/promises';
import { expect, type Page } from '@playwright/test';

/** Opens a new design and puts `text` in the editor (as a paste would). */
export async function newDesign(page: Page, text: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('new-design').click();
  await expect(page.getByTestId('gallery')).toHaveCount(0);
  await setEditorText(page, text);
}

export async function setEditorText(page: Page, text: string): Promise<void> {
  await page.waitForFunction(() => Boolean((window as unknown as { hearthEditor?: unknown }).hearthEditor));
  await page.evaluate((t) => {
    const editor = (window as unknown as { hearthEditor: { getModel(): { setValue(v: string): void } } }).hearthEditor;
    editor.getModel().setValue(t);
  }, text);
}

export async function editorText(page: Page): Promise<string> {
  // The editor loads after the canvas.
  await page.waitForFunction(() => Boolean((window as unknown as { hearthEditor?: unknown }).hearthEditor));
  return page.evaluate(() =>
    (window as unknown as { hearthEditor: { getModel(): { getValue(): string } } }).hearthEditor.getModel().getValue(),
  );
}

/** Until the design's graph holds `count` resources (the text has been read). */
export async function resourcesRead(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      (window as unknown as { hearth: { design: { getState(): { graph: { resources: unknown[] } | null } } } }).hearth.design.getState()
        .graph?.resources.length === n,
    count,
  );
}

export function node(page: Page, name: string) {
  return page.locator(`[data-testid="node"][data-resource="${name}"]`);
}

export function edge(page: Page, source: string, target: string, kind = 'depends_on') {
  return page.locator(`[data-testid="edge"][data-source="${source}"][data-target="${target}"][data-kind="${kind}"]`);
}

/** The node's position on the canvas (flow coordinates, from its transform). */
export async function nodePosition(page: Page, name: string): Promise<{ x: number; y: number }> {
  return page.evaluate((n) => {
    const el = document.querySelector(`.react-flow__node[data-id="${n}"]`) as HTMLElement;
    const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(el.style.transform);
    return { x: Number(m?.[1]), y: Number(m?.[2]) };
  }, name);
}

/** Drags the node down and to the right with the mouse, in steps; its position before and after. */
export async function dragDownRight(
  page: Page,
  name: string,
): Promise<{ start: { x: number; y: number }; moved: { x: number; y: number } }> {
  const start = await nodePosition(page, name);
  const box = (await node(page, name).boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  // The drag starts past a threshold, from where the pointer is then: the first move only starts it.
  await page.mouse.move(x, y + 5);
  for (let i = 1; i <= 4; i++) await page.mouse.move(x + 20 * i, y + 5 + 30 * i);
  await page.mouse.up();
  await expect.poll(() => nodePosition(page, name)).not.toEqual(start);
  return { start, moved: await nodePosition(page, name) };
}

/** Puts the cursor at the end of the text and types, line by line (Monaco indents new lines itself). */
export async function typeAtEnd(page: Page, line: string): Promise<void> {
  await page.locator('[data-testid="yaml-editor"] .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(line);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/artifacts/screens/${name}.png` });
}

/** How many times the view was asked to fit so far (read it before an action that lays out or loads). */
export async function fitCount(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { hearth: { design: { getState(): { fitRequests: number } } } }).hearth.design.getState().fitRequests,
  );
}

/** Until the canvas shows a fit of the view newer than `since` (an automatic layout or a load landed and was fitted). */
export async function viewFitted(page: Page, since: number): Promise<void> {
  await page.waitForFunction((before) => {
    const state = (
      window as unknown as { hearth: { design: { getState(): { needsLayout: boolean; fitRequests: number } } } }
    ).hearth.design.getState();
    return (
      state.fitRequests > before &&
      !state.needsLayout &&
      document.querySelector('[data-testid=canvas]')?.getAttribute('data-fitted') === String(state.fitRequests)
    );
  }, since);
}

/** Opens the SQL Server cluster example from the gallery. */
export async function openExample(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('open-design').filter({ hasText: 'sql-server-cluster' }).click();
  await expect(page.locator('[data-testid=node]')).toHaveCount(40);
}

/** Deploys the open design from the Deploy tab (simulated latency, an injected failure). */
export async function deploy(page: Page, stack: string, options: { latency?: string; fail?: string } = {}): Promise<void> {
  await page.getByTestId('tab-deploy').click();
  await page.getByLabel('Stack name').fill(stack);
  await page.getByLabel('Simulated latency').fill(options.latency ?? '0.05');
  if (options.fail) {
    // The picker lists the resources while it is being chosen (focused), as when a user opens it.
    await page.getByLabel('Inject failure in').focus();
    await page.getByLabel('Inject failure in').selectOption(options.fail);
  }
  await page.getByTestId('apply').click();
  await page.getByTestId('confirm-apply').click();
}

/** Records, in order, every data-status a node takes from now on (read with recordedStatuses). */
export async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { statusLog: Array<[string, string]> };
    w.statusLog = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLElement;
        const status = el.getAttribute('data-status');
        const name = el.getAttribute('data-resource');
        if (status && name) w.statusLog.push([name, status]);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

/** Each [resource, status] recordStatuses saw, in order. */
export async function recordedStatuses(page: Page): Promise<Array<[string, string]>> {
  return page.evaluate(() => (window as unknown as { statusLog: Array<[string, string]> }).statusLog);
}

/** Puts the design's nodes at these positions (as an automatic layout does) and waits until the view fits them. */
export async function placeNodes(page: Page, positions: Record<string, { x: number; y: number }>): Promise<void> {
  const fits = await fitCount(page);
  await page.evaluate(
    (p) =>
      (
        window as unknown as { hearth: { design: { getState(): { setPositions(p: Record<string, { x: number; y: number }>): void } } } }
      ).hearth.design
        .getState()
        .setPositions(p),
    positions,
  );
  await viewFitted(page, fits);
}

/** How many stretches the edge's drawn path has: 1 for the plain curve, more for a route around nodes. */
export async function edgeSegments(page: Page, source: string, target: string): Promise<number> {
  const d = await edge(page, source, target).locator('path.react-flow__edge-path').getAttribute('d');
  return (d ?? '').split(/[CL]/).length - 1;
}

/** The event log's lines in the page, in order: those in view and a few around them (the log is virtualized). */
export async function eventLinesShown(page: Page): Promise<number[]> {
  return page.locator('[data-testid=event]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-event-id'))));
}

/** The whole event log, as the events tab's Export gives it (the tab must be open). */
export async function exportedEvents(page: Page): Promise<Array<{ id: number; engineId: string | null }>> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-events').click()]);
  const text = await readFile((await file.path())!, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: number; engineId: string | null });
}

/**
 * The log holds `expected` (event ids, oldest first), whole and once each, and, following the newest,
 * shows its last lines.
 */
export async function logHolds(page: Page, expected: number[]): Promise<void> {
  await expect(page.getByTestId('event-count')).toHaveText(String(expected.length));
  expect((await exportedEvents(page)).map((e) => e.id)).toEqual(expected);
  await expect.poll(async () => (await eventLinesShown(page)).at(-1)).toBe(expected.at(-1));
  const shown = await eventLinesShown(page);
  expect(shown).toEqual(expected.slice(expected.length - shown.length));
}
