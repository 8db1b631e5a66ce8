/**
 * Issue 8, secrets: a real Node-RED runs every flow (reads, schedule and portal commands, refused
 * credentials, a refused portal password) with distinctive secrets, its Catch and Status nodes
 * printing every error and status to the log. No secret, access token or session cookie may
 * appear in the log, the exported flows, the stored credentials file, status texts, error
 * messages or the answers of the admin endpoints.
 */
import fs from 'fs';
import path from 'path';
import should from 'should';
import { defaultAccount, RedbackSimulator } from '../../src/sim';
import { startNodeRed, type NodeRedProcess } from '../helpers/node-red-process';
import { request } from '../helpers/sim';

const SECRETS = {
  clientSecret: 'Client-Secret-Zq81xW',
  password: 'Portal-Password-Kv27pL',
  wrongSecret: 'Wrong-Secret-Hn55tR',
  wrongPassword: 'Wrong-Password-Jd93mC',
};
const ST = 'RB21081800001734';
const V2 = { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2' };

/** Everything the flows do, with a Catch and a Status node logging to the console. */
function flows(simUrl: string): object[] {
  const z = 'tab';
  const node = (extra: object) => ({ z, x: 100, y: 100, ...extra });
  const debug = (id: string, complete: string) => node({ id, type: 'debug', active: true, tosidebar: false, console: true, complete, wires: [] });
  const command = (id: string, target: string, payload: object) =>
    node({ id, type: 'inject', props: [{ p: 'payload' }], payload: JSON.stringify(payload), payloadType: 'json', once: true, onceDelay: 0.5, repeat: '', wires: [[target]] });
  return [
    { id: z, type: 'tab', label: 'secrets' },
    { id: 'acc-good', type: 'redback-config', name: 'right secrets', apiUrl: simUrl, portalUrl: simUrl, credentials: { clientId: 'sim-client-id', clientSecret: SECRETS.clientSecret, email: 'owner@example.com', password: SECRETS.password } },
    { id: 'acc-bad', type: 'redback-config', name: 'wrong secret', apiUrl: simUrl, portalUrl: simUrl, credentials: { clientId: 'sim-client-id', clientSecret: SECRETS.wrongSecret } },
    { id: 'acc-bad-pw', type: 'redback-config', name: 'wrong password', apiUrl: simUrl, portalUrl: simUrl, credentials: { clientId: 'sim-client-id', clientSecret: SECRETS.clientSecret, email: 'owner@example.com', password: SECRETS.wrongPassword } },
    node({ id: 'read-good', type: 'redback-read', account: 'acc-good', site: '', serial: ST, interval: 10, wires: [['out'], ['out'], ['out']] }),
    node({ id: 'read-bad', type: 'redback-read', account: 'acc-bad', site: '', serial: ST, interval: 10, wires: [['out'], [], []] }),
    node({ id: 'ctl-schedule', type: 'redback-control', account: 'acc-good', serial: ST, method: 'schedule', durationMinutes: 30, wires: [['out']] }),
    node({ id: 'ctl-portal', type: 'redback-control', account: 'acc-good', serial: ST, method: 'portal', durationMinutes: 30, wires: [['out']] }),
    node({ id: 'ctl-bad-portal', type: 'redback-control', account: 'acc-bad-pw', serial: ST, method: 'portal', durationMinutes: 30, wires: [['out']] }),
    command('go-schedule', 'ctl-schedule', { command: 'charge', powerW: 1000 }),
    command('go-portal', 'ctl-portal', { command: 'discharge', powerW: 1500 }),
    command('go-bad-portal', 'ctl-bad-portal', { command: 'conserve' }),
    debug('out', 'true'),
    node({ id: 'catch', type: 'catch', scope: null, uncaught: false, wires: [['errors']] }),
    debug('errors', 'true'),
    node({ id: 'status', type: 'status', scope: null, wires: [['statuses']] }),
    debug('statuses', 'status'),
  ];
}

describe('reliability: secrets never show', function () {
  this.timeout(90_000);
  let sim: RedbackSimulator;
  let nr: NodeRedProcess;
  const seen: Record<string, string> = {};

  before(async () => {
    const account = defaultAccount();
    account.clientSecret = SECRETS.clientSecret;
    account.password = SECRETS.password;
    sim = new RedbackSimulator({ accounts: [account] });
    await sim.start();
    nr = await startNodeRed();
    const deploy = await request(`${nr.url}/flows`, { method: 'POST', headers: { ...V2, 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify({ flows: flows(sim.url) }) });
    should(deploy.status).equal(200);
    // The first polls run 2 s after deploy, the commands 0.5 s after; wait for all of them and a retry of the refused ones.
    const deadline = Date.now() + 30_000;
    const done = (): boolean => /credentials refused/.test(nr.output()) && /Invalid login attempt/.test(nr.output())
      && /mode: 'ChargeBattery'/.test(nr.output()) && /mode: 'DischargeBattery'/.test(nr.output()) && /redback\/S[0-9a-f]+\/site/.test(nr.output());
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    seen.log = nr.output();
    seen.exported = (await request(`${nr.url}/flows`, { headers: V2 })).text;
    seen.credentials = (await Promise.all(['acc-good', 'acc-bad', 'acc-bad-pw'].map((id) => request(`${nr.url}/credentials/redback-config/${id}`)))).map((r) => r.text).join('\n');
    seen.credentialsFile = fs.readFileSync(path.join(nr.userDir, 'flows_cred.json'), 'utf8');
    seen.sitesGood = (await request(`${nr.url}/redback-config/acc-good/sites`)).text;
    seen.sitesBad = (await request(`${nr.url}/redback-config/acc-bad/sites`)).text;
    seen.sitesTyped = (await request(`${nr.url}/redback-config/sites`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiUrl: sim.url, clientId: 'sim-client-id', clientSecret: SECRETS.wrongSecret }),
    })).text;
    seen.sitesStored = (await request(`${nr.url}/redback-config/sites`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'acc-bad', apiUrl: sim.url, clientId: 'sim-client-id', clientSecret: '__PWRD__' }),
    })).text;
    // Test connection, as the config dialog sends it: typed secrets, then the stored ones.
    seen.testTyped = (await request(`${nr.url}/redback-config/test`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiUrl: sim.url, portalUrl: sim.url, clientId: 'sim-client-id', clientSecret: SECRETS.clientSecret, email: 'owner@example.com', password: SECRETS.wrongPassword }),
    })).text;
    seen.testStored = (await request(`${nr.url}/redback-config/test`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'acc-good', apiUrl: sim.url, portalUrl: sim.url, clientSecret: '__PWRD__', password: '__PWRD__' }),
    })).text;
  });
  after(async () => {
    await nr?.stop();
    await sim?.stop();
  });

  it('every flow ran: readings, both command methods, and the refusals', () => {
    should(seen.log).match(/redback\/S[0-9a-f]+\/site/);
    should(seen.log).match(/mode: 'ChargeBattery'/);
    should(seen.log).match(/mode: 'DischargeBattery'/);
    should(seen.log).match(/credentials refused/);
    should(seen.log).match(/Redback portal login failed: Invalid login attempt/);
    should(seen.sitesGood).match(/"siteId"/);
    should(seen.sitesBad).match(/"kind":"credentials"/);
    should(seen.sitesStored).match(/"kind":"credentials"/);
    should(seen.testTyped).match(/"stage":"portal"/);
    should(seen.testStored).match(/"portal":"ok"/);
  });

  for (const where of ['log', 'exported', 'credentials', 'credentialsFile', 'sitesGood', 'sitesBad', 'sitesTyped', 'sitesStored', 'testTyped', 'testStored']) {
    it(`no secret, token or session cookie in ${where}`, () => {
      const text = seen[where];
      for (const secret of Object.values(SECRETS)) should(text).not.containEql(secret);
      should(text).not.match(/Bearer\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{12,}/);
      should(text).not.match(/\.AspNet\.ApplicationCookie=(?!\*\*\*)[^;\s"]{12,}/);
    });
  }

  it('no access token or portal session the simulator issued appears anywhere', async () => {
    const tokens = [...(sim.tokens as unknown as { tokens: Map<string, unknown> }).tokens.keys()];
    const sessions = [...(sim.portalSessions as unknown as { sessions: Map<string, unknown> }).sessions.keys()];
    should(tokens.length).be.above(0);
    should(sessions.length).be.above(0);
    const everything = Object.values(seen).join('\n');
    for (const value of [...tokens, ...sessions]) should(everything).not.containEql(value);
  });
});
