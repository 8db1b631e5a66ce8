/**
 * `redback-control` with the price strategy `plan` (docs/plan-mode.md) in Node-RED's test helper
 * against the simulator on loopback. As in the control node's own tests, the simulator's clock is
 * frozen at FIXED_START and sinon fakes Date and the timers at the same instant, so the node's
 * "now" is the simulator's; `advance` moves both, `advanceNodeOnly` only the node's (the readings
 * then grow old).
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import type { InverterEntry } from '../../src/sim/cloud';
import {
  loadControlFlow, recordRequests, releaseSharedAccount, waitUntil, type ControlFlow, type ControlSettings, type Msg,
} from '../helpers/control-flow';
import { amberAnswer, type Step } from '../helpers/plan-amber';
import { solcastDailySensor } from '../helpers/ha-sensors';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734'; // ST10000: battery 10 kW both ways, SoC 60 % at start
const T0 = Date.parse(FIXED_START);
const MINUTE = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PlanMsg = Msg & { plan: any; planSummary: any; planBill: any };

/** Negative for ten minutes (importing earns, exporting costs), dear all day after: charge at once. */
const CHEAP_NOW: Step[] = [
  ...Array.from({ length: 2 }, () => ({ minutes: 5, general: -10, feedIn: 5 })),
  ...Array.from({ length: 10 }, () => ({ minutes: 5, general: 45, feedIn: -6 })),
  ...Array.from({ length: 46 }, () => ({ minutes: 30, general: 45, feedIn: -6 })),
];
/** A spike now: importing costs 3 $/kWh, exporting earns 2.5 $/kWh. */
const spikeNow: Step[] = [
  { minutes: 5, general: 300, feedIn: -250 },
  ...Array.from({ length: 11 }, () => ({ minutes: 5, general: 30, feedIn: -5 })),
  ...Array.from({ length: 46 }, () => ({ minutes: 30, general: 30, feedIn: -5 })),
];

