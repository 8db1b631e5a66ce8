/**
 * The config node's admin routes when Node-RED has no adminAuth (issue 14 §4, §5): a page on
 * another site cannot make Node-RED send the stored secrets anywhere, and the editor's repeated
 * site listings reuse one token and one listing.
 */
import should from 'should';
import helper from 'node-red-node-test-helper';
import configNode = require('../../nodes/redback-config');
import type { RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const STORED_SECRET = 'Stored-Secret-Admin-5521';

describe('redback-config admin routes without adminAuth', () => {
  let sim: RedbackSimulator;
  /** Stands for a listener on another host: nothing may reach it. */
  let listener: RedbackSimulator;

  before(async () => {
    await helper.startServer();
    sim = await startSim();
    listener = await startSim();
    sim.cloud.accounts[0].clientSecret = STORED_SECRET;
  });
  after(async () => {
    await sim.stop();
    await listener.stop();
    await helper.stopServer();
  });
  beforeEach(async () => {
    sim.clearRequests();
    listener.clearRequests();
    await helper.load(configNode, [{ id: 'acc', type: 'redback-config', name: 'Home', apiUrl: sim.url, portalUrl: sim.url }] as never,
      { acc: simCredentials({ clientSecret: STORED_SECRET }) });
  });
  afterEach(() => helper.unload());

  const routes = ['/redback-config/test', '/redback-config/sites'];

  for (const route of routes) {
    it(`${route}: refuses a form-encoded body (what a foreign page's form sends), sending nothing`, async () => {
      const res = await helper.request().post(route).type('form')
        .send({ id: 'acc', apiUrl: listener.url, portalUrl: listener.url }).expect(415);
      should(res.body.kind).equal('unsupported');
      should(listener.requestCount()).equal(0);
      should(sim.requestCount()).equal(0);
    });

    it(`${route}: refuses a JSON request from a foreign Origin`, async () => {
      await helper.request().post(route).set('Origin', 'http://evil.example')
        .send({ id: 'acc', apiUrl: listener.url }).expect(403);
      await helper.request().post(route).set('Origin', 'null').send({ id: 'acc', apiUrl: listener.url }).expect(403);
      should(listener.requestCount()).equal(0);
    });

    it(`${route}: never sends the stored secret to a URL other than the one it was stored with`, async () => {
      const res = await helper.request().post(route).send({ id: 'acc', apiUrl: listener.url, clientId: 'sim-client-id' }).expect(400);
      should(res.body.kind).equal('config'); // no secret: it must be typed again for a new URL
      should(listener.requestCount()).equal(0);
      should(res.text).not.containEql(STORED_SECRET);
    });

    it(`${route}: uses the stored secret with the URL it was stored with, from the editor's own origin`, async () => {
      await helper.request().post(route).set('Host', 'editor.local:1880').set('Origin', 'http://editor.local:1880')
        .send({ id: 'acc', apiUrl: sim.url, portalUrl: sim.url, clientId: 'sim-client-id' }).expect(200);
    });
  }

  it('GET /redback-config/<id>/sites refuses a foreign Origin', async () => {
    await helper.request().get('/redback-config/acc/sites').set('Origin', 'http://evil.example').expect(403);
    should(sim.requestCount()).equal(0);
  });

  it('20 site listings of an account no node holds make one token and one listing request', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await helper.request().get('/redback-config/acc/sites').expect(200);
      should(res.body.sites).have.length(4);
    }
    should(sim.requestCountsByRoute()).eql({ 'POST /Api/v2/Auth/token': 1, 'GET /Api/v2/EnergyData/With/Nodes': 1 });
  });
});
