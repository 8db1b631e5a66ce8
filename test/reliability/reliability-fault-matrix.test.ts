/**
 * Issue 8, the fault matrix: every simulator fault against every node it can reach (the read
 * node; the control node with the schedule and with the portal method). Each cell checks that the
 * node reports the specific cause through done(err) to a Catch node and in its status, sends no
 * message while the fault lasts (so no value is made up), raises no unhandled rejection, and
 * recovers once the fault is cleared. The read node is also shown never to touch the portal or
 * the schedules, so those faults cannot reach it.
 *
 * Fake timers (with Date at the simulator's frozen instant) drive the transport's 30 s deadlines,
 * backoff and Retry-After waits and the simulator's slow answers; real HTTP on loopback runs.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { ANSWER_FROM_LAST_POLL_MS } from '../../src/read/read-runner';
import type { RedbackSimulator } from '../../src/sim';
import { loadControlFlow, type ControlFlow, type Msg } from '../helpers/control-flow';
import { pump } from '../helpers/fake-time';
import { FAULT_CASES, expectedMessage, type FaultCase, type Target } from '../helpers/fault-cases';
import { freePort } from '../helpers/node-red-process';
import { watchProcess, type ProcessWatch } from '../helpers/process-watch';
import { IDS as READ_IDS, loadReadFlow, realDelay } from '../helpers/read-flow';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';
const T0 = Date.parse(FIXED_START);
const TIMERS: ('setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval' | 'Date')[] = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'];

/** The message of a caught error without the `RedbackError: ` Node-RED puts in front. */
const bare = (message: string): string => message.replace(/^[A-Za-z]+Error: /, '');

