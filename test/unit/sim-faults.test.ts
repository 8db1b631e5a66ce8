import should from 'should';
import { RedbackSimulator } from '../../src/sim';
import { parseArgs } from '../../src/sim/cli';
import { api, getToken, request, startSim } from '../helpers/sim';

describe('simulator: fault injection', () => {
  let sim: RedbackSimulator;
  let token: string;
  before(async () => {
    sim = await startSim();
    token = await getToken(sim);
  });
  afterEach(() => sim.faults.clear());
  after(() => sim.stop());

  const sites = '/Api/v2/EnergyData';

  it('answers with a 5xx a given number of times, then recovers', async () => {
    sim.faults.add({ kind: 'status', status: 502, surface: 'api', times: 2 });
    should((await api(sim, token, 'GET', sites)).status).equal(502);
    should((await api(sim, token, 'GET', sites)).status).equal(502);
    should((await api(sim, token, 'GET', sites)).status).equal(200);
  });

  it('answers 429 with Retry-After', async () => {
    sim.faults.add({ kind: 'rateLimit', retryAfterSeconds: 7, times: 1 });
    const res = await api(sim, token, 'GET', sites);
    should(res.status).equal(429);
    should(res.headers.get('retry-after')).equal('7');
  });

  it('delays a response', async () => {
    sim.faults.add({ kind: 'slow', delayMs: 300, times: 1 });
    const started = Date.now();
    const res = await api(sim, token, 'GET', sites);
    should(res.status).equal(200);
    should(Date.now() - started).be.aboveOrEqual(290);
  });

  it('serves malformed JSON and HTML where JSON is expected', async () => {
    sim.faults.add({ kind: 'malformedJson', times: 1 });
    const broken = await api(sim, token, 'GET', sites);
    should(broken.status).equal(200);
    should(broken.headers.get('content-type')).match(/json/);
    should(broken.body).be.undefined();
    sim.faults.add({ kind: 'html', times: 1 });
    const page = await api(sim, token, 'GET', sites);
    should(page.headers.get('content-type')).match(/text\/html/);
    should(page.text).match(/<html/);
  });

  it('drops the connection', async () => {
    sim.faults.add({ kind: 'disconnect', times: 1 });
    await should(api(sim, token, 'GET', sites)).be.rejected();
    should((await api(sim, token, 'GET', sites)).status).equal(200);
  });

  it('matches faults by surface, method and path', async () => {
    sim.faults.add({ kind: 'status', status: 500, surface: 'token' });
    sim.faults.add({ kind: 'status', status: 400, method: 'POST', path: 'Schedule/Create', body: '{"title":"rejected"}' });
    should((await api(sim, token, 'GET', sites)).status).equal(200);
    const tokenRes = await request(`${sim.url}/Api/v2/Auth/token`, { method: 'POST' });
    should(tokenRes.status).equal(500);
    const create = await api(sim, token, 'POST', '/Api/v2/Schedule/Create/By/SerialNumber', {});
    should(create.status).equal(400);
    should(create.text).equal('{"title":"rejected"}');
  });

  it('is driven through the admin route, which is never faulted itself', async () => {
    const added = await request(`${sim.url}/__sim/faults`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'status', status: 503 }),
    });
    should(added.status).equal(200);
    should(added.body.id).be.a.Number();
    should((await api(sim, token, 'GET', sites)).status).equal(503);
    should((await request(`${sim.url}/__sim/state`)).status).equal(200);
    const bad = await request(`${sim.url}/__sim/faults`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'explode' }),
    });
    should(bad.status).equal(400);
    should((await request(`${sim.url}/__sim/faults`, { method: 'DELETE' })).status).equal(200);
    should((await api(sim, token, 'GET', sites)).status).equal(200);
  });

  it('expires tokens and moves the clock through the admin route', async () => {
    const fresh = await getToken(sim);
    await request(`${sim.url}/__sim/expire-tokens`, { method: 'POST' });
    should((await api(sim, fresh, 'GET', sites)).status).equal(401);
    const before = sim.clock.now();
    const moved = await request(`${sim.url}/__sim/clock`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceMinutes: 5 }),
    });
    should(moved.status).equal(200);
    should(sim.clock.now() - before).equal(5 * 60_000);
    token = await getToken(sim);
  });

  it('counts requests by surface and path', async () => {
    sim.clearRequests();
    await api(sim, token, 'GET', sites);
    await api(sim, token, 'GET', sites);
    await getToken(sim);
    should(sim.requestCount({ surface: 'api', path: '/Api/v2/EnergyData' })).equal(2);
    should(sim.requestCount({ surface: 'token' })).equal(1);
    should(sim.requests[0]).have.properties({ method: 'GET', surface: 'api', status: 200 });
  });

  it('sets an inverter\'s PV, load and SoC through the admin route', async () => {
    const serial = sim.cloud.accounts[0].sites[0].inverters[0].serial;
    const res = await request(`${sim.url}/__sim/inverters/${serial}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pvKW: 0, loadKW: 1.5, socPct: 50 }),
    });
    should(res.status).equal(200);
    should(res.body).have.properties({ pvKW: 0, loadKW: 1.5, soc0to1: 0.5 });
  });
});

describe('simulator: the redback-sim command', () => {
  it('reads its options', () => {
    should(parseArgs(['--port', '0', '--speed', '60', '--wall-clock-controls', '--start', '2026-01-15T00:00:00Z'])).eql({
      port: 0, wallClockControls: true, clock: { speed: 60, start: '2026-01-15T00:00:00Z' },
    });
    should(parseArgs([])).eql({ port: 8124, clock: {} });
    should(() => parseArgs(['--speed', '-1'])).throw(/--speed needs a non-negative number/);
  });
});
