import should from 'should';
import sinon from 'sinon';
import { RedbackAccount } from '../../src/account/account';
import { AccountHolder } from '../../src/account/account-holder';
import { sitesFromNodes } from '../../src/account/discovery';
import { accountSettings } from '../../src/account/settings';
import { mergeCredentials, listSitesFor } from '../../src/account/site-listing';
import { RedbackError } from '../../src/http/errors';
import { RedbackSimulator } from '../../src/sim';
import { accountFor, simCredentials } from '../helpers/account';
import { rejection } from '../helpers/errors';
import { startSim } from '../helpers/sim';


describe('RedbackAccount', () => {
  let sim: RedbackSimulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.stop());

  it('discovers sites and inverters once, until asked again', async () => {
    const account = accountFor(sim);
    try {
      const sites = await account.sites();
      should(sites.map((s) => s.inverters.length)).eql([1, 1, 1, 2]);
      should(sites[3].inverters.map((i) => i.serial)).eql(['RB24050600002201', 'RB24050600002202']);
      should(sites[2].nmi).be.null();
      await account.sites();
      should(sim.requestCount({ path: '/With/Nodes' })).equal(1);
      await account.sites(true);
      should(sim.requestCount({ path: '/With/Nodes' })).equal(2);
    } finally {
      account.close();
    }
  });

  it('keeps static data and configuration for 30 minutes per inverter', async () => {
    let now = 0;
    const account = accountFor(sim, { now: () => now });
    try {
      await Promise.all([account.staticData('RB21081800001734'), account.staticData('RB21081800001734')]);
      await account.staticData('RB22031500004412');
      await account.configuration('RB21081800001734');
      now += 29 * 60_000;
      await account.staticData('RB21081800001734');
      await account.configuration('RB21081800001734');
      should(sim.requestCount({ path: '/Static/BySerialNumber/' })).equal(2);
      should(sim.requestCount({ path: '/Configuration/BySerialNumber/' })).equal(1);
      now += 2 * 60_000;
      await account.staticData('RB21081800001734');
      await account.configuration('RB21081800001734');
      should(sim.requestCount({ path: '/Static/BySerialNumber/RB21081800001734' })).equal(2);
      should(sim.requestCount({ path: '/Configuration/BySerialNumber/' })).equal(2);
    } finally {
      account.close();
    }
  });

  it('refuses http: URLs to hosts other than loopback', () => {
    for (const [field, value] of [['apiUrl', 'http://api.redbacktech.com'], ['portalUrl', 'http://portal.example.com'], ['tokenUrl', 'http://10.0.0.1/token']]) {
      const settings = accountSettings({ apiUrl: 'https://api.redbacktech.com', [field]: value });
      try {
        new RedbackAccount({ settings, credentials: simCredentials() }).close();
      } catch (err) {
        should(err).be.instanceOf(RedbackError);
        should((err as RedbackError).kind).equal('config');
        should((err as RedbackError).message).match(/must use https:/);
        continue;
      }
      throw new Error(`${field} ${value} was accepted`);
    }
    new RedbackAccount({ settings: accountSettings({ apiUrl: 'http://localhost:8124' }), credentials: {} }).close();
    new RedbackAccount({ settings: accountSettings({}), credentials: {} }).close();
  });

  it('asks for the portal login only when the portal is used', () => {
    const account = accountFor(sim, { credentials: simCredentials({ email: '', password: '' }) });
    try {
      should(() => account.portal()).throw(RedbackError);
    } finally {
      account.close();
    }
  });

  it('rejects everything after close, without requests', async () => {
    const account = accountFor(sim);
    await account.sites();
    account.close();
    const err = await rejection(account.dynamic('RB21081800001734'));
    should(err.kind).equal('closed');
    should(sim.requestCount({ path: '/Dynamic/' })).equal(0);
  });

  it('keeps secrets out of every error message', async () => {
    const secret = 'Distinct-Secret-5150';
    const password = 'Distinct-Password-4242';
    const messages: string[] = [];
    const collect = async (promise: Promise<unknown>) => messages.push((await rejection(promise)).message);
    const wrongSecret = accountFor(sim, { credentials: simCredentials({ clientSecret: secret, password }) });
    await collect(wrongSecret.sites());
    wrongSecret.close();
    const account = accountFor(sim, { credentials: simCredentials({ password }) });
    sim.faults.add({ kind: 'status', status: 500, surface: 'api', body: `echo ${password} Bearer abcdefghijk` });
    await collect(account.dynamic('RB21081800001734'));
    sim.faults.clear();
    sim.faults.add({ kind: 'status', status: 400, surface: 'api', times: 1, body: JSON.stringify({ title: `bad ${password}` }) });
    await collect(account.dynamic('RB21081800001734'));
    account.close();
    should(messages).have.length(3);
    for (const message of messages) {
      should(message).not.containEql(secret);
      should(message).not.containEql(password);
      should(message).not.match(/Bearer [A-Za-z0-9]/);
    }
  });

  describe('closing', () => {
    it('logs off the portal before it releases its sockets, and the holder waits for that', async () => {
      const account = accountFor(sim);
      await account.portal().login();
      should(sim.portalSessions.count()).equal(1);
      let loggedOff = false;
      const holder = new AccountHolder(() => account);
      holder.acquire('control');
      const closing = holder.closeWhenReleased(5000).then(() => {
        loggedOff = sim.portalSessions.count() === 0;
      });
      holder.release('control');
      should(account.transport.closed).be.false(); // still logging off
      await closing;
      should(loggedOff).be.true();
      should(account.transport.closed).be.true();
    });

    it('waits at most its budget for a portal that does not answer the log-off, then closes', async () => {
      const account = accountFor(sim);
      await account.portal().login();
      sim.faults.add({ kind: 'slow', surface: 'portal', path: 'LogOff', delayMs: 30_000 });
      const started = Date.now();
      await account.shutdown(200);
      should(Date.now() - started).be.within(150, 2000);
      should(account.transport.closed).be.true();
    });

    it('closes at once when it never logged in to the portal', async () => {
      const account = accountFor(sim);
      await account.sites();
      const shutdown = account.shutdown();
      should(account.transport.closed).be.true();
      await shutdown;
      should(sim.requestCount({ surface: 'portal' })).equal(0);
    });
  });
});

