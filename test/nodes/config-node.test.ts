import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import configNode = require('../../nodes/redback-config');
import type { RedbackAccount } from '../../src/account/account';
import { RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

/** helper.load with plain flow objects (its types only know NodeDef's fields). */
function load(flow: object[], credentials: Record<string, object> = {}): Promise<void> {
  return helper.load(configNode, flow as Parameters<typeof helper.load>[1], credentials);
}

interface ConfigNodeView {
  name: string;
  settings: Record<string, string>;
  credentials: Record<string, string>;
  acquire(user: { id: string }): RedbackAccount;
  release(user: { id: string }): void;
}

describe('redback-config node', () => {
  let sim: RedbackSimulator;
  before(async () => {
    await helper.startServer();
    sim = await startSim();
  });
  after(async () => {
    await sim.stop();
    await helper.stopServer();
  });
  afterEach(() => helper.unload());

  const loadAccount = async (id = 'acc', extra: Record<string, unknown> = {}, credentials = simCredentials()) => {
    await load([{ id, type: 'redback-config', name: 'Home', apiUrl: sim.url, portalUrl: sim.url, ...extra }], { [id]: credentials });
    return helper.getNode(id) as unknown as ConfigNodeView;
  };

  it('loads with the cloud defaults and its credentials', async () => {
    const flow = [{ id: 'acc', type: 'redback-config', name: 'Home' }];
    await load(flow, { acc: { clientId: 'id-1', clientSecret: 'secret-1', email: 'a@b.c', password: 'pw' } });
    const node = helper.getNode('acc') as unknown as ConfigNodeView;
    should(node.name).equal('Home');
    should(node.settings).eql({
      apiUrl: 'https://api.redbacktech.com',
      portalUrl: 'https://portal.redbacktech.com',
      tokenUrl: 'https://api.redbacktech.com/Api/v2/Auth/token',
      tokenScope: '',
      timeoutS: 30,
    });
    should(node.credentials).eql({ clientId: 'id-1', clientSecret: 'secret-1', email: 'a@b.c', password: 'pw' });
  });

  it('derives the token URL from a custom API URL and keeps an explicit token URL and scope', async () => {
    const flow = [
      { id: 'sim', type: 'redback-config', apiUrl: 'http://127.0.0.1:8124/', portalUrl: 'http://127.0.0.1:8124' },
      { id: 'entra', type: 'redback-config', tokenUrl: 'https://login.example/token', tokenScope: 'api://x/.default' },
    ];
    await load(flow);
    const simNode = helper.getNode('sim') as unknown as ConfigNodeView;
    should(simNode.settings.apiUrl).equal('http://127.0.0.1:8124');
    should(simNode.settings.tokenUrl).equal('http://127.0.0.1:8124/Api/v2/Auth/token');
    const entra = helper.getNode('entra') as unknown as ConfigNodeView;
    should(entra.settings).have.properties({ tokenUrl: 'https://login.example/token', tokenScope: 'api://x/.default' });
  });

  it('logs a clear error for an http: URL to a remote host, and refuses to make the account', async () => {
    await load([{ id: 'bad', type: 'redback-config', apiUrl: 'http://api.example.com' }]);
    const node = helper.getNode('bad') as unknown as ConfigNodeView & { error: sinon.SinonSpy };
    should(node.error.calledWithMatch(/API URL must use https:/)).be.true();
    should(() => node.acquire({ id: 'user' })).throw(/must use https:/);
  });

  it('shares one account among its users and releases it with the last one', async () => {
    const node = await loadAccount();
    const a = node.acquire({ id: 'r1' });
    const b = node.acquire({ id: 'r2' });
    should(a).equal(b);
    await a.sites();
    node.release({ id: 'r1' });
    await b.sites(true);
    node.release({ id: 'r2' });
    await should(b.sites(true)).be.rejectedWith({ kind: 'closed' });
    const c = node.acquire({ id: 'r3' });
    should(c).not.equal(a);
    node.release({ id: 'r3' });
  });

  it('closes its account, sockets and timers on close, once its users let go', async () => {
    const node = await loadAccount();
    const account = node.acquire({ id: 'r1' });
    await account.sites();
    const closing = helper.unload();
    await new Promise((r) => setTimeout(r, 50));
    should(account.transport.closed).be.false(); // a user still needs it (e.g. a control node reverting)
    node.release({ id: 'r1' });
    await closing;
    should(account.transport.closed).be.true();
  });

  it('closes its account after 10 s even when a user never lets go', async () => {
    const node = await loadAccount();
    const account = node.acquire({ id: 'stuck' });
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const closing = helper.unload();
      await clock.tickAsync(10_000);
      await closing;
      should(account.transport.closed).be.true();
    } finally {
      clock.restore();
    }
  });

  describe('admin endpoint', () => {
    it('lists the sites and inverters of a deployed account', async () => {
      await loadAccount();
      const res = await helper.request().get('/redback-config/acc/sites').expect(200);
      should(res.body.sites.map((s: { siteId: string }) => s.siteId)).eql(['S4b1e7c20d93a5', 'S7c0d2e9f4a61b', 'S9e2f4a6c8b0d1', 'Sa05d3c7e1f928']);
      should(res.body.sites[3].inverters).eql([{ serial: 'RB24050600002201' }, { serial: 'RB24050600002202' }]);
      await helper.request().get('/redback-config/nope/sites').expect(404);
    });

    it('lists sites for credentials typed in a dialog, falling back to the stored secret', async () => {
      await loadAccount();
      const typed = await helper.request().post('/redback-config/sites')
        .send({ apiUrl: sim.url, clientId: 'sim-client-id', clientSecret: 'sim-client-secret' }).expect(200);
      should(typed.body.sites).have.length(4);
      const stored = await helper.request().post('/redback-config/sites')
        .send({ id: 'acc', apiUrl: sim.url, clientId: 'sim-client-id', clientSecret: '__PWRD__' }).expect(200);
      should(stored.body.sites).have.length(4);
    });

    it('tests a connection: token and sites, then the portal login when an e-mail is given', async () => {
      const apiOnly = await helper.request().post('/redback-config/test')
        .send({ apiUrl: sim.url, portalUrl: sim.url, clientId: 'sim-client-id', clientSecret: 'sim-client-secret' }).expect(200);
      should(apiOnly.body).eql({ sites: 4, inverters: 5, portal: 'not-configured' });
      const withPortal = await helper.request().post('/redback-config/test')
        .send({ apiUrl: sim.url, portalUrl: sim.url, ...simCredentials() }).expect(200);
      should(withPortal.body).eql({ sites: 4, inverters: 5, portal: 'ok' });
      should(sim.portalSessions.count()).equal(0); // the test logged off again
    });

    it('names the failing stage of a connection test and never echoes a secret', async () => {
      const api = await helper.request().post('/redback-config/test')
        .send({ apiUrl: sim.url, portalUrl: sim.url, clientId: 'sim-client-id', clientSecret: 'Typed-Wrong-Secret' }).expect(400);
      should(api.body).have.properties({ kind: 'credentials', stage: 'api' });
      should(api.body.error).match(/HTTP 401 unauthorized_client/);
      const portal = await helper.request().post('/redback-config/test')
        .send({ apiUrl: sim.url, portalUrl: sim.url, ...simCredentials({ password: 'Typed-Wrong-Password' }) }).expect(400);
      should(portal.body).have.properties({ kind: 'credentials', stage: 'portal' });
      should(portal.body.error).match(/portal/i);
      const badUrl = await helper.request().post('/redback-config/test')
        .send({ apiUrl: 'http://example.com', clientId: 'a', clientSecret: 'b' }).expect(400);
      should(badUrl.body).have.properties({ kind: 'config', stage: 'api' });
      for (const res of [api, portal, badUrl]) should(res.text).not.match(/Typed-Wrong/);
    });

    it('explains a wrong secret with a 400 that does not echo it', async () => {
      const res = await helper.request().post('/redback-config/sites')
        .send({ apiUrl: sim.url, clientId: 'sim-client-id', clientSecret: 'Editor-Typed-Wrong' }).expect(400);
      should(res.body.kind).equal('credentials');
      should(res.body.error).match(/HTTP 401 unauthorized_client/);
      should(res.text).not.containEql('Editor-Typed-Wrong');
    });
  });
});