describe('reliability: the fault matrix (fault × node)', function () {
  this.timeout(30_000);
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;
  let watch: ProcessWatch;

  before(async () => {
    await helper.startServer();
    watch = watchProcess();
  });
  after(async () => {
    watch.stop();
    await helper.stopServer();
  });
  beforeEach(async () => {
    sim = await startSim({ port: await freePort() });
    clock = sinon.useFakeTimers({ now: T0, toFake: TIMERS, shouldAdvanceTime: false });
    watch.reset();
  });
  afterEach(async () => {
    await helper.unload();
    clock.restore();
    await sim.stop();
  });

  /** No unhandled rejection or uncaught exception, including late ones. */
  const nothingUnhandled = async (): Promise<void> => {
    await realDelay(20);
    should(watch.rejections.map(String)).eql([]);
    should(watch.exceptions.map(String)).eql([]);
  };
  const tokenRequests = (): number => sim.requestCount({ surface: 'token' });
  const logins = (): number => sim.requestCount({ surface: 'portal', method: 'POST', path: '/Account/Login' });
  const renewals = (c: FaultCase): number => (c.expect.kind === 'transparent' && c.expect.renewal === 'login' ? logins() : tokenRequests());

  for (const c of FAULT_CASES) {
    describe(c.name, () => {
      if (c.targets.includes('read')) it('read node', () => readCell(c));
      for (const target of c.targets.filter((t): t is Exclude<Target, 'read'> => t !== 'read')) {
        it(`control node, ${target} method`, () => controlCell(c, target));
      }
    });
  }

  it('the read node never touches the portal or the schedules, so their faults cannot reach it', async () => {
    const flow = await loadReadFlow(sim, { interval: 3600 });
    sim.expirePortalSessions();
    sim.faults.add({ kind: 'loginWithoutToken' });
    sim.faults.add({ kind: 'status', status: 400, path: 'Schedule' });
    sim.faults.add({ kind: 'status', status: 503, surface: 'portal' });
    flow.poll();
    await flow.received({ site: 4, inverter: 5, battery: 4 });
    should(flow.caught).be.empty();
    should(sim.requestCount({ surface: 'portal' })).equal(0);
    should(sim.requestCount({ path: 'Schedule' })).equal(0);
    await nothingUnhandled();
  });

  async function readCell(c: FaultCase): Promise<void> {
    const flow = await loadReadFlow(sim, { serial: ST, interval: 3600 });
    await clock.tickAsync(2000); // the first timed poll: token, sites, static data and configuration cached from here
    await flow.received({ site: 1, inverter: 1, battery: 1 });
    const baseline = { site: flow.site[0].payload, inverter: flow.inverter[0].payload, battery: flow.battery[0].payload };
    const renewedBefore = renewals(c);

    await c.apply(sim, 'read');
    await clock.tickAsync(ANSWER_FROM_LAST_POLL_MS + 1); // past the 2 s in which an input is answered from the last poll
    flow.poll({ topic: 'during the fault' });
    if (c.expect.kind === 'transparent') {
      await pump(clock, () => flow.site.length === 2 || flow.caught.length > 0, 'reading after the renewal');
      should(flow.caught.map((m) => m.error.message)).eql([]);
      should(renewals(c)).equal(renewedBefore + 1);
    } else {
      // A GET is tried four times, each up to the 30 s timeout, with backoff between.
      await pump(clock, () => flow.caught.length === 1, 'caught error', 250, 300_000);
      const caught = flow.caught[0];
      should(bare(caught.error.message)).match(expectedMessage(c, 'read'));
      should(caught.error.source.id).equal(READ_IDS.read);
      should(caught.topic).equal('during the fault');
      should(flow.lastStatus()).eql({ shape: 'ring', ...c.expect.readStatus });
      await realDelay(20);
      // Nothing was sent while the cloud failed: no message with made-up values.
      should([flow.site.length, flow.inverter.length, flow.battery.length]).eql([1, 1, 1]);
      await c.clear(sim);
      if (c.recoverAfterMs) await clock.tickAsync(c.recoverAfterMs);
      flow.poll({ topic: 'after the fault' });
      await pump(clock, () => flow.site.length === 2 || flow.caught.length > 1, 'reading after the fault cleared');
      should(flow.caught).have.length(1);
    }
    await flow.received({ site: 2, inverter: 2, battery: 2 });
    // The frozen simulator reports the same reading: the recovered messages carry exactly its values.
    should(flow.site[1].payload).eql(baseline.site);
    should(flow.inverter[1].payload).eql(baseline.inverter);
    should(flow.battery[1].payload).eql(baseline.battery);
    should(flow.lastStatus()).have.properties({ fill: 'green', shape: 'dot' });
    await nothingUnhandled();
  }

  async function controlCell(c: FaultCase, method: Exclude<Target, 'read'>): Promise<void> {
    const flow = await loadControlFlow(sim, { serial: ST, method });
    const results = (): Msg[] => flow.out.filter((m) => m.topic !== 'readback');
    flow.send({ command: 'charge', powerW: 1000 }); // token, sites, static data (and the portal login) from here
    await pump(clock, () => results().length === 1 || flow.caught.length > 0, 'first command');
    should(flow.caught).be.empty();
    const renewedBefore = renewals(c);

    await c.apply(sim, method);
    flow.send({ command: 'discharge', powerW: 2000 });
    if (c.expect.kind === 'transparent') {
      await pump(clock, () => results().length === 2 || flow.caught.length > 0, 'command after the renewal');
      should(flow.caught.map((m) => m.error.message)).eql([]);
      should(renewals(c)).equal(renewedBefore + 1);
    } else {
      // A GET is tried four times, each up to the 30 s timeout, with backoff between.
      await pump(clock, () => flow.caught.length === 1, 'caught error', 250, 300_000);
      const caught = flow.caught[0];
      const message = bare(caught.error.message);
      should(message).match(expectedMessage(c, method));
      should(caught.payload).eql({ command: 'discharge', powerW: 2000 });
      should(flow.lastStatus()).have.properties({ fill: 'red', shape: 'ring' });
      should(message.startsWith(String(flow.lastStatus()!.text).replace(/…$/, ''))).be.true();
      await realDelay(20);
      should(results()).have.length(1); // no result for the failed command
      await c.clear(sim);
      if (c.recoverAfterMs) await clock.tickAsync(c.recoverAfterMs);
      flow.send({ command: 'discharge', powerW: 2000 });
      await pump(clock, () => results().length === 2 || flow.caught.length > 1, 'command after the fault cleared');
      should(flow.caught).have.length(1);
    }
    checkDischarge(flow, results()[1], method);
    await nothingUnhandled();
  }

  function checkDischarge(flow: ControlFlow, result: Msg, method: Exclude<Target, 'read'>): void {
    should(result.payload).have.properties({ ok: true, command: 'discharge', mode: 'DischargeBattery', powerW: 2000, method, serial: ST });
    should(flow.lastStatus()).have.properties({ fill: 'green', shape: 'dot' });
    const inverter = sim.cloud.inverterBySerial(ST)!;
    if (method === 'schedule') {
      const live = sim.cloud.listSchedules(inverter, true).filter((s) => s.scheduleId === result.payload.scheduleId);
      should(live).have.length(1);
      should(live[0].mode).eql({ mode: 'DischargeBattery', powerW: 2000 });
    }
  }
});
