/**
 * The editor registers all three node types on every load, whatever order the browser finishes
 * loading the dialogs' scripts in: a real chromium opens a real Node-RED's editor many times,
 * each in a fresh profile, first with an empty cache and then again with the cache filled, and
 * records every page error, console error and failed request.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM } from '../helpers/editor-browser';
import { startNodeRed, type NodeRedProcess } from '../helpers/node-red-process';

const TYPES = ['redback-config', 'redback-read', 'redback-control'];
const PROFILES = 6;

interface LoadResult {
  registered: string[];
  problems: string[];
}

async function loadEditor(context: BrowserContext, url: string): Promise<LoadResult> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  // The dialogs carry the shared editor code inline: no set waits for a script to load.
  page.on('request', (r) => {
    if (/redback-editor\.js/.test(r.url())) problems.push(`fetched ${r.url()}`);
  });
  try {
    await page.goto(url);
    // Node-RED shows the palette's search box once every node set's dialog has been evaluated.
    await page.locator('#red-ui-palette-search:not(.hide)').waitFor({ state: 'attached', timeout: 60_000 });
    const registered = await page.evaluate((types) => types.filter((t) => !!(window as any).RED.nodes.getType(t)), TYPES); // eslint-disable-line @typescript-eslint/no-explicit-any
    return { registered, problems };
  } finally {
    await page.close();
  }
}

describe('editor: every node type registers on every load (fresh profiles, cold and warm cache)', function () {
  this.timeout(600_000);
  let nr: NodeRedProcess;

  before(async () => {
    nr = await startNodeRed();
  });
  after(async () => {
    await nr?.stop();
  });

  it(`loads the editor ${PROFILES * 2} times in ${PROFILES} fresh profiles and sees all three types each time, with no page error`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < PROFILES; i++) {
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-profile-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      try {
        for (const cache of ['cold cache', 'warm cache']) {
          const { registered, problems } = await loadEditor(context, nr.url);
          const missing = TYPES.filter((t) => !registered.includes(t));
          if (missing.length > 0 || problems.length > 0) failures.push(`profile ${i + 1}, ${cache}: missing ${JSON.stringify(missing)}; ${problems.join('; ')}`);
        }
      } finally {
        await context.close();
        fs.rmSync(profile, { recursive: true, force: true });
      }
    }
    should(failures).eql([]);
  });
});