describe('redback-control plan mode (node)', function () {
  this.timeout(20_000);
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;
  let requests: ReturnType<typeof recordRequests>;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  const begin = async (simStart = FIXED_START): Promise<void> => {
    sim = await startSim({ clock: { start: simStart, speed: 0 } });
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: false });
    requests = recordRequests();
  };
  afterEach(async () => {
    releaseSharedAccount();
    await helper.unload();
    requests.restore();
    clock.restore();
    sinon.restore();
    await sim.stop();
  });

  const entry = (): InverterEntry => sim.cloud.inverterBySerial(ST)!;
  /** The mode the simulated inverter runs in the minute of the node's now. */
  const modeNow = (): string => sim.cloud.controlAt(entry(), Math.floor(Date.now() / MINUTE) * MINUTE).mode.mode;
  const envelopeNow = (): unknown => sim.cloud.controlAt(entry(), Math.floor(Date.now() / MINUTE) * MINUTE).envelope;
  const settle = (): Promise<void> => requests.settled();
  const load = (settings: ControlSettings = {}): Promise<ControlFlow> => loadControlFlow(sim, {
    serial: ST, pricePolicy: true, priceStrategy: 'plan', ...settings,
  });
  const tick = async (flow: ControlFlow, payload: unknown, extra: object = {}): Promise<PlanMsg> => {
    const n = flow.out.filter((m) => m.topic !== 'readback').length + 1;
    flow.send(payload, extra);
    await waitUntil(() => flow.out.filter((m) => m.topic !== 'readback').length >= n, () => `plan output ${n}; caught ${JSON.stringify(flow.caught.map((c) => c.error.message))}`);
    await settle();
    return flow.out.filter((m) => m.topic !== 'readback')[n - 1] as PlanMsg;
  };
  /** Moves the node's clock (and its timers) on, and the simulator's with it unless `nodeOnly`. */
  const advance = async (ms: number, nodeOnly = false): Promise<void> => {
    if (!nodeOnly) sim.clock.advance(ms);
    await clock.tickAsync(ms);
    await settle();
  };
  const status = (flow: ControlFlow): string => String(flow.lastStatus()?.text ?? '');
  /** Charging on a negative price: the state every fallback test starts from. */
  const charging = async (flow: ControlFlow): Promise<void> => {
    const msg = await tick(flow, amberAnswer(iso(Date.now()), CHEAP_NOW));
    should(msg.plan.intervals[0].command).equal('charge');
    should(modeNow()).equal('ChargeBattery');
  };

  it('charges on a negative price, then discharges into a spike, sending only when the decision changes', async () => {
    await begin();
    const flow = await load();
    const first = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(first.plan.intervals[0].command).equal('charge');
    should(first.plan.intervals[0].powerW).be.above(0);
    should(first.plan.intervals.length).be.above(40);
    should(first.planSummary).have.properties(['expectedCostCents', 'autoCostCents', 'savingCents', 'cycles']);
    should(first.payload).have.properties({ ok: true, command: 'charge', reason: 'first' });
    should(status(flow)).match(/^plan: charge \d+\.\d kW.* until \d\d:\d\d · SoC 60%→\d+%$/);
    should(flow.lastStatus()?.fill).equal('green');
    should(modeNow()).equal('ChargeBattery');

    // The same answer a minute later: the decision holds, nothing is sent.
    const writes = requests.writes().length;
    await advance(MINUTE);
    const again = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(again.payload).have.properties({ sent: false, reason: 'unchanged' });
    should(requests.writes().length).equal(writes);

    await advance(4 * MINUTE);
    const spike = await tick(flow, amberAnswer(iso(T0 + 5 * MINUTE), spikeNow));
    should(spike.plan.intervals[0].command).equal('discharge');
    should(spike.payload).have.properties({ command: 'discharge', reason: 'changed' });
    should(status(flow)).startWith('plan: discharge');
    should(modeNow()).equal('DischargeBattery');
    // Each command ends by itself a few minutes after its interval: a stopped Node-RED leaves Auto.
    const ends = Date.parse(spike.payload.endAt);
    should(ends).be.above(T0 + 10 * MINUTE).and.not.be.above(T0 + 21 * MINUTE);
    should(flow.caught).be.empty();
  });

  it('a command from the flow replaces the plan\'s until the next price message, which sends the plan\'s again', async () => {
    await begin();
    const flow = await load();
    await charging(flow);
    flow.send({ command: 'auto' });
    await waitUntil(() => flow.out.some((m) => m.payload?.command === 'auto' && m.payload?.ok === true), 'the auto result');
    await settle();
    should(modeNow()).equal('Auto');
    should((flow.node.context().get('plan') as { lastSent: unknown }).lastSent).be.null();
    // The plan has nothing in force any more: the same prices send its charge again, as a first command.
    await advance(MINUTE);
    const again = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(again.payload).have.properties({ ok: true, command: 'charge', reason: 'first' });
    should(modeNow()).equal('ChargeBattery');
    should(flow.caught).be.empty();
  });

  it('bills what the site imports and exports at the prices in force, beside what Auto would have paid (msg.planBill)', async () => {
    await begin();
    const flow = await load();
    const first = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(first.planBill).match({ since: /^2026-01-15T02:00/, costCents: 0, autoCostCents: 0, billedMinutes: 0 });
    const counters = (): { importKWh: number; exportKWh: number } => sim.cloud.snapshot(entry()).counters;
    const before = counters();
    await advance(5 * MINUTE);
    const second = await tick(flow, amberAnswer(iso(T0 + 5 * MINUTE), CHEAP_NOW.slice(1)));
    const after = counters();
    // The five minutes of charging, billed at the first answer's -10 c (import) and 5 c (export).
    const expected = (after.importKWh - before.importKWh) * -10 + (after.exportKWh - before.exportKWh) * 5;
    should(after.importKWh - before.importKWh).be.above(0.1);
    should(second.planBill.costCents).be.approximately(expected, 0.02);
    should(second.planBill.billedMinutes).equal(5);
    should(second.planBill).have.properties(['autoCostCents', 'savingCents', 'autoSocPct']);
    should(second.planBill.savingCents).be.approximately(second.planBill.autoCostCents - second.planBill.costCents, 0.011);
  });

  it("takes Home Assistant's Amber sensors ($/kWh, feed-in sign flipped) as well as Amber's answer", async () => {
    await begin();
    const flow = await load();
    const answer = amberAnswer(iso(T0), CHEAP_NOW);
    const datum = (i: Record<string, unknown>): Record<string, unknown> => {
      const sign = i.channelType === 'feedIn' ? -1 : 1;
      return {
        duration: i.duration, per_kwh: Math.round(i.perKwh as number) / 100 * sign, spot_per_kwh: 0,
        start_time: String(i.startTime).replace('Z', '+00:00'), end_time: String(i.endTime).replace('Z', '+00:00'),
        renewables: 30, spike_status: 'none', descriptor: 'neutral',
      };
    };
    const sensors: Record<string, unknown> = {};
    for (const channel of ['general', 'feedIn']) {
      const of = answer.filter((i) => i.channelType === channel) as Record<string, unknown>[];
      const current = of.find((i) => i.type === 'CurrentInterval')!;
      sensors[channel] = { state: datum(current).per_kwh, attributes: { ...datum(current), estimate: false, channel_type: channel } };
      sensors[`${channel}Forecast`] = { state: 0, attributes: { channel_type: channel, forecasts: of.filter((i) => i.type === 'ForecastInterval').map(datum) } };
    }
    const msg = await tick(flow, sensors);
    should(msg.payload.fallback).be.undefined();
    should(msg.plan.intervals[0]).have.properties({ command: 'charge', generalCents: -10, feedInCents: 5 });
    should(modeNow()).equal('ChargeBattery');
  });

  it('dry run shows the plan and sends nothing', async () => {
    await begin();
    const flow = await load({ dryRun: true });
    const msg = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(msg.plan.intervals[0].command).equal('charge');
    should(msg.payload).have.properties({ sent: false, dryRun: true });
    should(msg.payload.wouldSend[0]).have.properties({ command: 'charge' });
    should(status(flow)).startWith('dry run: plan: charge');
    should(requests.writes()).be.empty();
    should(modeNow()).equal('Auto');
  });

  it('takes msg.forecast for load and PV, and says a malformed one is why it stays on Auto', async () => {
    await begin();
    const flow = await load();
    const forecast = Array.from({ length: 48 }, (_, i) => ({ start: iso(T0 + i * 30 * MINUTE), end: iso(T0 + (i + 1) * 30 * MINUTE), loadW: 800, pvW: 0 }));
    const ok = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW), { forecast });
    should(ok.plan.intervals[0].command).equal('charge');
    await advance(MINUTE);
    const bad = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW), { forecast: [{ start: 'soon', end: 'later', loadW: 1, pvW: 1 }] });
    should(bad.payload.fallback).match(/msg\.forecast\[0\]/);
    should(status(flow)).startWith('auto: ');
    should(modeNow()).equal('Auto');
  });

  it("takes Solcast's PV forecast from Home Assistant as msg.forecast {solcast}, and says which forecast it planned on", async () => {
    await begin();
    const flow = await load({ dryRun: true });
    const learnt = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(learnt.planSummary.forecastSource).equal('profile');
    // Local midnight in Brisbane (UTC+10) of the simulator's day: a clear day, 8 kW at noon.
    const midnight = Date.parse(FIXED_START.slice(0, 10) + 'T00:00:00+10:00');
    const solcast = [0, 1].map((d) => solcastDailySensor(`sensor.solcast_pv_forecast_day_${d}`, midnight + d * 86_400_000, 8));
    await advance(MINUTE);
    const sunny = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW), { forecast: { solcast } });
    should(sunny.payload.fallback).be.undefined();
    should(sunny.planSummary.forecastSource).equal('flow');
    const imported = (m: PlanMsg): number => m.plan.intervals.reduce((sum: number, i: { gridImportKWh: number }) => sum + i.gridImportKWh, 0);
    should(imported(sunny)).be.below(imported(learnt));
    await advance(MINUTE);
    const broken = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW), { forecast: { solcast: [{ attributes: {} }] } });
    should(broken.payload.fallback).match(/msg\.forecast\.solcast\[0\]\.attributes\.detailedForecast/);
    should(requests.writes()).be.empty();
  });

  it('a stale price answer sets Auto again and says why', async () => {
    await begin();
    const flow = await load();
    await charging(flow);
    await advance(MINUTE);
    const stale = amberAnswer(iso(T0 - 30 * MINUTE), Array.from({ length: 6 }, () => ({ minutes: 5, general: -10, feedIn: 5 })));
    const msg = await tick(flow, stale);
    should(msg.payload.fallback).match(/^stale prices: the current interval ended at \d\d:\d\d/);
    should(msg.payload).have.properties({ command: 'auto' });
    should(status(flow)).startWith('auto: stale prices');
    should(flow.lastStatus()?.fill).equal('yellow');
    should(modeNow()).equal('Auto');
    should(envelopeNow()).be.null();
  });

  it('an answer without a current interval leaves Auto and says so', async () => {
    await begin();
    const flow = await load();
    await charging(flow);
    await advance(MINUTE);
    const future = amberAnswer(iso(T0 + MINUTE), CHEAP_NOW).map((p) => ({ ...p, type: 'ForecastInterval' }));
    const msg = await tick(flow, future);
    should(msg.payload.fallback).equal('no current interval in the prices; not planning');
    should(status(flow)).equal('auto: no current interval in the prices; not planning');
    should(modeNow()).equal('Auto');
  });

  it('a reading older than 10 minutes is not planned on: Auto again, with its age', async () => {
    await begin();
    const flow = await load();
    await charging(flow);
    // Only the node's clock moves: the simulated inverter's last reading is now 11 minutes old.
    await advance(11 * MINUTE, true);
    const msg = await tick(flow, amberAnswer(iso(Math.floor(Date.now() / (5 * MINUTE)) * 5 * MINUTE), CHEAP_NOW));
    should(msg.payload.fallback).match(/^the battery reading is from \d\d:\d\d \(1[01] min old, more than 10\); not planning on it$/);
    should(status(flow)).startWith('auto: the battery reading is from');
    should(modeNow()).equal('Auto');
    should(msg.plan).be.undefined();
  });

  it('a reading that never arrives (a stale inverter from the start) sends nothing and stays on Auto', async () => {
    await begin(iso(T0 - 15 * MINUTE));
    const flow = await load();
    const msg = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(msg.payload.fallback).match(/1[45] min old/);
    should(msg.payload.sent).equal(false);
    should(requests.writes()).be.empty();
    should(modeNow()).equal('Auto');
  });

  it('a missing reading (the cloud answers garbage) sets Auto again and says why', async () => {
    await begin();
    const flow = await load();
    await charging(flow);
    // From here every dynamic read answers garbage, the charge's read-back too (a reading of the
    // last minute would be shared: SHARED_READING_MS).
    sim.faults.add({ kind: 'html', surface: 'api', method: 'GET', path: '/Dynamic/' });
    await advance(2 * MINUTE);
    const msg = await tick(flow, amberAnswer(iso(Date.now()), CHEAP_NOW));
    should(msg.payload.fallback).startWith('no reading of the battery: ');
    should(status(flow)).startWith('auto: no reading of the battery');
    should(modeNow()).equal('Auto');
  });

  it('a refused command falls back to Auto and says why', async () => {
    await begin();
    const flow = await load();
    sim.faults.add({ kind: 'status', status: 400, surface: 'api', method: 'POST', path: 'Schedule/Create', body: '{"Message":"refused"}' });
    const msg = await tick(flow, amberAnswer(iso(T0), CHEAP_NOW));
    should(msg.plan.intervals[0].command).equal('charge');
    should(msg.payload.fallback).startWith('the command was refused: ');
    should(msg.payload).have.properties({ command: 'auto' });
    should(status(flow)).startWith('auto: the command was refused');
    should(modeNow()).equal('Auto');
    should(envelopeNow()).be.null();
  });

  it('refuses an unknown price strategy at deploy, naming it', async () => {
    await begin();
    const flow = await load({ priceStrategy: 'fancy' as 'plan' });
    flow.send(amberAnswer(iso(T0), CHEAP_NOW));
    const caught = await flow.error(1);
    should(caught.error.message).match(/the price strategy setting must be thresholds or plan, got "fancy"$/);
    should(requests.list).be.empty();
  });
});
