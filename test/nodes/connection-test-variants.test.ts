/**
 * The config dialog's Test connection judges the portal login by behaviour too (issue 13): a
 * portal whose session cookie has another name logs in; a wrong password is still refused.
 */
import should from 'should';
import helper from 'node-red-node-test-helper';
import configNode = require('../../nodes/redback-config');
import type { RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

describe('Test connection against a portal with another session cookie name', () => {
  let sim: RedbackSimulator;
  before(async () => {
    await helper.startServer();
    sim = await startSim({ portalSessionCookie: 'RBPortalSession' });
  });
  after(async () => {
    await sim.stop();
    await helper.stopServer();
  });
  beforeEach(() => helper.load(configNode, []));
  afterEach(() => helper.unload());

  it('reports the portal login as ok', async () => {
    const res = await helper.request().post('/redback-config/test')
      .send({ apiUrl: sim.url, portalUrl: sim.url, ...simCredentials() }).expect(200);
    should(res.body).eql({ sites: 4, inverters: 5, portal: 'ok' });
  });

  it('still reports a wrong portal password', async () => {
    const res = await helper.request().post('/redback-config/test')
      .send({ apiUrl: sim.url, portalUrl: sim.url, ...simCredentials({ password: 'Wrong-Pw-Variant-1' }) }).expect(400);
    should(res.body).have.properties({ kind: 'credentials', stage: 'portal' });
    should(res.body.error).match(/Invalid login attempt/);
  });
});
