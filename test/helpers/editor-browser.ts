/** Drives Node-RED's real editor in Debian's chromium through playwright-core. */
import fs from 'fs';
import path from 'path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { PACKAGE_ROOT } from './node-red-process';
import { NODE_RED_VERSION } from './node-red-under-test';
import { waitUntil } from './real-time';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots; a compatibility run keeps its own beside the main run's. */
export const ARTIFACTS = path.join(PACKAGE_ROOT, 'test-artifacts', 'editor', process.env.REDBACK_NODE_RED ? `node-red-${NODE_RED_VERSION}` : '');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the editor and waits until the palette has our nodes. */
export async function openEditor(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  errorsOf.set(page, errors);
  await page.goto(url);
  await page.locator('.red-ui-palette-node[data-palette-type="redback-read"]').waitFor({ state: 'attached' });
  // The palette gains each type as its set loads; the search box shows once every set has loaded.
  await page.locator('#red-ui-palette-search:not(.hide)').waitFor({ state: 'attached' });
  return page;
}

const errorsOf = new WeakMap<Page, string[]>();

/** Uncaught script errors in the page since `openEditor`. */
export function scriptErrors(page: Page): string[] {
  return errorsOf.get(page) ?? [];
}

export function paletteNode(page: Page, type: string): Locator {
  return page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
}

/** Filters the palette, drags `type` onto the workspace at (x, y) and returns its id. */
export async function dropNode(page: Page, type: string, x: number, y: number): Promise<string> {
  const before = await nodeIds(page, type);
  const filter = page.locator('#red-ui-palette-search input');
  await filter.fill('');
  await filter.pressSequentially('redback');
  const source = paletteNode(page, type);
  await source.waitFor({ state: 'visible' });
  const from = await settledBox(source);
  const chart = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, { steps: 3 });
  await page.mouse.move(chart.x + x, chart.y + y, { steps: 20 });
  await page.mouse.up();
  let added: string[] = [];
  await waitFor(async () => {
    added = (await nodeIds(page, type)).filter((id) => !before.includes(id));
    return added.length === 1;
  }, `a ${type} node dropped on the workspace`);
  return added[0];
}

/** The element's box once it has stopped moving (the palette animates after filtering). */
async function settledBox(element: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await element.boundingBox();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await element.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y) return now;
    last = now;
  }
  throw new Error('the palette kept moving');
}

export function nodeIds(page: Page, type: string): Promise<string[]> {
  return page.evaluate((t) => (window as any).RED.nodes.filterNodes({ type: t }).map((n: { id: string }) => n.id), type); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The node's shape on the workspace. */
export function canvasNode(page: Page, id: string): Locator {
  return page.locator(`g.red-ui-flow-node-group[id="${id}"] rect.red-ui-flow-node`);
}

export async function openNode(page: Page, id: string): Promise<void> {
  await canvasNode(page, id).dblclick();
  await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
}

/** Presses Done or Cancel and waits until the edit tray has gone. */
export async function closeDialog(page: Page, button: 'ok' | 'cancel'): Promise<void> {
  await page.locator(`#node-dialog-${button}`).click();
  await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
  await page.locator('#red-ui-editor-shade').waitFor({ state: 'hidden' });
}

export async function deploy(page: Page): Promise<void> {
  await page.locator('#red-ui-header-button-deploy').click();
  await waitFor(() => page.locator('#red-ui-header-button-deploy').evaluate((el) => el.classList.contains('disabled')), 'the deploy to finish');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A browser check is a round trip: look again every 100 ms, for up to 15 s unless told. */
export function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  return waitUntil(check, what, timeoutMs, 100);
}