describe('AccountHolder', () => {
  it('makes one account for all users and closes it when the last one leaves', () => {
    let made = 0;
    let closed = 0;
    const holder = new AccountHolder(() => {
      made++;
      return { shutdown: async () => { closed++; } } as unknown as RedbackAccount;
    });
    const a = holder.acquire('read-1');
    const b = holder.acquire('read-2');
    should(a).equal(b);
    should(made).equal(1);
    holder.release('read-1');
    should(closed).equal(0);
    holder.release('read-2');
    should(closed).equal(1);
    holder.acquire('read-3');
    should(made).equal(2);
    holder.close();
    should(closed).equal(2);
    should(holder.userCount).equal(0);
  });

  it('on closeWhenReleased, waits for its users to finish, or for the timeout', async () => {
    let closed = 0;
    const holder = new AccountHolder(() => ({ shutdown: async () => { closed++; } } as unknown as RedbackAccount));
    holder.acquire('control');
    let finished = false;
    const closing = holder.closeWhenReleased(5000).then(() => (finished = true));
    await new Promise((r) => setImmediate(r));
    should(finished).be.false();
    should(closed).equal(0);
    holder.release('control');
    await closing;
    should(closed).equal(1);

    holder.acquire('stuck');
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const timedOut = holder.closeWhenReleased(5000);
      await clock.tickAsync(5000);
      await timedOut;
      should(closed).equal(2);
    } finally {
      clock.restore();
    }
  });
});

describe('site listing for the editor', () => {
  it('maps the node tree to sites and inverters, accepting nodes without SerialNumber', () => {
    const sites = sitesFromNodes([
      { Id: 'S1', Nmi: null, Type: 'Site', Nodes: [{ Id: 'RB1', Type: 'Inverter' }, { Id: 'Houseload', Type: 'Houseload' }] },
      { Id: 'S2', Type: 'Site', Nodes: null },
    ]);
    should(sites).eql([
      { siteId: 'S1', nmi: null, inverters: [{ serial: 'RB1' }] },
      { siteId: 'S2', nmi: null, inverters: [] },
    ]);
  });

  it('takes typed credentials first and falls back to the stored ones for secrets left out', () => {
    const stored = { clientId: 'id', clientSecret: 'stored-secret', email: 'e', password: 'p' };
    should(mergeCredentials({ clientId: 'new', clientSecret: '__PWRD__' }, stored)).eql({ ...stored, clientId: 'new' });
    should(mergeCredentials({ clientSecret: 'typed' }, stored).clientSecret).equal('typed');
    should(mergeCredentials({}, undefined)).eql({ clientId: undefined, clientSecret: undefined, email: undefined, password: undefined });
  });

  it('answers with the sites, or a 400 with the reason and no secret', async () => {
    const sim = await startSim();
    try {
      const ok = await listSitesFor({ apiUrl: sim.url, ...simCredentials() });
      should(ok.status).equal(200);
      should((ok.body as { sites: unknown[] }).sites).have.length(4);
      const wrong = await listSitesFor({ apiUrl: sim.url, clientId: 'sim-client-id', clientSecret: 'Typed-Wrong-Secret' });
      should(wrong.status).equal(400);
      should(wrong.body).have.properties({ kind: 'credentials' });
      should(JSON.stringify(wrong.body)).not.containEql('Typed-Wrong-Secret');
      const insecure = await listSitesFor({ apiUrl: 'http://example.com', clientId: 'a', clientSecret: 'b' });
      should(insecure.status).equal(400);
      should(insecure.body).have.properties({ kind: 'config' });
    } finally {
      await sim.stop();
    }
  });
});
