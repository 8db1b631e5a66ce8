/**
 * Issue 17: a simulated day with a price spike, in a real Node-RED runtime (the test helper) with
 * a `redback-control` node in plan mode on the simulator's clock (`settings.redbackClock`). The
 * day is 21 January on the NSW prices of January 2024 (data/pricing/), whose evening spikes to
 * 95 $/MWh... 9 570 $/MWh between 18:00 and 19:40 at the site (Brisbane, UTC+10 like the NEM).
 *
 * The simulator's clock is frozen; every 5 simulated minutes the test gives the node the
 * simulator's Amber answer (`next=288`), waits for its output and the requests it started, and
 * moves the clock on. The bill is the week test's: the inverter's own import/export counters
 * over each 5 minutes at that interval's price, against a second simulator with the same site
 * and prices left on Auto (test/reliability/plan-mode-week.test.ts).
 */
import should from 'should';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import { loadControlFlow, recordRequests, releaseSharedAccount, waitUntil, type ControlFlow, type Msg } from '../helpers/control-flow';
import { startSim } from '../helpers/sim';
import { amberPrices, currentPrice } from '../helpers/sim-amber';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734'; // Brisbane, 10 kW battery and inverter, SoC 60 % at start
const DAY_START = '2026-01-20T14:00:00Z'; // 21 January, midnight in Brisbane
const STEP_MS = 5 * 60_000;
const STEPS = 288;
const HOUR_MS = 3_600_000;
const SPIKE_FROM_MS = Date.parse(DAY_START) + 18 * HOUR_MS;
const SPIKE_TO_MS = Date.parse(DAY_START) + (19 * 60 + 40) * 60_000;

interface Sample {
  atMs: number;
  mode: string;
  socPct: number;
  generalCents: number;
}

describe('plan mode in Node-RED: a day with a price spike (21 January, NSW 2024), on the simulator\'s clock', function () {
  this.timeout(120_000);
  let planSim: RedbackSimulator;
  let autoSim: RedbackSimulator;
  let requests: ReturnType<typeof recordRequests>;

  before(async () => {
    planSim = await startSim({ clock: { start: DAY_START, speed: 0 } });
    autoSim = await startSim({ clock: { start: DAY_START, speed: 0 } });
    helper.settings({ redbackClock: { now: () => planSim.clock.now(), speed: 0 } } as Parameters<typeof helper.settings>[0]);
    await helper.startServer();
    requests = recordRequests();
  });
  after(async () => {
    releaseSharedAccount();
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    requests.restore();
    await planSim.stop();
    await autoSim.stop();
  });

  it('charges before the spike, discharges into it, and bills less than Auto', async () => {
    const flow: ControlFlow = await loadControlFlow(planSim, { serial: ST, pricePolicy: true, priceStrategy: 'plan' });
    const results = (): Msg[] => flow.out.filter((m) => m.topic !== 'readback');
    const snapshot = (sim: RedbackSimulator): ReturnType<RedbackSimulator['cloud']['snapshot']> => sim.cloud.snapshot(sim.cloud.inverterBySerial(ST)!);
    const bills = { plan: 0, auto: 0 };
    const samples: Sample[] = [];
    const fallbacks: string[] = [];
    let changes = 0;

    for (let step = 0; step < STEPS; step++) {
      const prices = await amberPrices(planSim);
      const n = results().length + 1;
      flow.send(prices);
      await waitUntil(() => results().length >= n, () => `plan output ${n}; caught ${JSON.stringify(flow.caught.map((c) => c.error.message))}`);
      await requests.settled();
      const out = results()[n - 1].payload as { fallback?: string; reason?: string };
      if (out.fallback !== undefined) fallbacks.push(out.fallback);
      if (out.reason === 'changed') changes++;
      const general = currentPrice(prices, 'general');
      const feedIn = currentPrice(prices, 'feedIn');
      for (const [name, sim] of [['plan', planSim], ['auto', autoSim]] as const) {
        const before = snapshot(sim).counters;
        sim.clock.advance(STEP_MS);
        const after = snapshot(sim).counters;
        bills[name] += (after.importKWh - before.importKWh) * general + (after.exportKWh - before.exportKWh) * feedIn;
      }
      // What the simulated inverter did over these 5 minutes, as the simulator recorded it.
      const s = snapshot(planSim);
      samples.push({ atMs: planSim.clock.now() - STEP_MS, mode: s.mode.mode, socPct: (s.soc0to1 ?? 0) * 100, generalCents: general });
    }

    const socAt = (ms: number): number => samples.find((s) => s.atMs === ms)!.socPct;
    const before = samples.filter((s) => s.atMs >= SPIKE_FROM_MS - 6 * HOUR_MS && s.atMs < SPIKE_FROM_MS);
    const during = samples.filter((s) => s.atMs >= SPIKE_FROM_MS && s.atMs < SPIKE_TO_MS);
    const report = {
      planBill$: +(bills.plan / 100).toFixed(2),
      autoBill$: +(bills.auto / 100).toFixed(2),
      changes,
      fallbacks: fallbacks.length,
      modesBefore: [...new Set(before.map((s) => s.mode))],
      modesDuring: [...new Set(during.map((s) => s.mode))],
      socAtSpike: +socAt(SPIKE_FROM_MS - STEP_MS).toFixed(1),
      socAfterSpike: +socAt(SPIKE_TO_MS - STEP_MS).toFixed(1),
      autoSocEnd: +((snapshot(autoSim).soc0to1 ?? 0) * 100).toFixed(1),
    };
    console.log(`      spike day: ${JSON.stringify(report)}`);

    should(flow.caught).be.empty();
    should(fallbacks).be.empty();
    // Before the spike the plan charges the battery (from the grid, beyond what Auto's PV gives) and has it full when the spike starts.
    should(before.some((s) => s.mode === 'ChargeBattery')).be.true(`ChargeBattery in the 6 h before 18:00, modes ${JSON.stringify(report.modesBefore)}`);
    should(report.socAtSpike).be.aboveOrEqual(90);
    // Into the spike it discharges, and the battery gives most of what it holds.
    should(during.filter((s) => s.mode === 'DischargeBattery').length).be.aboveOrEqual(during.length / 2);
    should(report.socAtSpike - report.socAfterSpike).be.above(50);
    should(bills.plan).be.below(bills.auto);
    should(changes).be.belowOrEqual(48);
  });
});
