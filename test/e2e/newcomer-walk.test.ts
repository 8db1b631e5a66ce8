/**
 * A newcomer's first hour, in a real browser: start the demo, see a reading and the sunrise on
 * the dashboard, press charge and see it applied, import *Basic read* in the editor, deploy, and
 * see a reading in the debug sidebar with still one account. Its screenshots (test-artifacts/editor/
 * newcomer-*.png) are where docs/demo-dashboard.png comes from.
 * The command's end ("until hh:mm") must be simulated time at the site, 30 simulated minutes after
 * the press: the demo puts the control node on the simulator's clock (docs/demo.md).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, deploy, launchBrowser, screenshot, waitFor } from '../helpers/editor-browser';
import { startDemo, type DemoProcess } from '../helpers/demo-process';


/** Minutes since midnight of the dashboard's "2026-12-07 06:15". */
function simulatedMinute(text: string): number {
  const m = /(\d\d):(\d\d)$/.exec(text);
  if (!m) throw new Error(`no simulated time on the dashboard: "${text}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The value a dashboard ui-text shows beside its label ('' until it has one). */
async function dashboardText(page: Page, label: string): Promise<string> {
  return page.evaluate((wanted) => {
    for (const row of Array.from(document.querySelectorAll('.nrdb-ui-text'))) {
      if (row.querySelector('.nrdb-ui-text-label')?.textContent?.trim() === wanted) return row.querySelector('.nrdb-ui-text-value')?.textContent?.trim() ?? '';
    }
    return '';
  }, label);
}

describe('a newcomer\'s first hour: demo, dashboard, charge, an example in the editor', function () {
  this.timeout(300_000);
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-newcomer-'));
  let demo: DemoProcess;
  let browser: Browser;
  let dashboard: Page;
  let editor: Page;
  const pageErrors: string[] = [];

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo(userDir);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    if (dashboard) await screenshot(dashboard, 'newcomer-failed-dashboard');
    if (editor) await screenshot(editor, 'newcomer-failed-editor');
  });

  it('the dashboard shows a reading: PV, load, grid, battery and SoC, in the simulated morning after sunrise', async () => {
    // Tall enough for the whole page, so the screenshot needs no resize (which redraws the charts).
    dashboard = await browser.newPage({ viewport: { width: 1400, height: 1320 } });
    dashboard.on('pageerror', (err) => pageErrors.push(err.message));
    await dashboard.goto(`${demo.url}/dashboard/`);
    let time = '';
    let pv = '';
    await waitFor(async () => {
      time = await dashboardText(dashboard, 'Simulated time (Brisbane)');
      pv = await dashboardText(dashboard, 'PV');
      return /^\d{4}-\d\d-\d\d (0[6-9]|1[0-2]):\d\d$/.test(time) && /^([1-9]\d* W|\d+\.\d kW)$/.test(pv);
    }, 'a reading after sunrise on the dashboard', 120_000);
    should(await dashboardText(dashboard, 'House load')).match(/^(\d+ W|\d+\.\d kW)$/);
    should(await dashboardText(dashboard, 'Grid')).match(/^(import|export) (\d+ W|\d+\.\d kW)$/);
    should(await dashboardText(dashboard, 'Battery SoC')).match(/^\d+(\.\d)? %$/);
    should(await dashboardText(dashboard, 'Battery')).match(/^((dis)?charging (\d+ W|\d+\.\d kW)|idle)$/);
    // The demo reads every 10 s (ten simulated minutes): let the charts gather the morning.
    await new Promise((r) => setTimeout(r, 45_000));
    await dashboard.screenshot({ path: path.join(ARTIFACTS, 'newcomer-dashboard.png') });
  });

  it('pressing charge sends it for 30 simulated minutes, and the read-back says it was applied', async () => {
    const pressedAt = simulatedMinute(await dashboardText(dashboard, 'Simulated time (Brisbane)'));
    await dashboard.getByRole('button', { name: /charge 3 kW/i }).first().click();
    let last = '';
    await waitFor(async () => /^charge 3000 W until \d\d:\d\d · sent$|applied/.test((last = await dashboardText(dashboard, 'Last command'))), `the command on the dashboard, have "${last}"`, 30_000);
    // The end is the simulated time at the site 30 minutes on (the dashboard's clock lags by up to
    // one reading, ten simulated minutes at 60x), not the host's time.
    const until = /until (\d\d):(\d\d)/.exec(last)!;
    const minutesLater = (Number(until[1]) * 60 + Number(until[2]) - pressedAt + 1440) % 1440;
    should(minutesLater).be.within(30, 30 + 15);
    await waitFor(async () => /^charge 3000 W until \d\d:\d\d · applied$/.test((last = await dashboardText(dashboard, 'Last command'))), `"applied" on the dashboard, have "${last}"`, 60_000);
    await waitFor(async () => /ChargeBattery/.test(await dashboardText(dashboard, 'Inverter mode')), 'the inverter mode', 120_000);
    await dashboard.screenshot({ path: path.join(ARTIFACTS, 'newcomer-dashboard-charging.png') });
    should(pageErrors).eql([]);
  });

  it('imports "Basic read" in the editor, deploys, and a reading reaches the debug sidebar, with one account', async () => {
    editor = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    editor.on('pageerror', (err) => pageErrors.push(err.message));
    await editor.goto(demo.url);
    await editor.locator('#red-ui-palette-search:not(.hide)').waitFor({ state: 'attached', timeout: 60_000 });
    await editor.evaluate(() => (window as any).RED.actions.invoke('core:show-examples-import-dialog')); // eslint-disable-line @typescript-eslint/no-explicit-any
    const dialog = editor.locator('#red-ui-clipboard-dialog');
    await dialog.getByText('@solar-nodes/node-red-redback', { exact: true }).click();
    await dialog.getByText('Basic read', { exact: true }).click();
    await editor.locator('#red-ui-clipboard-dialog-ok').click();
    // The example's account has the demo account's id: Node-RED says the nodes exist, and its
    // "Import copy" gives the example's own nodes new ids but keeps the account there is.
    const notice = editor.locator('.red-ui-notification', { hasText: 'already exist' });
    await notice.waitFor({ state: 'visible' });
    await screenshot(editor, 'newcomer-import-conflict');
    await notice.getByRole('button', { name: 'Import copy' }).click();
    await waitFor(() => editor.evaluate(() => (window as any).RED.nodes.filterNodes({ type: 'redback-read' }).length === 2), 'the imported read node'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const accounts = await editor.evaluate(() => {
      const ids: string[] = [];
      (window as any).RED.nodes.eachConfig((n: { id: string; type: string }) => { if (n.type === 'redback-config') ids.push(n.id); }); // eslint-disable-line @typescript-eslint/no-explicit-any
      return ids;
    });
    should(accounts).eql(['redback-account']);
    await deploy(editor);
    await editor.evaluate(() => (window as any).RED.sidebar.show('debug')); // eslint-disable-line @typescript-eslint/no-explicit-any
    const reading = editor.locator('.red-ui-debug-msg', { hasText: 'pvPowerW' }).first();
    await reading.waitFor({ state: 'visible', timeout: 30_000 });
    should(await editor.locator('.red-ui-debug-msg .red-ui-debug-msg-name', { hasText: 'site' }).count()).be.above(0);
    await screenshot(editor, 'newcomer-debug-reading');
    should(pageErrors).eql([]);
  });
});
