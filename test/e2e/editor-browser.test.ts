/**
 * The editor in a real browser: Debian's chromium, driven by playwright-core, against a real
 * `node-red` loading this package and the bundled simulator. Screenshots go to test-artifacts/editor/.
 */
import should from 'should';
import type { Browser, Page } from 'playwright-core';
import type { RedbackSimulator } from '../../src/sim';
import { DEFAULT_CREDENTIALS } from '../../src/sim';
import { canvasNode, closeDialog, deploy, dropNode, launchBrowser, openEditor, openNode, scriptErrors, paletteNode, screenshot, waitFor } from '../helpers/editor-browser';
import { startNodeRed, type NodeRedProcess } from '../helpers/node-red-process';
import { startSim } from '../helpers/sim';

const SITES = ['S4b1e7c20d93a5', 'S7c0d2e9f4a61b', 'S9e2f4a6c8b0d1', 'Sa05d3c7e1f928'];
const SERIALS = ['RB21081800001734', 'RB22031500004412', 'RB23110200007785', 'RB24050600002201', 'RB24050600002202'];

function optionValues(page: Page, selector: string): Promise<string[]> {
  return page.locator(`${selector} option`).evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
}

describe('editor in a real browser', function () {
  this.timeout(120_000);
  let sim: RedbackSimulator;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    sim = await startSim({ clock: { start: '2026-01-15T02:00:00Z', speed: 1 } });
    nr = await startNodeRed();
    browser = await launchBrowser();
    page = await openEditor(browser, nr.url);
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    await sim?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('shows the read and control nodes in the Redback palette category, and the account as a config node', async () => {
    for (const type of ['redback-read', 'redback-control']) {
      const header = await paletteNode(page, type).evaluate((el) => el.closest('.red-ui-palette-category')?.querySelector('.red-ui-palette-header')?.textContent?.trim());
      should(header).equal('Redback');
    }
    should(await paletteNode(page, 'redback-read').innerText()).match(/redback\s+read/);
    // Config nodes never appear in the palette; the editor knows redback-config as one.
    should(await page.evaluate(() => (window as any).RED.nodes.getType('redback-config').category)).equal('config'); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  let readId: string;
  it('adds an account from the read dialog: Test connection explains a wrong secret, then succeeds', async () => {
    readId = await dropNode(page, 'redback-read', 300, 150);
    await openNode(page, readId);
    should(await page.locator('#node-input-redback-sites-message').innerText()).match(/Choose or add a Redback account/);
    // Node-RED 4 and 5 have an add button; 3.x a single pencil button that adds when nothing is chosen.
    await page.locator('#node-input-btn-account-add, #node-input-lookup-account').first().click();
    await page.locator('#node-config-input-clientId').waitFor({ state: 'visible' });
    await page.fill('#node-config-input-name', 'Simulator');
    await page.fill('#node-config-input-apiUrl', sim.url);
    await page.fill('#node-config-input-portalUrl', sim.url);
    await page.fill('#node-config-input-clientId', DEFAULT_CREDENTIALS.clientId);
    await page.fill('#node-config-input-clientSecret', 'Browser-Wrong-Secret');
    should(await page.locator('#node-config-input-clientSecret').getAttribute('type')).equal('password');
    should(await page.locator('#node-config-input-password').getAttribute('type')).equal('password');

    const result = page.locator('#node-config-input-redback-test-result');
    await page.locator('#node-config-input-redback-test').click();
    await page.locator('#node-config-input-redback-test-result[data-outcome="error"]').waitFor();
    should(await result.innerText()).match(/^Public API failed: .*HTTP 401 unauthorized_client/);
    should(await result.innerText()).not.containEql('Browser-Wrong-Secret');
    await screenshot(page, '1-test-connection-wrong-secret');

    await page.fill('#node-config-input-clientSecret', DEFAULT_CREDENTIALS.clientSecret);
    await page.fill('#node-config-input-email', DEFAULT_CREDENTIALS.email);
    await page.fill('#node-config-input-password', DEFAULT_CREDENTIALS.password);
    await page.locator('#node-config-input-redback-test').click();
    await page.locator('#node-config-input-redback-test-result[data-outcome="ok"]').waitFor();
    should(await result.innerText()).equal('Connected: 4 sites with 5 inverters. Portal login OK.');
    await screenshot(page, '2-test-connection-ok');
    await page.locator('#node-config-dialog-ok').click();
  });

  it("lists the simulator's sites and a site's inverters in the read dialog, before the account is deployed", async () => {
    await waitFor(async () => (await optionValues(page, '#node-input-site')).length === 5, 'the site drop-down to fill');
    should(await optionValues(page, '#node-input-site')).eql(['', ...SITES]);
    should(await page.locator('#node-input-redback-sites-message').innerText()).equal('4 sites found.');
    should(await optionValues(page, '#node-input-serial')).eql(['', ...SERIALS]);
    await page.selectOption('#node-input-site', 'Sa05d3c7e1f928');
    should(await optionValues(page, '#node-input-serial')).eql(['', 'RB24050600002201', 'RB24050600002202']);
    await page.selectOption('#node-input-site', 'S4b1e7c20d93a5');
    await screenshot(page, '3-read-dialog-sites');
    await closeDialog(page, 'ok');
    should(await page.evaluate((id) => (window as any).RED.nodes.node(id).site, readId)).equal('S4b1e7c20d93a5'); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it("shows a reading in the read node's status after deploy", async () => {
    await deploy(page);
    const status = page.locator(`g.red-ui-flow-node-group[id="${readId}"] .red-ui-flow-node-status-label`);
    await waitFor(async () => /SoC \d+%/.test((await status.textContent()) ?? ''), 'a reading in the status', 30_000);
    should(await status.textContent()).match(/^PV \d+(\.\d)? kW · SoC \d+% · \d\d:\d\d$/);
    await screenshot(page, '4-read-status-after-deploy');
  });

  it("offers the deployed account's inverters in the control dialog and checks the duration", async () => {
    const controlId = await dropNode(page, 'redback-control', 300, 260);
    await openNode(page, controlId);
    const accountId = await page.evaluate(() => {
      let id = '';
      (window as any).RED.nodes.eachConfig((n: { id: string; type: string }) => { if (n.type === 'redback-config') id = n.id; }); // eslint-disable-line @typescript-eslint/no-explicit-any
      return id;
    });
    await page.selectOption('#node-input-account', accountId);
    await waitFor(async () => (await optionValues(page, '#node-input-serial')).length === 6, 'the inverter drop-down to fill');
    should(await optionValues(page, '#node-input-serial')).eql(['', ...SERIALS]);
    // Five inverters: the empty choice (the only inverter) would fail, and says so.
    should(await page.locator('#node-input-serial option').first().innerText()).equal('choose an inverter');

    const duration = page.locator('#node-input-durationMinutes');
    await duration.fill('0');
    await duration.dispatchEvent('change');
    await waitFor(() => duration.evaluate((el) => el.classList.contains('input-error')), 'duration 0 to be marked invalid');
    await duration.fill('90');
    await duration.dispatchEvent('change');
    await waitFor(async () => !(await duration.evaluate((el) => el.classList.contains('input-error'))), 'duration 90 to be accepted');

    should(await page.locator('#node-input-chargeBelow').isVisible()).be.false();
    await page.locator('#node-input-pricePolicy').check();
    should(await page.locator('#node-input-chargeBelow').isVisible()).be.true();
    should(await page.locator('#node-input-haIntervalMinutes').isVisible()).be.false();
    await page.selectOption('#node-input-priceSource', 'homeassistant');
    should(await page.locator('#node-input-haIntervalMinutes').isVisible()).be.true();
    await page.selectOption('#node-input-priceSource', 'amber');
    should(await page.locator('#node-input-haIntervalMinutes').isVisible()).be.false();
    const power = page.locator('#node-input-pricePowerW');
    await power.fill('-5');
    await power.dispatchEvent('change');
    await waitFor(() => power.evaluate((el) => el.classList.contains('input-error')), 'power -5 to be marked invalid');
    await screenshot(page, '5-control-dialog');
    await closeDialog(page, 'cancel');
  });

  it('renders each node\'s help from the locale files, with Inputs, Outputs and Details', async () => {
    for (const [type, headings] of [['redback-read', ['Inputs', 'Outputs', 'Details']], ['redback-control', ['Inputs', 'Outputs', 'Details']], ['redback-config', ['Details']]] as const) {
      const html = await page.evaluate((t) => (window as any).RED.nodes.getNodeHelp(t) as string, type); // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const heading of headings) should(html).containEql(`<h3>${heading}</h3>`);
    }
    await canvasNode(page, readId).click();
    await page.evaluate(() => (window as any).RED.sidebar.help.show('redback-read')); // eslint-disable-line @typescript-eslint/no-explicit-any
    await page.getByText('Reads a Redback site, its inverters and batteries').first().waitFor({ state: 'visible' });
    await screenshot(page, '6-read-help');
  });

  it('downloads diagnostics of the deployed account from its dialog, with pseudonyms instead of serials (issue 13)', async () => {
    const accountId = await page.evaluate(() => {
      let id = '';
      (window as any).RED.nodes.eachConfig((n: { id: string; type: string }) => { if (n.type === 'redback-config') id = n.id; }); // eslint-disable-line @typescript-eslint/no-explicit-any
      return id;
    });
    await page.evaluate((id) => (window as any).RED.editor.editConfig('', 'redback-config', id), accountId); // eslint-disable-line @typescript-eslint/no-explicit-any
    await page.locator('#node-config-input-redback-diagnostics').waitFor({ state: 'visible' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#node-config-input-redback-diagnostics').click()]);
    should(download.suggestedFilename()).match(/^redback-diagnostics-[\d-]+T\d{4}\.json$/);
    const file = JSON.parse(require('fs').readFileSync(await download.path(), 'utf8'));
    should(file.format).equal('redback-diagnostics');
    should(file.endpoints.length).be.above(0);
    should(file.versions.nodeRed).match(/^\d+\.\d+\.\d+/); // a real runtime tells its version
    const text = JSON.stringify(file);
    for (const id of [...SITES, ...SERIALS, DEFAULT_CREDENTIALS.clientSecret, DEFAULT_CREDENTIALS.password]) should(text).not.containEql(id);
    await page.locator('#node-config-input-redback-diagnostics-result[data-outcome="ok"]').waitFor();
    await screenshot(page, '7-diagnostics-downloaded');
    await page.locator('#node-config-dialog-cancel').click();
    await page.locator('#red-ui-editor-shade').waitFor({ state: 'hidden' });
  });

  it('raised no script errors in the editor', () => {
    should(scriptErrors(page)).eql([]);
  });
});
