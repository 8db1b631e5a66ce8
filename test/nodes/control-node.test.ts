/**
 * The `redback-control` node in Node-RED's test helper against the simulator (issue 5): it
 * validates first (a bad input fails the message with its own error, a red status and not one
 * request), then sends exactly the documented request, then reports (output, status, read-back).
 *
 * Every test runs on a fresh simulator whose clock is frozen at 2026-01-15T02:00:00Z, with
 * sinon faking setTimeout, clearTimeout and Date at that same instant, so the node's "now" is the
 * simulator's. `advance(ms)` moves both clocks together and lets the requests this starts finish;
 * real HTTP on loopback runs throughout. Every request the package makes is recorded with its
 * body by a stub over Transport.request.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import type { InverterEntry } from '../../src/sim/cloud';
import {
  IDS, controlFlowConfig, deployStatuses, loadControlFlow, realDelay, recordRequests, releaseSharedAccount, sharedAccount, usePersistentContext, waitUntil,
  type ControlFlow, type ControlSettings, type SentRequest,
} from '../helpers/control-flow';
import { advanceTimerByTimer } from '../helpers/fake-time';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

// The default simulated account.
const ST = 'RB21081800001734'; // ST10000: battery 10 kW both ways, inverter 10 kW, SoftwareVersion 2.16.32211.1
const ST_SITE = 'S4b1e7c20d93a5';
const SH = 'RB22031500004412'; // SH5000: battery 4.6 kW, inverter 5 kW, SoftwareVersion 2.17.32303.7
const SH_SITE = 'S7c0d2e9f4a61b';
const SI = 'RB23110200007785'; // SI5000 without a battery, on a site with a 5 kW export limit
const ALL_SERIALS = [ST, SH, SI, 'RB24050600002201', 'RB24050600002202'];

const T0 = Date.parse(FIXED_START);
const MINUTE = 60_000;
const CREATE_SCHEDULE = '/Api/v2/Schedule/Create/By/SerialNumber';
const CREATE_ENVELOPE = '/Api/v2/OperatingEnvelope/Create/By/Site';
const PORTAL_SET = '/productcontrol/Index';

/** UTC with Z and whole seconds, as the node writes times. */
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The node shows times on the host's clock. */
const hhmm = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** The Set form exactly as docs/redback-cloud.md §6.3 gives it (the token is checked separately). */
const setForm = (serial: string, mode: string, powerW: number, rossVersion: string): Record<string, string> => ({
  SerialNumber: serial,
  AppliedTariffId: '',
  'InverterOperation[Type]': 'Set',
  'InverterOperation[Mode]': mode,
  'InverterOperation[PowerInWatts]': String(powerW),
  'InverterOperation[AppliedTarrifId]': '',
  ProductModelName: '',
  RossVersion: rossVersion,
});
const withoutToken = (body: Record<string, string>): Record<string, string> => {
  should(body.__RequestVerificationToken).be.a.String().and.not.be.empty();
  const { __RequestVerificationToken: _token, ...rest } = body;
  return rest;
};

