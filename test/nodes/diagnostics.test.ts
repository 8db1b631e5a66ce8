/**
 * The diagnostics file (issue 13 §2): downloaded from a deployed config node after real reads
 * and a portal command, it holds versions, settings and per endpoint the last answer and the
 * recent requests, and none of the distinctive secrets and personal values the account was
 * filled with; site ids and serials appear only as pseudonyms, the same everywhere.
 */
import should from 'should';
import helper from 'node-red-node-test-helper';
import type { RedbackAccount } from '../../src/account/account';
import type { DiagnosticsFile } from '../../src/diagnostics/file';
import { MAX_REQUESTS_PER_ENDPOINT } from '../../src/diagnostics/recorder';
import type { RedbackSimulator } from '../../src/sim';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { IDS, loadReadFlow } from '../helpers/read-flow';
import { realDelay } from '../helpers/real-time';
import { startSim } from '../helpers/sim';
import { ANSWER_FROM_LAST_POLL_MS } from '../../src/read/read-runner';

helper.init(NODE_RED_RUNTIME);

const SECRETS = {
  clientId: 'Distinct-Client-Id-3307',
  clientSecret: 'Distinct-Client-Secret-9931',
  email: 'jane.distinct@example.org',
  password: 'Distinct-Portal-Pw-4417',
};
const ADDRESS = '42 Unmistakable Crescent';
const NMI = 'QB99887766';
const ST = 'RB21081800001734';

interface AccountUser {
  acquire(user: { id: string }): RedbackAccount;
  release(user: { id: string }): void;
}

describe('redback-config diagnostics', () => {
  let sim: RedbackSimulator;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    sim = await startSim();
    const account = sim.cloud.accounts[0];
    Object.assign(account, SECRETS);
    for (const site of account.sites) {
      site.nmi = NMI;
      site.location.addressLineOne = ADDRESS;
    }
  });
  afterEach(async () => {
    await helper.unload();
    await sim.stop();
  });

  it('is a download holding versions, settings, answers and requests, with nothing secret or personal left', async () => {
    const flow = await loadReadFlow(sim, { credentials: { ...SECRETS } });
    flow.poll();
    await flow.sites(4);
    await realDelay(ANSWER_FROM_LAST_POLL_MS + 100); // a later input polls again instead of taking the last poll's answer
    flow.poll();
    await flow.sites(8);
    // A portal command too, so the file covers the portal pages and the session cookie.
    const config = helper.getNode(IDS.account) as unknown as AccountUser;
    const account = config.acquire({ id: 'test' });
    await account.portal().setMode(ST, 'ChargeBattery', 1000, '2.16.32211.1');
    const accessToken = (await account.tokens.authorization()).split(' ')[1];
    const sessionCookies = [...((sim.portalSessions as unknown as { sessions: Map<string, unknown> }).sessions.keys())];
    should(sessionCookies.length).be.above(0);

    const res = await helper.request().get(`/redback-config/${IDS.account}/diagnostics`).expect(200);
    should(res.headers['content-disposition']).match(/^attachment; filename="redback-diagnostics-[\d-]+T\d{4}\.json"$/);
    const file = res.body as DiagnosticsFile;
    should(file).have.properties({ format: 'redback-diagnostics', version: 1 });
    should(file.versions.package).match(/^\d+\.\d+\.\d+/);
    should(file.versions.node).equal(process.version);
    should(file.versions.nodeRed).match(/^(\d+\.\d+\.\d+|unknown)/); // the test runtime may not tell
    should(file.settings).eql({
      apiUrl: sim.url, portalUrl: sim.url, tokenUrl: `${sim.url}/Api/v2/Auth/token`, tokenScope: '', timeoutS: 30,
      credentials: { clientId: 'set', clientSecret: 'set', email: 'set', password: 'set' },
    });

    const routes = file.endpoints.map((e) => `${e.method} ${e.route}`);
    for (const route of [
      'POST /Api/v2/Auth/token',
      'GET /Api/v2/EnergyData/With/Nodes',
      'GET /Api/v2/EnergyData/Static/BySerialNumber/{serial}',
      'GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/{serial}',
      'GET /Api/v2/Configuration/Configuration/BySerialNumber/{serial}',
      'GET /Account/Login',
      'POST /Account/Login',
      'GET /productcontrol/Configure',
      'POST /productcontrol/Index',
    ]) should(routes).containEql(route);
    for (const endpoint of file.endpoints) {
      should(endpoint.lastAnswer).not.be.null();
      should(endpoint.requests.length).be.within(1, MAX_REQUESTS_PER_ENDPOINT);
      for (const r of endpoint.requests) should(r).have.properties(['at', 'method', 'route', 'status', 'ms', 'outcome']);
    }
    const dynamic = file.endpoints.filter((e) => e.route === '/Api/v2.21/EnergyData/Dynamic/BySerialNumber/{serial}');
    should(dynamic).have.length(5); // one per inverter
    should(dynamic[0].requests).have.length(2);
    should(dynamic[0].lastAnswer).have.properties({ status: 200, contentType: 'application/json; charset=utf-8' });
    should(dynamic[0].lastAnswer!.body.kind).equal('json');
    const login = file.endpoints.find((e) => e.method === 'POST' && e.route === '/Account/Login')!;
    should(login.lastAnswer!.setCookieNames).eql(['.AspNet.ApplicationCookie']);
    should(login.lastAnswer!.headers.location).equal('/ui/');
    should(login.surface).equal('portal');
    should(dynamic[0].surface).equal('api');

    const text = JSON.stringify(file);
    const forbidden = [
      ...Object.values(SECRETS), encodeURIComponent(SECRETS.email), ADDRESS, NMI, accessToken, ...sessionCookies,
      ...sim.cloud.accounts[0].sites.flatMap((s) => [s.siteId, ...s.inverters.map((i) => i.serial)]),
    ];
    for (const value of forbidden) should(text.toLowerCase()).not.containEql(value.toLowerCase());
    should(text).not.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);

    // Pseudonyms agree: the site of the listing is the site in its static and dynamic answers and paths.
    const nodes = file.endpoints.find((e) => e.route === '/Api/v2/EnergyData/With/Nodes')!.lastAnswer!.body as { kind: 'json'; json: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const sites = nodes.json.Data.map((s: { Id: string }) => s.Id);
    should(sites).eql(['SITE-P0001', 'SITE-P0002', 'SITE-P0003', 'SITE-P0004']);
    const firstSerial = nodes.json.Data[0].Nodes[0].SerialNumber;
    should(firstSerial).match(/^RB-P\d{4}$/);
    const itsDynamic = dynamic.find((e) => e.path.endsWith(`/${firstSerial}`))!;
    should((itsDynamic.lastAnswer!.body as { json: any }).json.Data.SiteId).equal('SITE-P0001'); // eslint-disable-line @typescript-eslint/no-explicit-any
    config.release({ id: 'test' });
  });

  it('needs the write permission route to exist for a deployed node only, and refuses a foreign Origin', async () => {
    await loadReadFlow(sim, { credentials: { ...SECRETS } });
    await helper.request().get('/redback-config/nope/diagnostics').expect(404);
    await helper.request().get(`/redback-config/${IDS.account}/diagnostics`).set('Origin', 'http://evil.example').expect(403);
    const empty = await helper.request().get(`/redback-config/${IDS.account}/diagnostics`).expect(200);
    should(empty.body.endpoints).be.an.Array();
  });
});
