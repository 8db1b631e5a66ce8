/**
 * The control node when answers are lost and records go stale (issues 13 and 14): the intent is
 * in the journal before a write is sent, a write whose answer is lost is read back before the
 * node reports, what the cloud no longer lists is forgotten without a request, and a failed
 * revert to Auto is retried at 5 s, 15 s, 30 s, then every minute.
 *
 * As in the node suite: a fresh simulator frozen at 2026-01-15T02:00:00Z, sinon faking
 * setTimeout and Date (the simulator's held answers too), `advance(ms)` moving both clocks.
 * Node-RED's user directory is a fresh temporary folder, so the journal is real.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import type { InverterEntry } from '../../src/sim/cloud';
import type { FaultSpec } from '../../src/sim/faults';
import { journalFile } from '../../src/control/intent-journal';
import {
  IDS, controlFlowConfig, loadControlFlow, realDelay, recordRequests, releaseSharedAccount, waitUntil,
  type ControlFlow, type ControlSettings, type SentRequest,
} from '../helpers/control-flow';
import { advanceTimerByTimer } from '../helpers/fake-time';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';
const ST_SITE = 'S4b1e7c20d93a5';
const T0 = Date.parse(FIXED_START);
const SECOND = 1000;
const MINUTE = 60_000;
const CREATE_SCHEDULE = '/Api/v2/Schedule/Create/By/SerialNumber';
const CREATE_ENVELOPE = '/Api/v2/OperatingEnvelope/Create/By/Site';
const PORTAL_SET = '/productcontrol/Index';

describe('redback-control: lost answers, stale records and the intent journal', function () {
  this.timeout(60_000);
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;
  let requests: ReturnType<typeof recordRequests>;
  let userDir: string;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-lost-'));
    helper.settings({ userDir });
    sim = await startSim();
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: false });
    requests = recordRequests();
  });
  afterEach(async () => {
    releaseSharedAccount();
    await helper.unload();
    requests.restore();
    clock.restore();
    sinon.restore();
    await sim.stop();
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const entry = (serial: string): InverterEntry => sim.cloud.inverterBySerial(serial)!;
  const load = (settings: ControlSettings = {}): Promise<ControlFlow> => loadControlFlow(sim, { serial: ST, ...settings });
  const settle = (): Promise<void> => requests.settled();
  const advance = (ms: number): Promise<void> => advanceTimerByTimer(clock, sim.clock, ms, settle, 2000);
  /** Sends a payload and moves time on (a request's deadline and held answers are fake timers) until it has a result or an error. */
  const outcome = async (flow: ControlFlow, payload: unknown): Promise<{ ok: boolean; payload?: any; error?: string; afterMs: number }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const [outs, errs, from] = [flow.out.filter((m) => m.topic !== 'readback').length, flow.caught.length, clock.now];
    flow.send(payload);
    for (let i = 0; i < 1000; i++) {
      await realDelay(5);
      const results = flow.out.filter((m) => m.topic !== 'readback');
      if (results.length > outs) return { ok: true, payload: results[results.length - 1].payload, afterMs: clock.now - from };
      if (flow.caught.length > errs) return { ok: false, error: flow.caught[flow.caught.length - 1].error.message, afterMs: clock.now - from };
      // Not advance(): a held answer is on the wire until its fake deadline.
      sim.clock.advance(250);
      await clock.tickAsync(250);
    }
    throw new Error('no result and no error');
  };
  const writesTo = (p: string, method = 'POST'): SentRequest[] => requests.writes().filter((r) => r.method === method && r.path === p);
  const setModes = (): string[] => writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]']);
  const mode = (): string => sim.cloud.snapshot(entry(ST)).mode.mode;
  /** The mode the cloud applies from the next minute on (a reading shows a change from the minute after it). */
  const modeNext = (): string => sim.cloud.controlAt(entry(ST), Math.floor(sim.clock.now() / MINUTE) * MINUTE + MINUTE).mode.mode;
  const fault = (spec: FaultSpec): number => sim.faults.add({ times: 1, ...spec });
  const journal = (): any => JSON.parse(fs.readFileSync(journalFile(userDir, IDS.control), 'utf8')).state; // eslint-disable-line @typescript-eslint/no-explicit-any

  // ---------------------------------------------------------------------------------------------
  describe('the journal: written before the write, replayed on start', () => {
    it('the revert deadline is on disk before the Set is sent', async () => {
      const flow = await load({ method: 'portal' });
      fault({ kind: 'slow', surface: 'portal', method: 'POST', path: PORTAL_SET, delayMs: 2 * SECOND });
      flow.send({ command: 'discharge', powerW: 2000, durationMinutes: 2 });
      await waitUntil(() => sim.requestCount({ path: PORTAL_SET }) === 1, 'the Set on the wire');
      should(mode()).equal('Auto'); // not applied yet
      should(journal().portalRevert).eql({ serial: ST, atMs: T0 + 2 * MINUTE });
      await advance(2 * SECOND);
      await flow.output(1);
    });

    it('with the memory context store: a restart 20 s in still reverts to Auto at the deadline', async () => {
      let flow = await load({ method: 'portal' });
      should((await outcome(flow, { command: 'discharge', powerW: 2000, durationMinutes: 2 })).ok).be.true();
      await advance(20 * SECOND);
      await helper.unload(); // Node-RED stops; its memory context is gone
      should(clock.countTimers()).equal(0);
      await advance(10 * SECOND);
      flow = await load({ method: 'portal' });
      should(flow.state()).be.undefined(); // nothing in context: the journal is what remembers
      await advance(T0 + 2 * MINUTE - clock.now - SECOND);
      should(setModes()).eql(['DischargeBattery']);
      await advance(SECOND);
      should(setModes()).eql(['DischargeBattery', 'Auto']);
      should(journal().portalRevert).be.null();
      await advance(MINUTE);
      should(mode()).equal('Auto');
    });

    it('a deadline that passed while Node-RED was down is reverted at once on start', async () => {
      const flow = await load({ method: 'portal' });
      await outcome(flow, { command: 'charge', powerW: 3000, durationMinutes: 1 });
      await helper.unload();
      await advance(5 * MINUTE);
      should(setModes()).eql(['ChargeBattery']);
      await load({ method: 'portal' });
      await advance(0);
      await waitUntil(() => setModes().length === 2, 'the revert');
      should(setModes()).eql(['ChargeBattery', 'Auto']);
    });

    it('a full deploy while the Set is on the wire: the new node still reverts at the deadline', async () => {
      const flow = await load({ method: 'portal' });
      fault({ kind: 'slowAnswer', surface: 'portal', method: 'POST', path: PORTAL_SET, delayMs: 3 * SECOND });
      flow.send({ command: 'discharge', powerW: 2000, durationMinutes: 1 });
      await waitUntil(() => sim.requestCount({ path: PORTAL_SET }) === 1, 'the Set on the wire');
      await realDelay(20);
      const { flow: nodes } = controlFlowConfig(sim, { serial: ST, method: 'portal' });
      await (helper as unknown as { setFlows(flows: object[], type: string): Promise<void> }).setFlows(nodes, 'full');
      await advance(3 * SECOND);
      should(modeNext()).equal('DischargeBattery'); // it took
      await advance(MINUTE - 3 * SECOND);
      should(setModes()).eql(['DischargeBattery', 'Auto']);
      await advance(MINUTE);
      should(mode()).equal('Auto');
    });

    it('a deleted node leaves no journal behind', async () => {
      const flow = await load({ method: 'portal' });
      await outcome(flow, { command: 'charge', powerW: 3000, durationMinutes: 5 });
      should(fs.existsSync(journalFile(userDir, IDS.control))).be.true();
      const remaining = controlFlowConfig(sim, { serial: ST, method: 'portal' }).flow.filter((n) => (n as { id: string }).id !== IDS.control);
      await (helper as unknown as { setFlows(flows: object[], type: string): Promise<void> }).setFlows(remaining, 'nodes');
      await settle();
      should(setModes()).eql(['ChargeBattery', 'Auto']);
      should(fs.existsSync(journalFile(userDir, IDS.control))).be.false();
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('a portal Set whose answer is lost', () => {
    const lost: [string, FaultSpec][] = [
      ['the connection drops after the Set took', { kind: 'dropAnswer', surface: 'portal', method: 'POST', path: PORTAL_SET }],
      ['a gateway answers 502 after the Set took', { kind: 'statusAfterApply', status: 502, surface: 'portal', method: 'POST', path: PORTAL_SET }],
      ['the answer is held 45 s, past the timeout', { kind: 'slowAnswer', delayMs: 45 * SECOND, surface: 'portal', method: 'POST', path: PORTAL_SET }],
    ];
    for (const [title, spec] of lost) {
      it(`${title}: read back as applied (ok: true), Auto at the deadline`, async () => {
        const flow = await load({ method: 'portal' });
        fault(spec);
        const result = await outcome(flow, { command: 'discharge', powerW: 2000, durationMinutes: 3 });
        console.log(`      ${title}: ok: true after ${result.afterMs / 1000} s (simulated), ${sim.requestCount({ path: PORTAL_SET })} Set`); // eslint-disable-line no-console
        should(result).have.properties({ ok: true });
        should(result.payload).have.properties({ ok: true, command: 'discharge', mode: 'DischargeBattery' });
        should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + 3 * MINUTE });
        await advance(T0 + 3 * MINUTE - clock.now - SECOND);
        should(setModes()).eql(['DischargeBattery']);
        await advance(SECOND);
        should(setModes()).eql(['DischargeBattery', 'Auto']);
        await advance(MINUTE);
        should(mode()).equal('Auto');
        should(flow.caught).be.empty();
      });
    }

    for (const [title, spec] of [
      ['a 502 before the Set reached the cloud', { kind: 'status', status: 502, surface: 'portal', method: 'POST', path: PORTAL_SET }],
      ['the connection reset before the Set reached the cloud', { kind: 'disconnect', surface: 'portal', method: 'POST', path: PORTAL_SET }],
    ] as [string, FaultSpec][]) {
      it(`${title}: a clear "not applied" error, never ok: true; the revert stays armed`, async () => {
        const flow = await load({ method: 'portal' });
        fault(spec);
        const result = await outcome(flow, { command: 'discharge', powerW: 2000, durationMinutes: 3 });
        console.log(`      ${title}: "not applied" after ${result.afterMs / 1000} s (simulated), ${sim.requestCount({ path: PORTAL_SET })} Set`); // eslint-disable-line no-console
        should(result.ok).be.false();
        should(result.error).match(/; not applied \(read back: inverter RB21081800001734 reports Auto\); the revert to Auto stays armed for the deadline$/);
        should(flow.out.filter((m) => m.payload?.ok === true)).be.empty();
        should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + 3 * MINUTE });
        await advance(T0 + 3 * MINUTE - clock.now);
        should(setModes()).eql(['DischargeBattery', 'Auto']);
        should(modeNext()).equal('Auto');
      });
    }
  });

  // ---------------------------------------------------------------------------------------------
  describe('schedules and envelopes whose answer is lost', () => {
    it('a schedule create whose connection drops after it took: found by its tag and start time (ok: true), and replaced later', async () => {
      const flow = await load();
      fault({ kind: 'dropAnswer', surface: 'api', method: 'POST', path: CREATE_SCHEDULE });
      const charge = await outcome(flow, { command: 'charge', powerW: 3000, durationMinutes: 30 });
      should(charge.ok).be.true();
      const [created] = sim.cloud.listSchedules(entry(ST), false);
      should(charge.payload.scheduleId).equal(created.scheduleId);
      // A later 1-minute discharge replaces it: the lost 30-minute charge never comes back.
      const discharge = await outcome(flow, { command: 'discharge', powerW: 2000, durationMinutes: 1 });
      should(discharge.ok).be.true();
      should(writesTo(`/Api/v2/Schedule/By/SerialNumber/${ST}/${created.scheduleId}`, 'DELETE')).have.length(1);
      await advance(2 * MINUTE);
      should(mode()).equal('Auto');
    });

    it('a schedule create answered 502 by a gateway after it took: ok: true', async () => {
      const flow = await load();
      fault({ kind: 'statusAfterApply', status: 502, surface: 'api', method: 'POST', path: CREATE_SCHEDULE });
      const charge = await outcome(flow, { command: 'charge', powerW: 3000 });
      should(charge.ok).be.true();
      should(flow.state()!.schedules).eql([{ serial: ST, scheduleId: sim.cloud.listSchedules(entry(ST), false)[0].scheduleId }]);
    });

    it('a schedule create that never reached the cloud: "not applied", nothing kept', async () => {
      const flow = await load();
      fault({ kind: 'status', status: 503, surface: 'api', method: 'POST', path: CREATE_SCHEDULE });
      const charge = await outcome(flow, { command: 'charge', powerW: 3000 });
      should(charge.ok).be.false();
      should(charge.error).match(/HTTP 503.*; not applied \(read back: the inverter's schedule list holds no charge starting 2026-01-15T02:00:00Z\)$/);
      should(flow.state()!.schedules).eql([]);
      should(journal().schedules).eql([]);
    });

    it('an envelope create whose connection drops after it took: listed for the site (ok: true), cancelled by auto', async () => {
      const flow = await load();
      fault({ kind: 'dropAnswer', surface: 'api', method: 'POST', path: CREATE_ENVELOPE });
      const curtail = await outcome(flow, { command: 'curtail', exportLimitW: 0, durationMinutes: 15 });
      should(curtail.ok).be.true();
      should(sim.cloud.listEnvelopes(entry(ST).site, 0).map((e) => e.eventId)).eql([curtail.payload.eventId]);
      await outcome(flow, 'auto');
      should(sim.cloud.listEnvelopes(entry(ST).site, 0)).be.empty();
    });

    it('a curtail is read back too: the envelope listed for the site gives applied: true', async () => {
      const flow = await load();
      const curtail = await outcome(flow, { command: 'curtail', exportLimitW: 500, durationMinutes: 15 });
      should(curtail.payload.applied).be.null();
      await advance(MINUTE);
      const readBack = flow.out.find((m) => m.topic === 'readback');
      should(readBack!.payload).have.properties({ command: 'curtail', applied: true, readBack: `envelope ${curtail.payload.eventId} listed for site ${ST_SITE} (ReportStarted)` });
      should(flow.lastStatus()!.text).endWith('✓');
    });

    it('a curtail the site never lists: applied: false and a warning', async () => {
      const flow = await load();
      const curtail = await outcome(flow, { command: 'curtail', exportLimitW: 0, durationMinutes: 15 });
      sim.cloud.deleteEnvelope(entry(ST).account, curtail.payload.eventId);
      entry(ST).sim.setOverrides({ pvKW: 9, loadKW: 0.5 });
      entry(ST).sim.setSoc(1); // a full battery: the surplus goes to the grid
      await advance(3 * MINUTE);
      const readBack = flow.out.find((m) => m.topic === 'readback');
      should(readBack!.payload.applied).be.false();
      should(readBack!.payload.readBack).match(/^site S4b1e7c20d93a5 lists no envelope /);
      should(flow.lastStatus()).have.properties({ fill: 'yellow' });
      should(flow.warnings).have.length(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('replacing: only what the cloud lists is deleted', () => {
    it('an id Redback removed by itself, whose delete answers 400: forgotten without a request, and the node goes on commanding', async () => {
      const flow = await load();
      sim.settings.missingIdDeleteStatus = 400;
      const first = await outcome(flow, { command: 'charge', powerW: 3000 });
      sim.cloud.deleteSchedule(entry(ST), first.payload.scheduleId); // removed without notice
      for (const cmd of [{ command: 'discharge', powerW: 2000 }, { command: 'import', powerW: 1000 }, 'auto']) {
        should((await outcome(flow, cmd)).ok).be.true();
      }
      should(writesTo(`/Api/v2/Schedule/By/SerialNumber/${ST}/${first.payload.scheduleId}`, 'DELETE')).be.empty();
      should(sim.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).eql([200, 200]);
      should(flow.caught).be.empty();
    });

    it('an ended schedule is dropped without a request', async () => {
      const flow = await load();
      await outcome(flow, { command: 'charge', powerW: 3000, durationMinutes: 1 });
      await advance(2 * MINUTE);
      const before = sim.requests.length;
      should((await outcome(flow, { command: 'discharge', powerW: 2000 })).ok).be.true();
      should(sim.requests.slice(before).map((r) => `${r.method} ${r.path}`)).eql([`POST ${CREATE_SCHEDULE}`]);
    });

    it('a delete of a live schedule that keeps failing fails that command clearly; the next one works', async () => {
      const flow = await load();
      const first = await outcome(flow, { command: 'charge', powerW: 3000 });
      const id = sim.faults.add({ kind: 'status', status: 500, surface: 'api', method: 'DELETE', path: '/Schedule/By/SerialNumber/' });
      const failed = await outcome(flow, { command: 'discharge', powerW: 2000 });
      should(failed.ok).be.false();
      should(failed.error).match(new RegExp(`^RedbackError: could not cancel the earlier schedule ${first.payload.scheduleId}, which is still live, so nothing new was sent: DELETE .* HTTP 500`));
      should(writesTo(CREATE_SCHEDULE)).have.length(1);
      sim.faults.remove(id);
      const next = await outcome(flow, { command: 'discharge', powerW: 2000 });
      should(next.ok).be.true();
      should(sim.cloud.listSchedules(entry(ST), false).map((s) => s.scheduleId)).eql([next.payload.scheduleId]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('answers the simulator did not give before (issue 13)', () => {
    it('a schedule create answered without Data.ScheduleId: the schedule is found in the list', async () => {
      sim.settings.omitScheduleId = true;
      const flow = await load();
      const charge = await outcome(flow, { command: 'charge', powerW: 3000 });
      should(charge.ok).be.true();
      should(charge.payload.scheduleId).equal(sim.cloud.listSchedules(entry(ST), false)[0].scheduleId);
      should((await outcome(flow, 'auto')).ok).be.true();
      should(sim.cloud.listSchedules(entry(ST), false)).be.empty();
    });

    it('BatteryCount 0 on an inverter that reports a battery SoC: battery commands are sent', async () => {
      sim.settings.batteryCountZero = true;
      const flow = await load();
      const charge = await outcome(flow, { command: 'charge', powerW: 3000 });
      should(charge.ok).be.true();
      should(writesTo(CREATE_SCHEDULE)).have.length(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  it('a failed revert to Auto is retried after 5 s, 15 s, 30 s, then every minute, each retry in the status', async () => {
    const flow = await load({ method: 'portal' });
    await outcome(flow, { command: 'charge', powerW: 3000, durationMinutes: 1 });
    sim.faults.add({ kind: 'status', status: 400, surface: 'portal', method: 'POST', path: PORTAL_SET, times: 5 });
    await advance(T0 + MINUTE - clock.now);
    const sets = (): number => sim.requestCount({ path: PORTAL_SET });
    should(sets()).equal(2); // the deadline's revert, refused
    for (const gap of [5, 15, 30, 60, 60]) {
      await advance(gap * SECOND - 1);
      const before = sets();
      await advance(1);
      should(sets()).equal(before + 1, `a retry ${gap} s after the last`);
    }
    should(flow.statuses.map((s) => String(s.text)).filter((t) => t.startsWith('revert'))).eql([
      'revert to Auto failed; retry 1 in 5 s',
      'revert to Auto failed; retry 2 in 15 s',
      'revert to Auto failed; retry 3 in 30 s',
      'revert to Auto failed; retry 4 in 60 s',
      'revert to Auto failed; retry 5 in 60 s',
    ]);
    should(sim.requests.filter((r) => r.path === PORTAL_SET).map((r) => r.status)).eql([200, 400, 400, 400, 400, 400, 200]);
    should(flow.lastStatus()!.text).equal('auto (portal command ended)');
    should(modeNext()).equal('Auto');
    should(flow.state()!.portalRevert).be.null();
  });
});