describe('redback-control node', () => {
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;
  let requests: ReturnType<typeof recordRequests>;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
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
  });

  const entry = (serial: string): InverterEntry => sim.cloud.inverterBySerial(serial)!;
  const load = (settings: ControlSettings = {}): Promise<ControlFlow> => loadControlFlow(sim, settings);
  const settle = (): Promise<void> => requests.settled();
  const advance = (ms: number): Promise<void> => advanceTimerByTimer(clock, sim.clock, ms, settle, 1000);
  /** Sends a payload and waits for the result message (the n-th output in total). */
  const command = async (flow: ControlFlow, payload: unknown, n = flow.out.length + 1) => {
    flow.send(payload);
    const msg = await flow.output(n);
    await settle();
    return msg;
  };
  const writesTo = (path: string, method = 'POST'): SentRequest[] => requests.writes().filter((r) => r.method === method && r.path === path);
  const dynamicReads = (): number => sim.requests.filter((r) => /\/Dynamic\//.test(r.path) && r.status > 0).length;
  const onlySchedule = (serial: string) => {
    const list = sim.cloud.listSchedules(entry(serial), true);
    should(list).have.length(1);
    return list[0];
  };

  // ---------------------------------------------------------------------------------------------
  describe('schedule method: every command, the exact request and the output', () => {
    const cases: {
      title: string; payload: unknown; serial?: string; mode: string; watts: number; powerW: number | null;
      startMs: number; minutes: number; duration: string;
    }[] = [
      { title: 'charge with the default 30 minutes', payload: { command: 'charge', powerW: 3000 }, mode: 'ChargeBattery', watts: 3000, powerW: 3000, startMs: T0, minutes: 30, duration: '00:30:00' },
      { title: 'discharge for a whole day (1440 min = 1.00:00:00, never 1.24:00:00)', payload: { command: 'discharge', powerW: 2500, durationMinutes: 1440 }, mode: 'DischargeBattery', watts: 2500, powerW: 2500, startMs: T0, minutes: 1440, duration: '1.00:00:00' },
      { title: 'import for 90 minutes', payload: { command: 'import', powerW: 4000, durationMinutes: 90 }, mode: 'ImportPower', watts: 4000, powerW: 4000, startMs: T0, minutes: 90, duration: '01:30:00' },
      { title: 'export later, given in +10:00, for one minute', payload: { command: 'Export', powerW: 5000, durationMinutes: 1, startAt: '2026-01-15T14:00:00+10:00' }, mode: 'ExportPower', watts: 5000, powerW: 5000, startMs: T0 + 2 * 60 * MINUTE, minutes: 1, duration: '00:01:00' },
      { title: 'conserve as a bare string, for the node\'s default 30 minutes', payload: 'conserve', mode: 'Conserve', watts: 0, powerW: null, startMs: T0, minutes: 30, duration: '00:30:00' },
      { title: 'conserve for 1439 minutes', payload: { command: 'conserve', durationMinutes: 1439 }, mode: 'Conserve', watts: 0, powerW: null, startMs: T0, minutes: 1439, duration: '23:59:00' },
      { title: 'charge the SH5000 (payload.serial, lower case) at exactly its 4600 W limit', payload: { command: 'charge', powerW: 4600, serial: SH.toLowerCase() }, serial: SH, mode: 'ChargeBattery', watts: 4600, powerW: 4600, startMs: T0, minutes: 30, duration: '00:30:00' },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const serial = c.serial ?? ST;
        const flow = await load({ serial: ST });
        const msg = await command(flow, c.payload);

        should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([`POST ${CREATE_SCHEDULE}`]);
        should(requests.writes()[0].body).eql({
          SerialNumber: serial,
          UserNotes: 'node-red-redback',
          StartTimeUtc: iso(c.startMs),
          Duration: c.duration,
          DesiredMode: { InverterMode: c.mode, ArgumentInWatts: c.watts },
        });
        const created = onlySchedule(serial);
        should(created).have.properties({ durationText: c.duration, startMs: c.startMs, userNotes: 'node-red-redback' });
        should(created.mode).eql({ mode: c.mode, powerW: c.watts });

        const name = typeof c.payload === 'string' ? c.payload : (c.payload as { command: string }).command.toLowerCase();
        should(msg.topic).equal('test');
        should(msg.payload).eql({
          ok: true,
          command: name,
          mode: c.mode,
          powerW: c.powerW,
          startAt: iso(c.startMs),
          endAt: iso(c.startMs + c.minutes * MINUTE),
          method: 'schedule',
          serial,
          siteId: serial === ST ? ST_SITE : SH_SITE,
          scheduleId: created.scheduleId,
          applied: null,
        });
        const what = c.powerW === null ? name : `${name} ${c.powerW} W`;
        should(flow.lastStatus()).eql({ fill: 'green', shape: 'dot', text: `${what} until ${hhmm(c.startMs + c.minutes * MINUTE)}` });
        should(flow.state()!.schedules).eql([{ serial, scheduleId: created.scheduleId }]);
        should(flow.caught).be.empty();
      });
    }

    it('curtail: an operating envelope with MaxExportPowerW = exportLimitW and the other ceilings from static data', async () => {
      const flow = await load({ serial: SH });
      const msg = await command(flow, { command: 'curtail', exportLimitW: 1500, durationMinutes: 45 });

      should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([`POST ${CREATE_ENVELOPE}`]);
      const body = requests.writes()[0].body;
      should(body.EventId).match(/^node-red-redback-ctl-[0-9a-f]{6}$/);
      should(body.EventId.length).be.belowOrEqual(128);
      should(body).eql({
        EventId: body.EventId,
        MaxImportPowerW: 5000, // SH5000 inverter
        MaxExportPowerW: 1500,
        MaxDischargePowerW: 4600, // SH5000 battery
        MaxChargePowerW: 4600,
        MaxGenerationPowerVA: 10000,
        StartAtUtc: '2026-01-15T02:00:00Z',
        EndAtUtc: '2026-01-15T02:45:00Z',
        SiteId: SH_SITE,
      });
      const envelopes = sim.cloud.listEnvelopes(sim.cloud.inverterBySerial(SH)!.site, 24);
      should(envelopes.map((e) => [e.eventId, e.maxExportW, e.startMs, e.endMs])).eql([[body.EventId, 1500, T0, T0 + 45 * MINUTE]]);
      should(msg.payload).eql({
        ok: true, command: 'curtail', mode: null, powerW: null, startAt: '2026-01-15T02:00:00Z', endAt: '2026-01-15T02:45:00Z',
        method: 'envelope', serial: SH, siteId: SH_SITE, eventId: body.EventId, exportLimitW: 1500, applied: null,
      });
      should(flow.lastStatus()).eql({ fill: 'green', shape: 'dot', text: `curtail to 1500 W until ${hhmm(T0 + 45 * MINUTE)}` });
      should(flow.state()!.envelopes).eql([body.EventId]);
    });

    it('curtail without exportLimitW means zero export, on the ST10000\'s 10 kW ceilings', async () => {
      const flow = await load({ serial: ST });
      await command(flow, 'curtail');
      const body = writesTo(CREATE_ENVELOPE)[0].body;
      should(body).have.properties({ MaxExportPowerW: 0, MaxImportPowerW: 10000, MaxChargePowerW: 10000, MaxDischargePowerW: 10000, SiteId: ST_SITE });
      should(body.EndAtUtc).equal('2026-01-15T02:30:00Z');
    });

    it('a new command replaces the one this node created before: delete, then create', async () => {
      const flow = await load({ serial: ST });
      const first = await command(flow, { command: 'charge', powerW: 1000 });
      const second = await command(flow, { command: 'discharge', powerW: 2000 });
      const third = await command(flow, { command: 'curtail', exportLimitW: 0 });
      const fourth = await command(flow, { command: 'import', powerW: 3000 });

      should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([
        `POST ${CREATE_SCHEDULE}`,
        `DELETE /Api/v2/Schedule/By/SerialNumber/${ST}/${first.payload.scheduleId}`,
        `POST ${CREATE_SCHEDULE}`,
        `DELETE /Api/v2/Schedule/By/SerialNumber/${ST}/${second.payload.scheduleId}`,
        `POST ${CREATE_ENVELOPE}`,
        `DELETE /Api/v2/OperatingEnvelope/By/EventId/${third.payload.eventId}`,
        `POST ${CREATE_SCHEDULE}`,
      ]);
      should(onlySchedule(ST).scheduleId).equal(fourth.payload.scheduleId);
      should(sim.cloud.listEnvelopes(entry(ST).site, 24)).be.empty();
      should(flow.state()).eql({ schedules: [{ serial: ST, scheduleId: fourth.payload.scheduleId }], envelopes: [], portalRevert: null, decision: null });
    });

    it('auto deletes exactly the schedule and envelope this node created, by id, never OperatingEnvelope/All', async () => {
      const flow = await load({ serial: ST });
      // Someone else's schedule and envelope on the same inverter and site.
      const theirs = sim.cloud.createSchedule(entry(ST), {
        userNotes: 'Home Assistant Created Inverter Schedule', startMs: T0, durationMs: 120 * MINUTE, durationText: '02:00:00', mode: { mode: 'Conserve', powerW: 0 },
      });
      const account = entry(ST).account;
      sim.cloud.createEnvelope(account, entry(ST).site, {
        eventId: 'TuesdayCurtailment-1a2b3c', startMs: T0, endMs: T0 + 120 * MINUTE,
        maxImportW: 10000, maxExportW: 2000, maxChargeW: 10000, maxDischargeW: 10000, maxGenerationVA: 10000,
      });

      const charged = await command(flow, { command: 'charge', powerW: 3000 });
      const done = await command(flow, 'auto');
      should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([
        `POST ${CREATE_SCHEDULE}`,
        `DELETE /Api/v2/Schedule/By/SerialNumber/${ST}/${charged.payload.scheduleId}`,
      ]);
      should(done.payload).eql({
        ok: true, command: 'auto', mode: 'Auto', powerW: 0, startAt: '2026-01-15T02:00:00Z', endAt: null,
        method: 'schedule', serial: ST, siteId: ST_SITE, applied: null,
      });
      should(flow.lastStatus()).eql({ fill: 'green', shape: 'dot', text: 'auto' });

      const curtailed = await command(flow, { command: 'curtail', exportLimitW: 500 });
      await command(flow, { command: 'auto' });
      should(requests.writes().slice(2).map((r) => `${r.method} ${r.path}`)).eql([
        `POST ${CREATE_ENVELOPE}`,
        `DELETE /Api/v2/OperatingEnvelope/By/EventId/${curtailed.payload.eventId}`,
      ]);
      should(sim.requestCount({ path: 'OperatingEnvelope/All' })).equal(0);
      should(sim.cloud.listSchedules(entry(ST), true).map((s) => s.scheduleId)).eql([theirs.scheduleId]);
      should(sim.cloud.listEnvelopes(entry(ST).site, 24).map((e) => e.eventId)).eql(['TuesdayCurtailment-1a2b3c']);
      should(flow.state()).eql({ schedules: [], envelopes: [], portalRevert: null, decision: null });
    });

    it("auto also cancels what this package's other nodes left on the inverter and its site, and nothing of anyone else's", async () => {
      const flow = await load({ serial: ST });
      const tagged = { userNotes: 'node-red-redback', mode: { mode: 'ChargeBattery' as const, powerW: 5000 } };
      // An Amber automation node's schedule, running now, and one of its schedules that has ended.
      const running = sim.cloud.createSchedule(entry(ST), { ...tagged, startMs: T0 - 5 * MINUTE, durationMs: 30 * MINUTE, durationText: '00:30:00' });
      sim.cloud.createSchedule(entry(ST), { ...tagged, startMs: T0 - 90 * MINUTE, durationMs: 30 * MINUTE, durationText: '00:30:00' });
      const theirs = sim.cloud.createSchedule(entry(ST), {
        userNotes: 'Home Assistant Created Inverter Schedule', startMs: T0, durationMs: 120 * MINUTE, durationText: '02:00:00', mode: { mode: 'Conserve', powerW: 0 },
      });
      const account = entry(ST).account;
      const limits = { maxImportW: 10000, maxChargeW: 10000, maxDischargeW: 10000, maxGenerationVA: 10000 };
      sim.cloud.createEnvelope(account, entry(ST).site, { ...limits, eventId: 'node-red-redback-amber-x1y2z3', startMs: T0, endMs: T0 + 30 * MINUTE, maxExportW: 0 });
      sim.cloud.createEnvelope(account, entry(ST).site, { ...limits, eventId: 'node-red-redback-amber-old111', startMs: T0 - 60 * MINUTE, endMs: T0 - 30 * MINUTE, maxExportW: 0 });
      sim.cloud.createEnvelope(account, entry(ST).site, { ...limits, eventId: 'TuesdayCurtailment-1a2b3c', startMs: T0, endMs: T0 + 120 * MINUTE, maxExportW: 2000 });

      const done = await command(flow, 'auto');
      should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([
        `DELETE /Api/v2/Schedule/By/SerialNumber/${ST}/${running.scheduleId}`,
        'DELETE /Api/v2/OperatingEnvelope/By/EventId/node-red-redback-amber-x1y2z3',
      ]);
      should(done.payload).have.properties({ ok: true, command: 'auto', mode: 'Auto' });
      should(sim.cloud.listSchedules(entry(ST), false).map((s) => s.scheduleId)).eql([theirs.scheduleId]);
      should(sim.cloud.listEnvelopes(entry(ST).site, 0).map((e) => e.eventId)).eql(['TuesdayCurtailment-1a2b3c']);
    });

    it('auto succeeds when its schedule is already gone from the cloud (404 on delete)', async () => {
      const flow = await load({ serial: ST });
      const charged = await command(flow, { command: 'charge', powerW: 3000 });
      sim.cloud.deleteSchedule(entry(ST), charged.payload.scheduleId);
      const done = await command(flow, 'auto');
      should(done.payload.ok).be.true();
      // The inverter's list no longer holds it: forgotten without a request (issue 14: list before deleting).
      should(sim.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).eql([]);
      should(flow.state()!.schedules).be.empty();
      should(flow.caught).be.empty();
    });

    it('a battery command for an inverter without a battery (SI5000) is refused before anything is sent', async () => {
      const flow = await load({ serial: SI });
      flow.send({ command: 'charge', powerW: 1000 });
      const caught = await flow.error(1);
      should(caught.error.message).equal('CommandError: inverter RB23110200007785 reports no battery (BatteryCount 0), so it cannot charge; only curtail and auto apply');
      should(flow.lastStatus()).have.properties({ fill: 'red', shape: 'ring' });
      should(flow.out).be.empty();
      should(requests.writes()).be.empty();
      should(flow.state()?.schedules ?? []).be.empty();
    });

    it('curtail on a grid-tie inverter never sends a ceiling of 0 for what it reports as 0 or none', async () => {
      const flow = await load({ serial: SI });
      await command(flow, { command: 'curtail', exportLimitW: 0, durationMinutes: 30 });
      const body = writesTo(CREATE_ENVELOPE)[0].body;
      should(body).have.properties({
        MaxExportPowerW: 0, // what curtail asks for
        MaxImportPowerW: 10000, // the SI5000 reports 0 kW import: not a ceiling of 0
        MaxDischargePowerW: 10000, // no battery: no limit reported
        MaxChargePowerW: 10000,
      });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('portal method: the Set form, the session and the revert to Auto', () => {
    const cases: { payload: Record<string, unknown>; mode: string; watts: number; endAt: string | null }[] = [
      { payload: { command: 'charge', powerW: 3000 }, mode: 'ChargeBattery', watts: 3000, endAt: '2026-01-15T02:30:00Z' },
      { payload: { command: 'discharge', powerW: 2500, durationMinutes: 10 }, mode: 'DischargeBattery', watts: 2500, endAt: '2026-01-15T02:10:00Z' },
      { payload: { command: 'import', powerW: 4000 }, mode: 'ImportPower', watts: 4000, endAt: '2026-01-15T02:30:00Z' },
      { payload: { command: 'export', powerW: 5000 }, mode: 'ExportPower', watts: 5000, endAt: '2026-01-15T02:30:00Z' },
      { payload: { command: 'conserve' }, mode: 'Conserve', watts: 0, endAt: '2026-01-15T02:30:00Z' },
      { payload: { command: 'auto' }, mode: 'Auto', watts: 0, endAt: null },
    ];
    for (const c of cases) {
      it(`${c.payload.command}: posts the Set form with RossVersion from static data and remembers the revert`, async () => {
        const flow = await load({ serial: ST, method: 'portal' });
        const msg = await command(flow, c.payload);

        should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([`POST ${PORTAL_SET}`]);
        should(withoutToken(requests.writes()[0].body)).eql(setForm(ST, c.mode, c.watts, '2.16.32211.1'));
        should(msg.payload).eql({
          ok: true, command: c.payload.command, mode: c.mode, powerW: c.watts, startAt: '2026-01-15T02:00:00Z', endAt: c.endAt,
          method: 'portal', serial: ST, siteId: ST_SITE, applied: null,
        });
        should(flow.state()!.portalRevert).eql(c.endAt === null ? null : { serial: ST, atMs: Date.parse(c.endAt) });
        await advance(MINUTE);
        should(sim.cloud.snapshot(entry(ST)).mode).eql({ mode: c.mode, powerW: c.watts });
      });
    }

    it('RossVersion is each inverter\'s own SoftwareVersion (SH5000: 2.17.32303.7)', async () => {
      const flow = await load({ serial: SH, method: 'portal' });
      await command(flow, { command: 'discharge', powerW: 4600 });
      should(withoutToken(writesTo(PORTAL_SET)[0].body)).eql(setForm(SH, 'DischargeBattery', 4600, '2.17.32303.7'));
    });

    it('logs in once and reuses the session; logs in again once after the portal ends it', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      const logins = (): number => sim.requestCount({ surface: 'portal', method: 'POST', path: '/Account/Login' });
      await command(flow, { command: 'charge', powerW: 1000 });
      await command(flow, { command: 'charge', powerW: 2000 });
      should(logins()).equal(1);
      sim.expirePortalSessions();
      await command(flow, { command: 'charge', powerW: 3000 });
      should(logins()).equal(2);
      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[PowerInWatts]'])).eql(['1000', '2000', '3000']);
      should(flow.caught).be.empty();
    });

    it('curtail on a portal node is still an operating envelope', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      const msg = await command(flow, { command: 'curtail', exportLimitW: 0, durationMinutes: 5 });
      should(requests.writes().map((r) => r.path)).eql([CREATE_ENVELOPE]);
      should(sim.requestCount({ surface: 'portal' })).equal(0);
      should(msg.payload).have.properties({ method: 'envelope', command: 'curtail', mode: null });
      should(flow.state()!.portalRevert).be.null();
    });

    it('sets Auto/0 through the portal when the duration ends, not before', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 1 });
      should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + MINUTE });

      await advance(MINUTE - 1000);
      should(writesTo(PORTAL_SET)).have.length(1);
      await advance(1000);
      should(writesTo(PORTAL_SET)).have.length(2);
      should(withoutToken(writesTo(PORTAL_SET)[1].body)).eql(setForm(ST, 'Auto', 0, '2.16.32211.1'));
      should(flow.state()!.portalRevert).be.null();
      should(flow.statuses.some((s) => s.fill === 'grey' && s.text === 'auto (portal command ended)')).be.true();
      await advance(MINUTE);
      should(sim.cloud.snapshot(entry(ST)).mode).eql({ mode: 'Auto', powerW: 0 });
      should(writesTo(PORTAL_SET)).have.length(2);
      should(flow.caught).be.empty();
    });

    it('a later portal command moves the revert; auto cancels it', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 1 });
      await command(flow, { command: 'discharge', powerW: 2000, durationMinutes: 3 });
      await advance(2 * MINUTE);
      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]'])).eql(['ChargeBattery', 'DischargeBattery']);
      await advance(MINUTE);
      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]'])).eql(['ChargeBattery', 'DischargeBattery', 'Auto']);

      await command(flow, { command: 'export', powerW: 2000, durationMinutes: 2 });
      await command(flow, 'auto');
      await advance(5 * MINUTE);
      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]'])).eql(['ChargeBattery', 'DischargeBattery', 'Auto', 'ExportPower', 'Auto']);
      should(flow.state()!.portalRevert).be.null();
    });

    it('the revert survives a restart of Node-RED (the deadline is in persistent context)', async () => {
      const restore = usePersistentContext();
      try {
        const settings: ControlSettings = { serial: ST, method: 'portal' };
        let flow = await loadControlFlow(sim, settings, { persistentContext: true });
        await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 3 });
        should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + 3 * MINUTE });

        await helper.unload(); // Node-RED stops...
        await advance(MINUTE); // ...for a minute
        should(clock.countTimers()).equal(0);
        flow = await loadControlFlow(sim, settings, { persistentContext: true }); // and starts again; no message arrives

        await advance(2 * MINUTE - 1000);
        should(writesTo(PORTAL_SET)).have.length(1);
        await advance(1000);
        should(writesTo(PORTAL_SET)).have.length(2);
        should(withoutToken(writesTo(PORTAL_SET)[1].body)).eql(setForm(ST, 'Auto', 0, '2.16.32211.1'));
        should(flow.state()!.portalRevert).be.null();
        should(flow.lastStatus()).eql({ fill: 'grey', shape: 'dot', text: 'auto (portal command ended)' });
      } finally {
        restore();
      }
    });

    it('after a restart past the deadline, reverts at once', async () => {
      const restore = usePersistentContext();
      try {
        const settings: ControlSettings = { serial: ST, method: 'portal' };
        const flow = await loadControlFlow(sim, settings, { persistentContext: true });
        await command(flow, { command: 'conserve', durationMinutes: 1 });
        await helper.unload();
        await advance(10 * MINUTE);
        should(writesTo(PORTAL_SET)).have.length(1);
        await loadControlFlow(sim, settings, { persistentContext: true });
        await advance(0);
        await waitUntil(() => writesTo(PORTAL_SET).length === 2, 'the revert');
        should(writesTo(PORTAL_SET)[1].body['InverterOperation[Mode]']).equal('Auto');
      } finally {
        restore();
      }
    });

    it('a revert that fails is reported (Catch, red status) and retried 5 s later', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 2 });
      await advance(MINUTE); // the read-back
      sim.faults.add({ kind: 'status', status: 503, surface: 'portal', method: 'POST', path: PORTAL_SET, times: 1 });
      await advance(MINUTE);
      const caught = await flow.error(1);
      should(caught.error.message).match(/HTTP 503/);
      should(caught.payload).eql({ command: 'auto', revert: true });
      should(flow.lastStatus()).eql({ fill: 'red', shape: 'ring', text: 'revert to Auto failed; retry 1 in 5 s' });
      should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + 2 * MINUTE });

      await advance(4000);
      should(writesTo(PORTAL_SET)).have.length(2);

      await advance(1000);
      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]'])).eql(['ChargeBattery', 'Auto', 'Auto']);
      should(sim.requests.filter((r) => r.path === PORTAL_SET).map((r) => r.status)).eql([200, 503, 200]);
      should(flow.state()!.portalRevert).be.null();
    });

    it('a revert and a new command at the same moment: the revert first, then the command with its own deadline', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 1 });
      await advance(MINUTE - 1000);
      // The revert's Set is slow to answer; a new command arrives meanwhile.
      sim.faults.add({ kind: 'slow', delayMs: 5000, surface: 'portal', method: 'POST', path: PORTAL_SET, times: 1 });
      sim.clock.advance(1000);
      await clock.tickAsync(1000);
      await waitUntil(() => sim.requestCount({ path: PORTAL_SET }) === 2, 'the revert\'s Set');
      flow.send({ command: 'discharge', powerW: 2000, durationMinutes: 5 });
      await realDelay(50);
      await clock.tickAsync(5000);
      await flow.output(2);
      await settle();

      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]'])).eql(['ChargeBattery', 'Auto', 'DischargeBattery']);
      should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + 6 * MINUTE });
      await advance(MINUTE);
      should(sim.cloud.snapshot(entry(ST)).mode).eql({ mode: 'DischargeBattery', powerW: 2000 });
      await advance(4 * MINUTE);
      should(writesTo(PORTAL_SET).map((r) => r.body['InverterOperation[Mode]'])).eql(['ChargeBattery', 'Auto', 'DischargeBattery', 'Auto']);
    });

    it('a portal command for another inverter replaces the first: that one goes back to Auto now, not never', async () => {
      const flow = await load({ serial: ST, method: 'portal' });
      await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 5 });
      await command(flow, { command: 'charge', powerW: 2000, durationMinutes: 5, serial: SH });
      should(writesTo(PORTAL_SET).map((r) => withoutToken(r.body))).eql([
        setForm(ST, 'ChargeBattery', 3000, '2.16.32211.1'),
        setForm(ST, 'Auto', 0, '2.16.32211.1'),
        setForm(SH, 'ChargeBattery', 2000, '2.17.32303.7'),
      ]);
      should(flow.state()!.portalRevert).eql({ serial: SH, atMs: T0 + 5 * MINUTE });
      await advance(5 * MINUTE);
      should(withoutToken(writesTo(PORTAL_SET)[3].body)).eql(setForm(SH, 'Auto', 0, '2.17.32303.7'));
      await advance(MINUTE);
      should(sim.cloud.snapshot(entry(ST)).mode).eql({ mode: 'Auto', powerW: 0 });
      should(sim.cloud.snapshot(entry(SH)).mode).eql({ mode: 'Auto', powerW: 0 });
      should(flow.state()!.portalRevert).be.null();
    });

    for (const deployment of ['nodes', 'full']) {
      it(`sets Auto at once when the node is deleted during a portal command (a "${deployment}" deploy)`, async () => {
        const flow = await load({ serial: ST, method: 'portal' });
        await command(flow, { command: 'discharge', powerW: 2000, durationMinutes: 60 });
        should(writesTo(PORTAL_SET)).have.length(1);
        const remaining = controlFlowConfig(sim, { serial: ST, method: 'portal' }).flow.filter((n) => (n as { id: string }).id !== IDS.control);
        await (helper as unknown as { setFlows(flows: object[], type: string): Promise<void> }).setFlows(remaining, deployment);
        await settle();
        should(writesTo(PORTAL_SET)).have.length(2);
        should(withoutToken(writesTo(PORTAL_SET)[1].body)).eql(setForm(ST, 'Auto', 0, '2.16.32211.1'));
      });
    }

    it('a portal command without the portal login fails before anything is sent', async () => {
      const flow = await loadControlFlow(sim, { serial: ST, method: 'portal' }, { credentials: { clientId: 'sim-client-id', clientSecret: 'sim-client-secret' } });
      await command(flow, { command: 'curtail', exportLimitW: 0 });
      const eventId = flow.state()!.envelopes[0];
      flow.send({ command: 'charge', powerW: 3000 });
      const caught = await flow.error(1);
      should(caught.error.message).match(/the portal method needs the portal e-mail and password/);
      await settle();
      should(requests.writes().map((r) => r.path)).eql([CREATE_ENVELOPE]);
      should(sim.cloud.listEnvelopes(entry(ST).site, 24).map((e) => e.eventId)).eql([eventId]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('validation: a bad input fails the message, shows red and sends nothing', () => {
    interface BadCase {
      title: string;
      payload: unknown;
      message: string;
      settings?: ControlSettings;
      /** Fails before the node needs the cloud's data: no request at all, even on a cold start. */
      cold?: boolean;
      /** Serials whose static data the check needs (read before the count starts). */
      warm?: string[];
    }
    const overST = (what: string, limit: number) => `is above the inverter's maximum ${what} power of ${limit} W`;
    const cases: BadCase[] = [
      { title: 'unknown command', payload: { command: 'boost', powerW: 1000 }, message: 'unknown command "boost"; use one of charge, discharge, import, export, conserve, curtail, auto', cold: true },
      { title: 'no command', payload: { powerW: 1000 }, message: 'command is required', cold: true },
      { title: 'a payload that is neither an object nor a name', payload: 42, message: 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got 42', cold: true },
      { title: 'charge without powerW', payload: 'charge', message: 'powerW is required for charge', cold: true },
      { title: 'negative power', payload: { command: 'charge', powerW: -1 }, message: 'powerW must be a whole number of watts, 0 or more, got -1', cold: true },
      { title: 'NaN power', payload: { command: 'discharge', powerW: NaN }, message: 'powerW must be a whole number of watts, 0 or more, got NaN', cold: true },
      { title: 'power as a string', payload: { command: 'import', powerW: '3000' }, message: 'powerW must be a number of watts, got "3000"', cold: true },
      { title: 'fractional power', payload: { command: 'export', powerW: 1500.5 }, message: 'powerW must be a whole number of watts, 0 or more, got 1500.5', cold: true },
      { title: 'duration 0', payload: { command: 'conserve', durationMinutes: 0 }, message: 'durationMinutes must be a whole number from 1 to 1440, got 0', cold: true },
      { title: 'duration 1441', payload: { command: 'charge', powerW: 1000, durationMinutes: 1441 }, message: 'durationMinutes must be a whole number from 1 to 1440, got 1441', cold: true },
      { title: 'duration 1.5', payload: { command: 'charge', powerW: 1000, durationMinutes: 1.5 }, message: 'durationMinutes must be a whole number from 1 to 1440, got 1.5', cold: true },
      { title: 'duration as a string', payload: { command: 'charge', powerW: 1000, durationMinutes: '30' }, message: 'durationMinutes must be a whole number from 1 to 1440, got "30"', cold: true },
      { title: 'malformed startAt', payload: { command: 'charge', powerW: 1000, startAt: 'tomorrow 3pm' }, message: 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "tomorrow 3pm"', cold: true },
      { title: 'startAt without a time zone', payload: { command: 'charge', powerW: 1000, startAt: '2026-01-15T12:00:00' }, message: 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "2026-01-15T12:00:00"', cold: true },
      { title: 'startAt on 30 February', payload: { command: 'charge', powerW: 1000, startAt: '2026-02-30T02:00:00Z' }, message: 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "2026-02-30T02:00:00Z"', cold: true },
      { title: 'startAt 8 days ahead', payload: { command: 'charge', powerW: 1000, startAt: '2026-01-23T02:00:00Z' }, message: 'startAt is more than 7 days ahead: "2026-01-23T02:00:00Z"', cold: true },
      { title: 'startAt an hour ago', payload: { command: 'charge', powerW: 1000, startAt: '2026-01-15T01:00:00Z' }, message: 'startAt is in the past: "2026-01-15T01:00:00Z"', cold: true },
      { title: 'startAt with auto', payload: { command: 'auto', startAt: '2026-01-15T03:00:00Z' }, message: 'startAt cannot be used with auto, which acts at once', cold: true },
      { title: 'a serial that is not a serial', payload: { command: 'conserve', serial: 'RB2108 1800001734' }, message: 'serial must be 1 to 32 letters and digits, got "RB2108 1800001734"', cold: true },
      { title: 'exportLimitW negative', payload: { command: 'curtail', exportLimitW: -5 }, message: 'exportLimitW must be a whole number of watts, 0 or more, got -5', cold: true },
      { title: 'Amber prices while the price policy is off', payload: [{ type: 'CurrentInterval', channelType: 'general', perKwh: 20 }], message: 'price data arrived but the price policy is off in this node', cold: true },
      { title: 'charge 12000 W on the ST10000', payload: { command: 'charge', powerW: 12000 }, message: `powerW 12000 ${overST('charge', 10000)}`, warm: [ST] },
      { title: 'discharge 10001 W on the ST10000', payload: { command: 'discharge', powerW: 10001 }, message: `powerW 10001 ${overST('discharge', 10000)}`, warm: [ST] },
      { title: 'import 10001 W on the ST10000', payload: { command: 'import', powerW: 10001 }, message: `powerW 10001 ${overST('import', 10000)}`, warm: [ST] },
      { title: 'export 10001 W on the ST10000', payload: { command: 'export', powerW: 10001 }, message: `powerW 10001 ${overST('export', 10000)}`, warm: [ST] },
      { title: 'charge 5000 W on the SH5000', payload: { command: 'charge', powerW: 5000, serial: SH }, message: `powerW 5000 ${overST('charge', 4600)}`, warm: [SH] },
      { title: 'discharge 4601 W on the SH5000', payload: { command: 'discharge', powerW: 4601 }, settings: { serial: SH }, message: `powerW 4601 ${overST('discharge', 4600)}`, warm: [SH] },
      { title: 'import 5001 W on the SH5000', payload: { command: 'import', powerW: 5001, serial: SH }, message: `powerW 5001 ${overST('import', 5000)}`, warm: [SH] },
      { title: 'export 5001 W on the SH5000', payload: { command: 'export', powerW: 5001, serial: SH }, message: `powerW 5001 ${overST('export', 5000)}`, warm: [SH] },
      { title: 'curtail above the site\'s export limit (SI5000 site, 5 kW)', payload: { command: 'curtail', exportLimitW: 5001, serial: SI }, message: 'exportLimitW 5001 is above the site\'s export limit of 5000 W', warm: [SI] },
      { title: 'curtail above the inverter\'s export limit when the site has none', payload: { command: 'curtail', exportLimitW: 10001 }, message: 'exportLimitW 10001 is above the inverter\'s maximum export power of 10000 W', warm: [ST] },
      { title: 'an inverter that is not on the account', payload: { command: 'conserve', serial: 'RB99999999999999' }, message: `inverter RB99999999999999 is not on this Redback account (its inverters: ${ALL_SERIALS.join(', ')})`, warm: [] },
      { title: 'no inverter chosen on an account with several', payload: { command: 'charge', powerW: 1000 }, settings: { serial: '' }, message: `the account has 5 inverters: set the node's inverter or msg.payload.serial (${ALL_SERIALS.join(', ')})`, warm: [] },
      { title: 'a later start on the portal method', payload: { command: 'charge', powerW: 1000, startAt: '2026-01-15T03:00:00Z' }, settings: { serial: ST, method: 'portal' }, message: 'the portal method acts at once: use the schedule method for a later start', warm: [ST] },
    ];

    it('a node default duration out of range is refused at deploy: red status, the input fails, nothing is sent', async () => {
      const flow = await load({ serial: ST, durationMinutes: '2000' });
      should(deployStatuses()).eql([{ fill: 'red', shape: 'ring', text: 'the duration setting must be a whole number of minutes from…' }]);
      flow.send('conserve');
      const caught = await flow.error(1);
      await settle();
      should(caught.error.message).equal('Error: the duration setting must be a whole number of minutes from 1 to 1440, got "2000"');
      should(caught.payload).eql('conserve');
      should(sim.requests).be.empty();
      should(flow.out).be.empty();
    });

    for (const c of cases) {
      it(c.title, async () => {
        const flow = await load(c.settings ?? { serial: ST });
        if (c.warm) {
          // The limits come from the cloud's static data: read it first, as an earlier command would have.
          const account = sharedAccount();
          await account.sites();
          for (const serial of c.warm) await account.staticData(serial);
        }
        const before = sim.requests.length;
        if (c.cold) should(before).equal(0);

        flow.send(c.payload);
        const caught = await flow.error(1);
        await settle();

        should(caught.error.message).equal(`CommandError: ${c.message}`);
        should(caught.error.source.id).equal(IDS.control);
        should(caught.payload).eql(c.payload);
        should(flow.lastStatus()).have.properties({ fill: 'red', shape: 'ring' });
        should(c.message.startsWith(String(flow.lastStatus()!.text).replace(/…$/, ''))).be.true();
        should(flow.out).be.empty();
        should(sim.requests.length).equal(before);
        should(requests.writes()).be.empty();
      });
    }

    it('a limit check on a cold start only reads (sites, static data): no write, no portal', async () => {
      const flow = await load({ serial: SH, method: 'portal' });
      flow.send({ command: 'charge', powerW: 5000 });
      await flow.error(1);
      await settle();
      should(requests.writes()).be.empty();
      should(sim.requests.every((r) => r.method === 'GET' || r.surface === 'token')).be.true();
      should(sim.requestCount({ surface: 'portal' })).equal(0);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('one command at a time per inverter, the last of a burst wins', () => {
    it('a burst runs the first, then only the last, in order and one at a time', async () => {
      const flow = await load({ serial: ST });
      const creates = sinon.spy(sim.cloud, 'createSchedule');
      flow.send({ command: 'charge', powerW: 1000 });
      flow.send({ command: 'charge', powerW: 2000 });
      flow.send({ command: 'discharge', powerW: 3000 });
      flow.send({ command: 'export', powerW: 4000 });
      await flow.output(2);
      await settle();
      await realDelay(30);

      should(flow.out.map((m) => [m.payload.command, m.payload.powerW])).eql([['charge', 1000], ['export', 4000]]);
      should(flow.caught).be.empty();
      should(creates.callCount).equal(2);
      const writes = requests.writes();
      should(writes.map((r) => `${r.method} ${r.path}`)).eql([
        `POST ${CREATE_SCHEDULE}`,
        `DELETE /Api/v2/Schedule/By/SerialNumber/${ST}/${flow.out[0].payload.scheduleId}`,
        `POST ${CREATE_SCHEDULE}`,
      ]);
      should(writes.map((r) => r.body?.DesiredMode)).eql([{ InverterMode: 'ChargeBattery', ArgumentInWatts: 1000 }, undefined, { InverterMode: 'ExportPower', ArgumentInWatts: 4000 }]);
      for (let i = 1; i < writes.length; i++) should(writes[i].started).be.above(writes[i - 1].ended!);
      should(onlySchedule(ST).mode).eql({ mode: 'ExportPower', powerW: 4000 });
    });

    it('commands that arrive one after another all run, in arrival order', async () => {
      const flow = await load({ serial: ST });
      flow.send({ command: 'charge', powerW: 1000 });
      await flow.output(1);
      flow.send({ command: 'discharge', powerW: 2000 });
      await flow.output(2);
      flow.send({ command: 'import', powerW: 3000 });
      await flow.output(3);
      await settle();
      should(writesTo(CREATE_SCHEDULE).map((r) => r.body.DesiredMode.InverterMode)).eql(['ChargeBattery', 'DischargeBattery', 'ImportPower']);
    });

    it('commands for two inverters at once: auto afterwards leaves nothing this node created', async () => {
      const flow = await load({ serial: ST });
      flow.send({ command: 'charge', powerW: 1000 });
      flow.send({ command: 'charge', powerW: 2000, serial: SH });
      await flow.output(2);
      await settle();
      await command(flow, 'auto');
      should(flow.caught).be.empty();
      should(sim.cloud.listSchedules(entry(ST), true)).be.empty();
      should(sim.cloud.listSchedules(entry(SH), true)).be.empty();
      should(flow.state()!.schedules).be.empty();
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('read-back: did the inverter take the mode?', () => {
    it('reports applied: true once the inverter reports the mode (one read a minute later)', async () => {
      const flow = await load({ serial: ST });
      const first = await command(flow, { command: 'charge', powerW: 3000 });
      should(first.payload.applied).be.null();
      const readsBefore = dynamicReads();

      await advance(MINUTE);
      const check = await flow.output(2);
      should(check.topic).equal('readback');
      should(check.payload).eql({ ...first.payload, applied: true, reportedMode: { mode: 'ChargeBattery', powerW: 3000 } });
      should(dynamicReads()).equal(readsBefore + 1);
      should(flow.lastStatus()).eql({ fill: 'green', shape: 'dot', text: `charge 3000 W until ${hhmm(T0 + 30 * MINUTE)} ✓` });
      should(flow.warnings).be.empty();

      await advance(3 * MINUTE);
      should(flow.out).have.length(2);
      should(dynamicReads()).equal(readsBefore + 1);
    });

    it('a later start is read back after it starts', async () => {
      const flow = await load({ serial: ST });
      await command(flow, { command: 'discharge', powerW: 2000, startAt: '2026-01-15T02:05:00Z' });
      const readsBefore = dynamicReads();
      await advance(5 * MINUTE);
      should(dynamicReads()).equal(readsBefore);
      await advance(MINUTE);
      const check = await flow.output(2);
      should(check.payload).have.properties({ applied: true, reportedMode: { mode: 'DischargeBattery', powerW: 2000 } });
    });

    it('reports applied: false, a yellow status and a warning when the inverter never takes it', async () => {
      const flow = await load({ serial: ST });
      const first = await command(flow, { command: 'charge', powerW: 3000 });
      // Another schedule, created later, wins on the inverter.
      sim.cloud.createSchedule(entry(ST), { userNotes: 'other', startMs: T0, durationMs: 60 * MINUTE, durationText: '01:00:00', mode: { mode: 'DischargeBattery', powerW: 1500 } });
      const readsBefore = dynamicReads();

      for (let i = 1; i <= 2; i++) {
        await advance(MINUTE);
        should(dynamicReads()).equal(readsBefore + i);
        should(flow.out).have.length(1);
      }
      await advance(MINUTE);
      should(dynamicReads()).equal(readsBefore + 3);
      const check = await flow.output(2);
      should(check.topic).equal('readback');
      should(check.payload).eql({ ...first.payload, applied: false, reportedMode: { mode: 'DischargeBattery', powerW: 1500 } });
      should(flow.lastStatus()).eql({ fill: 'yellow', shape: 'ring', text: 'not applied: inverter reports DischargeBattery' });
      await waitUntil(() => flow.warnings.length === 1, 'the warning');
      should(flow.warnings[0]).equal(`charge was accepted but inverter ${ST} still reports DischargeBattery after 3 reads`);
      await advance(5 * MINUTE);
      should(dynamicReads()).equal(readsBefore + 3);
      should(flow.out).have.length(2);
    });

    it('the same mode at another power is not applied', async () => {
      const flow = await load({ serial: ST });
      await command(flow, { command: 'charge', powerW: 3000 });
      sim.cloud.createSchedule(entry(ST), { userNotes: 'other', startMs: T0, durationMs: 60 * MINUTE, durationText: '01:00:00', mode: { mode: 'ChargeBattery', powerW: 500 } });
      await advance(MINUTE);
      await advance(MINUTE);
      await advance(MINUTE);
      const check = await flow.output(2);
      should(check.payload).have.properties({ applied: false, reportedMode: { mode: 'ChargeBattery', powerW: 500 } });
    });

    it('no read-back once the node is closed', async () => {
      const flow = await load({ serial: ST });
      await command(flow, { command: 'charge', powerW: 3000 });
      const readsBefore = dynamicReads();
      await helper.unload();
      await advance(5 * MINUTE);
      should(dynamicReads()).equal(readsBefore);
      should(flow.out).have.length(1);
      should(clock.countTimers()).equal(0);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('dry run: reports what it would send, sends nothing', () => {
    it('schedule: the exact body in steps, a blue status, no write, no read-back, nothing remembered', async () => {
      const flow = await load({ serial: ST, dryRun: true });
      const msg = await command(flow, { command: 'charge', powerW: 3000, durationMinutes: 1440 });
      should(msg.payload).eql({
        ok: true, command: 'charge', mode: 'ChargeBattery', powerW: 3000, startAt: '2026-01-15T02:00:00Z', endAt: '2026-01-16T02:00:00Z',
        method: 'schedule', serial: ST, siteId: ST_SITE, dryRun: true, applied: null,
        steps: [{
          action: 'createSchedule',
          body: {
            SerialNumber: ST, UserNotes: 'node-red-redback', StartTimeUtc: '2026-01-15T02:00:00Z', Duration: '1.00:00:00',
            DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 },
          },
        }],
      });
      should(flow.lastStatus()).eql({ fill: 'blue', shape: 'ring', text: `dry run: charge 3000 W until ${hhmm(T0 + 1440 * MINUTE)}` });
      await advance(4 * MINUTE);
      should(requests.writes()).be.empty();
      should(sim.requests.every((r) => r.method === 'GET' || r.surface === 'token')).be.true();
      should(sim.requestCount({ path: 'Dynamic' })).equal(0);
      should(flow.out).have.length(1);
      should(flow.state()).be.undefined();
    });

    it('curtail and portal: the envelope body and the portal Set, without logging in', async () => {
      const flow = await load({ serial: SH, method: 'portal', dryRun: true });
      const curtail = await command(flow, { command: 'curtail', exportLimitW: 0, durationMinutes: 15 });
      should(curtail.payload.steps).eql([{
        action: 'createEnvelope',
        body: {
          EventId: curtail.payload.eventId, MaxImportPowerW: 5000, MaxExportPowerW: 0, MaxDischargePowerW: 4600, MaxChargePowerW: 4600,
          MaxGenerationPowerVA: 10000, StartAtUtc: '2026-01-15T02:00:00Z', EndAtUtc: '2026-01-15T02:15:00Z', SiteId: SH_SITE,
        },
      }]);
      const charge = await command(flow, { command: 'charge', powerW: 4000 });
      should(charge.payload).have.properties({ dryRun: true, method: 'portal', mode: 'ChargeBattery' });
      should(charge.payload.steps).eql([{ action: 'portalSet', serial: SH, mode: 'ChargeBattery', powerW: 4000, rossVersion: '2.17.32303.7' }]);
      await advance(2 * MINUTE);
      should(requests.writes()).be.empty();
      should(sim.requestCount({ surface: 'portal' })).equal(0);
      should(flow.state()).be.undefined();
    });

    it('lists the deletes a real command would make first', async () => {
      const flow = await load({ serial: ST });
      const charged = await command(flow, { command: 'charge', powerW: 3000 });
      await helper.unload();
      // helper.unload() forgets the node's context: give the dry-run node the state a real command left.
      const live = await load({ serial: ST, dryRun: true });
      // Only what the cloud lists is deleted: the envelope is there too.
      sim.cloud.createEnvelope(entry(ST).account, entry(ST).site, {
        eventId: 'node-red-redback-ctl-abcdef', startMs: T0, endMs: T0 + 30 * MINUTE, maxImportW: 10000, maxExportW: 0, maxChargeW: 10000, maxDischargeW: 10000, maxGenerationVA: 10000,
      });
      live.node.context().set('control', { schedules: [{ serial: ST, scheduleId: charged.payload.scheduleId }], envelopes: ['node-red-redback-ctl-abcdef'], portalRevert: null, decision: null });
      const writesBefore = requests.writes().length;
      const msg = await command(live, 'auto');
      should(msg.payload.steps).eql([
        { action: 'deleteSchedule', serial: ST, scheduleId: charged.payload.scheduleId },
        { action: 'deleteEnvelope', eventId: 'node-red-redback-ctl-abcdef' },
      ]);
      should(requests.writes()).have.length(writesBefore);
      should(onlySchedule(ST).scheduleId).equal(charged.payload.scheduleId);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('Amber prices', () => {
    const AMBER: ControlSettings = {
      serial: ST, pricePolicy: true, chargeBelow: '30', dischargeAbove: '8', dischargeMinSoc: '20',
      curtailWhenFeedInFree: true, pricePowerW: '5000', actOnEstimates: false, priceSource: 'amber',
    };
    /** Amber's documented example: a 5-minute CurrentInterval, general 24.51, feed-in -8.3, estimates; moved to 02:00Z. */
    const example = (): object[] => [
      {
        type: 'CurrentInterval', duration: 5, date: '2026-01-15', startTime: '2026-01-15T02:00:01Z', endTime: '2026-01-15T02:05:00Z',
        nemTime: '2026-01-15T12:05:00+10:00', perKwh: 24.51, spotPerKwh: 9.87, renewables: 31.2, channelType: 'general',
        spikeStatus: 'none', descriptor: 'neutral', estimate: true, advancedPrice: { low: 22.1, predicted: 24.3, high: 27.9 },
      },
      {
        type: 'CurrentInterval', duration: 5, date: '2026-01-15', startTime: '2026-01-15T02:00:01Z', endTime: '2026-01-15T02:05:00Z',
        nemTime: '2026-01-15T12:05:00+10:00', perKwh: -8.3, spotPerKwh: 9.87, renewables: 31.2, channelType: 'feedIn',
        spikeStatus: 'none', descriptor: 'neutral', estimate: true, advancedPrice: { low: -7.1, predicted: -8.2, high: -9.6 },
      },
    ];
    /** A 30-minute interval from 02:00Z, firm, with a forecast for the next one after it. */
    const prices30 = (general: number, feedIn: number, extra: object = {}): object[] => {
      const interval = (type: string, start: string, end: string, channelType: string, perKwh: number) => ({
        type, duration: 30, startTime: start, endTime: end, perKwh, channelType, spikeStatus: 'none', descriptor: 'neutral', ...(type === 'CurrentInterval' ? { estimate: false, ...extra } : {}),
      });
      return [
        interval('CurrentInterval', '2026-01-15T02:00:01Z', '2026-01-15T02:30:00Z', 'general', general),
        interval('CurrentInterval', '2026-01-15T02:00:01Z', '2026-01-15T02:30:00Z', 'feedIn', feedIn),
        interval('ForecastInterval', '2026-01-15T02:30:01Z', '2026-01-15T03:00:00Z', 'general', 5),
        interval('ForecastInterval', '2026-01-15T02:30:01Z', '2026-01-15T03:00:00Z', 'feedIn', -20),
      ];
    };

    it('Amber\'s documented example with "charge below 30": a charge schedule for the rest of the 5-minute interval; the same prices again send nothing', async () => {
      const flow = await load({ ...AMBER, actOnEstimates: true });
      await advance(2.5 * MINUTE); // 02:02:30, in the 02:00-02:05 interval
      const msg = await command(flow, example());

      should(writesTo(CREATE_SCHEDULE).map((r) => r.body)).eql([{
        SerialNumber: ST, UserNotes: 'node-red-redback', StartTimeUtc: '2026-01-15T02:02:30Z', Duration: '00:03:00',
        DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 5000 },
      }]);
      should(msg.payload).have.properties({ ok: true, command: 'charge', mode: 'ChargeBattery', powerW: 5000, startAt: '2026-01-15T02:02:30Z', endAt: '2026-01-15T02:05:30Z', method: 'schedule', applied: null });
      should(msg.payload.decision).eql({
        command: 'charge', powerW: 5000, reason: 'general price 24.51 c/kWh is at or below the charge price 30 c/kWh',
        prices: { generalCents: 24.51, feedInCents: -8.3, feedInEarnsCents: 8.3, estimate: true, spike: false },
        intervalEndMs: Date.parse('2026-01-15T02:05:00Z'), durationMinutes: 3,
      });

      const writes = requests.writes().length;
      await advance(30_000);
      const again = await command(flow, example());
      should(again.payload).eql({ ok: true, sent: false, decision: { ...msg.payload.decision, durationMinutes: 2 } });
      should(requests.writes()).have.length(writes);
    });

    it('estimates are not acted on: auto until the price is firm, then the firm decision', async () => {
      const flow = await load(AMBER);
      const waiting = await command(flow, example());
      should(waiting.payload).have.properties({ command: 'auto', mode: 'Auto' });
      should(waiting.payload.decision).have.properties({ command: 'auto', reason: 'waiting for a firm price (the current price is an estimate)' });
      should(requests.writes()).be.empty();

      const firm = example().map((i) => ({ ...i, estimate: false }));
      const charge = await command(flow, firm);
      should(charge.payload).have.properties({ command: 'charge', powerW: 5000 });
      should(writesTo(CREATE_SCHEDULE).map((r) => r.body.Duration)).eql(['00:05:00']);

      // An estimate again within the same interval keeps the decision: nothing is sent.
      const held = await command(flow, example());
      should(held.payload).have.properties({ ok: true, sent: false });
      should(held.payload.decision.command).equal('charge');
      should(requests.writes()).have.length(1);
    });

    it("the policy's own auto leaves a charge another node of this package started (only a message's auto cancels it)", async () => {
      const manual = sim.cloud.createSchedule(entry(ST), {
        userNotes: 'node-red-redback', startMs: T0, durationMs: 120 * MINUTE, durationText: '02:00:00', mode: { mode: 'ChargeBattery', powerW: 3000 },
      });
      const flow = await load(AMBER);
      const waiting = await command(flow, example()); // estimates: the policy decides auto
      should(waiting.payload).have.properties({ command: 'auto', mode: 'Auto' });
      should(requests.writes()).be.empty();
      should(sim.requestCount({ path: `Schedule/By/SerialNumber/${ST}`, method: 'GET' })).equal(0);
      should(sim.cloud.listSchedules(entry(ST), false).map((s) => s.scheduleId)).eql([manual.scheduleId]);
    });

    it('feed-in -8.3 c/kWh (the user earns 8.3) with "discharge above 8": discharge for the rest of the 30-minute interval', async () => {
      const flow = await load(AMBER);
      await advance(10 * MINUTE);
      const msg = await command(flow, prices30(35, -8.3));
      should(writesTo(CREATE_SCHEDULE).map((r) => r.body)).eql([{
        SerialNumber: ST, UserNotes: 'node-red-redback', StartTimeUtc: '2026-01-15T02:10:00Z', Duration: '00:20:00',
        DesiredMode: { InverterMode: 'DischargeBattery', ArgumentInWatts: 5000 },
      }]);
      should(msg.payload.decision.prices).eql({ generalCents: 35, feedInCents: -8.3, feedInEarnsCents: 8.3, estimate: false, spike: false });
      should(msg.payload.decision.reason).match(/^feed-in earns 8.3 c\/kWh, at or above the discharge price 8 c\/kWh; SoC \d+(\.\d)?% is above the minimum 20%$/);
    });

    it('feed-in +8.3 c/kWh (exporting costs 8.3) never discharges: it curtails exports to 0 W', async () => {
      const flow = await load(AMBER);
      const msg = await command(flow, prices30(35, 8.3));
      should(writesTo(CREATE_SCHEDULE)).be.empty();
      should(writesTo(CREATE_ENVELOPE).map((r) => r.body)).eql([{
        EventId: msg.payload.eventId, MaxImportPowerW: 10000, MaxExportPowerW: 0, MaxDischargePowerW: 10000, MaxChargePowerW: 10000,
        MaxGenerationPowerVA: 10000, StartAtUtc: '2026-01-15T02:00:00Z', EndAtUtc: '2026-01-15T02:30:00Z', SiteId: ST_SITE,
      }]);
      should(msg.payload.decision).have.properties({ command: 'curtail', reason: 'exporting costs 8.3 c/kWh: export limited to 0 W' });
    });

    it('feed-in 0 (exporting earns nothing) curtails; a small feed-in credit is self-consumption', async () => {
      const flow = await load(AMBER);
      const curtail = await command(flow, prices30(35, 0));
      should(curtail.payload).have.properties({ command: 'curtail', method: 'envelope', exportLimitW: 0 });
      should(curtail.payload.decision.reason).equal('exporting earns nothing: export limited to 0 W');
      should(writesTo(CREATE_ENVELOPE)).have.length(1);

      const auto = await command(flow, prices30(35, -2));
      should(auto.payload).have.properties({ command: 'auto', mode: 'Auto' });
      should(requests.writes().map((r) => `${r.method} ${r.path}`)).eql([
        `POST ${CREATE_ENVELOPE}`,
        `DELETE /Api/v2/OperatingEnvelope/By/EventId/${curtail.payload.eventId}`,
      ]);
    });

    it('no discharge while the SoC is at or below the minimum', async () => {
      const flow = await load(AMBER);
      sim.cloud.snapshot(entry(ST));
      entry(ST).sim.setSoc(0.15);
      await advance(MINUTE);
      const msg = await command(flow, prices30(35, -12));
      should(msg.payload.command).equal('auto');
      should(msg.payload.decision.reason).match(/^not discharging \(feed-in earns 12 c\/kWh, .*\): SoC 1\d(\.\d)?% is at or below the minimum 20%; no price rule applies: self-consumption$/);
      should(requests.writes()).be.empty();
    });

    it('a new interval with the same rule is a new command (the old one ended with its interval)', async () => {
      const flow = await load(AMBER);
      await command(flow, prices30(20, -1));
      await advance(30 * MINUTE);
      const next = prices30(20, -1).map((i) => {
        const it = i as { startTime: string; endTime: string };
        return { ...i, startTime: it.startTime.replace('T02:00:01Z', 'T02:30:01Z'), endTime: it.endTime.replace('T02:30:00Z', 'T03:00:00Z') };
      }).slice(0, 2);
      await command(flow, next);
      should(writesTo(CREATE_SCHEDULE).map((r) => [r.body.StartTimeUtc, r.body.Duration])).eql([
        ['2026-01-15T02:00:00Z', '00:30:00'],
        ['2026-01-15T02:30:00Z', '00:30:00'],
      ]);
    });

    it('Home Assistant\'s Amber sensors: $/kWh, feed-in positive = earning, 5-minute blocks', async () => {
      const flow = await load({ ...AMBER, priceSource: 'homeassistant', haIntervalMinutes: '5' });
      await advance(2.5 * MINUTE);
      const charge = await command(flow, { general: 0.2451, feedIn: 0.083 });
      should(charge.payload.decision.prices).eql({ generalCents: 24.51, feedInCents: -8.3, feedInEarnsCents: 8.3, estimate: false, spike: false });
      should(writesTo(CREATE_SCHEDULE).map((r) => [r.body.DesiredMode.InverterMode, r.body.Duration])).eql([['ChargeBattery', '00:03:00']]);

      await advance(5 * MINUTE); // 02:07:30, the 02:05-02:10 block
      const discharge = await command(flow, { general: 0.35, feedIn: 0.083 });
      should(discharge.payload).have.properties({ command: 'discharge', powerW: 5000 });
      should(writesTo(CREATE_SCHEDULE).map((r) => [r.body.DesiredMode.InverterMode, r.body.Duration])).eql([['ChargeBattery', '00:03:00'], ['DischargeBattery', '00:03:00']]);

      const curtail = await command(flow, { general: 0.35, feedIn: -0.02 });
      should(curtail.payload).have.properties({ command: 'curtail', method: 'envelope' });
      should(curtail.payload.decision.prices).have.properties({ feedInCents: 2, feedInEarnsCents: -2 });

      flow.send({ general: '0.35', feedIn: 0.1 });
      const caught = await flow.error(1);
      should(caught.error.message).equal('PriceError: Home Assistant general must be a number in $/kWh, got "0.35" (Home Assistant states are text: convert them to numbers first)');
      should(flow.lastStatus()).have.properties({ fill: 'red', shape: 'ring' });
    });

    it('prices that are not for now are refused with a red status and nothing sent', async () => {
      const flow = await load(AMBER);
      await advance(40 * MINUTE);
      const before = requests.writes().length;
      flow.send(prices30(10, -1));
      const caught = await flow.error(1);
      should(caught.error.message).match(/^PriceError: the general CurrentInterval \(2026-01-15T02:00:00.000Z to 2026-01-15T02:30:00.000Z\) does not contain now/);
      should(requests.writes()).have.length(before);
      should(flow.out).be.empty();
    });

    it('dry run with prices: reports the decision and the body, sends nothing, remembers nothing', async () => {
      const flow = await load({ ...AMBER, dryRun: true });
      const first = await command(flow, prices30(20, -1));
      should(first.payload).have.properties({ dryRun: true, command: 'charge' });
      should(first.payload.steps[0].body.DesiredMode).eql({ InverterMode: 'ChargeBattery', ArgumentInWatts: 5000 });
      const second = await command(flow, prices30(20, -1));
      should(second.payload).have.properties({ dryRun: true, command: 'charge' });
      should(requests.writes()).be.empty();
    });
  });
});
