/**
 * The read and control dialogs in a real browser, as a newcomer meets them: a new node takes the
 * only account there is, every numeric field's default is valid (to the browser and to
 * Node-RED's validation), the interval field says its 10 s minimum, the control dialog does not
 * offer "the account's only inverter" for an account with several, and each node has its own icon.
 */
import should from 'should';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';
import { closeDialog, dropNode, launchBrowser, openEditor, openNode, paletteNode, screenshot, scriptErrors, waitFor } from '../helpers/editor-browser';
import { startNodeRed, type NodeRedProcess } from '../helpers/node-red-process';
import { request, startSim } from '../helpers/sim';

const ACCOUNT = 'dialogs-account';

/** Every number input of the open dialog: its id, value, and whether the browser and Node-RED accept it. */
function numberFields(page: Page): Promise<{ id: string; value: string; valid: boolean; marked: boolean }[]> {
  return page.locator('.red-ui-editor input[type="number"]').evaluateAll((inputs) => inputs.map((el) => {
    const input = el as HTMLInputElement;
    return { id: input.id, value: input.value, valid: input.validity.valid, marked: input.classList.contains('input-error') };
  }));
}

describe('editor dialogs in a real browser: defaults, the only account, limits, icons', function () {
  this.timeout(180_000);
  let sim: RedbackSimulator;
  let nr: NodeRedProcess;
  let browser: Browser;
  let page: Page;

  before(async () => {
    sim = await startSim({ clock: { start: '2026-01-15T02:00:00Z', speed: 1 } });
    nr = await startNodeRed();
    const deploy = await request(`${nr.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({
        flows: [
          { id: 'dialogs-tab', type: 'tab', label: 'dialogs' },
          { id: ACCOUNT, type: 'redback-config', name: 'Simulator', apiUrl: sim.url, portalUrl: sim.url, tokenUrl: '', tokenScope: '', credentials: { ...DEFAULT_CREDENTIALS } },
        ],
      }),
    });
    should(deploy.status).equal(200, deploy.text);
    browser = await launchBrowser();
    page = await openEditor(browser, nr.url);
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    await sim?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `dialogs-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('gives the read and control nodes icons of their own', async () => {
    const icon = (type: string): Promise<string> => paletteNode(page, type).locator('.red-ui-palette-icon').evaluate((el) => getComputedStyle(el).backgroundImage);
    should(await icon('redback-read')).match(/redback-read\.svg/);
    should(await icon('redback-control')).match(/redback-control\.svg/);
  });

  it('redback-read: a new node takes the only account; the numeric default is valid; the interval says its 10 s minimum', async () => {
    const id = await dropNode(page, 'redback-read', 300, 120);
    should(await page.evaluate((nodeId) => (window as any).RED.nodes.node(nodeId).account, id)).equal(ACCOUNT); // eslint-disable-line @typescript-eslint/no-explicit-any
    await openNode(page, id);
    should(await page.locator('#node-input-account').inputValue()).equal(ACCOUNT);
    await page.locator('#node-input-redback-sites-message').filter({ hasText: /4 sites/ }).waitFor();
    const fields = await numberFields(page);
    should(fields.map((f) => f.id)).eql(['node-input-interval']);
    should(fields).eql([{ id: 'node-input-interval', value: '60', valid: true, marked: false }]);

    const warning = page.locator('#node-input-redback-interval-warning');
    await page.fill('#node-input-interval', '5');
    await page.locator('#node-input-interval').dispatchEvent('change');
    await waitFor(async () => (await warning.isVisible()) && /At least 10 s/.test(await warning.innerText()), 'the 10 s minimum');
    await page.fill('#node-input-interval', '30');
    await page.locator('#node-input-interval').dispatchEvent('change');
    await waitFor(async () => /refreshes once a minute/.test(await warning.innerText()), 'the once-a-minute warning');
    await page.fill('#node-input-interval', '60');
    await page.locator('#node-input-interval').dispatchEvent('change');
    await waitFor(async () => !(await warning.isVisible()), 'no warning at 60 s');
    await closeDialog(page, 'cancel');
  });

  it('redback-control: a new node takes the only account; every numeric default is valid; several inverters are not "the only inverter"', async () => {
    const id = await dropNode(page, 'redback-control', 300, 220);
    should(await page.evaluate((nodeId) => (window as any).RED.nodes.node(nodeId).account, id)).equal(ACCOUNT); // eslint-disable-line @typescript-eslint/no-explicit-any
    await openNode(page, id);
    should(await page.locator('#node-input-account').inputValue()).equal(ACCOUNT);
    await page.locator('#node-input-pricePolicy').check();
    await page.locator('#node-input-redback-sites-message').filter({ hasText: /4 sites/ }).waitFor();
    const fields = await numberFields(page);
    should(fields.map((f) => f.id).sort()).eql([
      'node-input-chargeBelow', 'node-input-dischargeAbove', 'node-input-dischargeMinSoc', 'node-input-durationMinutes', 'node-input-pricePowerW',
    ]);
    should(fields.filter((f) => !f.valid || f.marked)).eql([], JSON.stringify(fields));
    should(Object.fromEntries(fields.map((f) => [f.id, f.value]))).have.properties({
      'node-input-durationMinutes': '30', 'node-input-dischargeMinSoc': '20', 'node-input-pricePowerW': '5000',
    });
    // Powers that are not a multiple of 100 are fine too.
    await page.fill('#node-input-pricePowerW', '3001');
    should((await numberFields(page)).find((f) => f.id === 'node-input-pricePowerW')!.valid).be.true();
    await page.fill('#node-input-pricePowerW', '3000');
    should((await numberFields(page)).find((f) => f.id === 'node-input-pricePowerW')!.valid).be.true();

    const labels = await page.locator('#node-input-serial option').allInnerTexts();
    should(labels[0]).equal('choose an inverter');
    should(labels.some((l) => /only inverter/.test(l))).be.false();
    should(labels.length).equal(6);
    await screenshot(page, 'dialogs-control-defaults');
    await closeDialog(page, 'cancel');
    should(scriptErrors(page)).eql([]);
  });
});
