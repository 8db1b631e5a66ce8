/**
 * Issue 17's "done when": the plan mode drives a simulated site through a simulated week on the
 * simulator's clock, with the bill below Auto's and at most 48 command changes a day.
 *
 * The node itself runs on the host's clock, so the week is driven from src with an injected clock:
 * PlanRunner (the plan mode's decisions) over a ControlRunner (the control node's safe path:
 * validated, serialised, journalled schedules and envelopes) over a RedbackAccount, all with
 * `now` = the simulator's clock, against the simulator on loopback. Every 5 simulated minutes the
 * runner gets the simulator's Amber answer (`next=288`, priced from the real AEMO month), plans and
 * sends; the clock then moves 5 minutes and the inverter's own import/export counters are billed
 * at that interval's price. A second simulator with the same site and prices stays on Auto.
 */
import should from 'should';
import { RedbackAccount } from '../../src/account/account';
import { ControlRunner } from '../../src/control/control-runner';
import { emptyState, type ControlState, type StateStore } from '../../src/control/control-state';
import { PlanRunner, type PlanTick } from '../../src/plan-mode/plan-runner';
import { followingClock } from '../../src/util/clock';
import type { RedbackSimulator } from '../../src/sim';
import { accountFor } from '../helpers/account';
import { startSim } from '../helpers/sim';
import { amberPrices, currentPrice } from '../helpers/sim-amber';

const ST = 'RB21081800001734'; // Brisbane, 10 kW battery and inverter, SoC 60 % at start
const WEEK_START = '2026-01-14T14:00:00Z'; // midnight in Brisbane; NSW prices of 15..21 January 2024
const DAYS = 7;
const STEP_MS = 5 * 60_000;
const STEPS_PER_DAY = 288;

interface Bill {
  cents: number;
  importKWh: number;
  exportKWh: number;
}

function memoryStore(): StateStore {
  let state: ControlState = emptyState();
  return { load: () => structuredClone(state), save: (s) => { state = structuredClone(s); } };
}

describe('plan mode over a simulated week (simulator clock)', function () {
  this.timeout(900_000);
  let planSim: RedbackSimulator;
  let autoSim: RedbackSimulator;
  let account: RedbackAccount;
  let control: ControlRunner;

  before(async () => {
    planSim = await startSim({ clock: { start: WEEK_START, speed: 0 } });
    autoSim = await startSim({ clock: { start: WEEK_START, speed: 0 } });
    const now = (): number => planSim.clock.now();
    account = accountFor(planSim, { now });
    control = new ControlRunner(account, {
      nodeId: 'week', serial: ST, method: 'schedule', dryRun: false, random: () => Math.random().toString(16).slice(2, 10),
      durationMinutes: 30, prices: null, readBackChecks: 0,
    }, memoryStore(), { reverted: () => undefined }, followingClock(now, 0));
  });
  after(async () => {
    control.close();
    account.close();
    await planSim.stop();
    await autoSim.stop();
  });

  it('bills less than Auto, with at most 48 command changes a day', async () => {
    let memory: unknown;
    const plan = new PlanRunner({
      account, control, serial: ST, dryRun: false, zone: 'Australia/Brisbane',
      memory: { get: () => memory, set: (v) => { memory = structuredClone(v); } },
      now: () => planSim.clock.now(),
    });
    const counters = (sim: RedbackSimulator): { importKWh: number; exportKWh: number } => sim.cloud.snapshot(sim.cloud.inverterBySerial(ST)!).counters;
    const bills: Record<'plan' | 'auto', Bill> = { plan: { cents: 0, importKWh: 0, exportKWh: 0 }, auto: { cents: 0, importKWh: 0, exportKWh: 0 } };
    const changesByDay: number[] = [];
    const fallbacks: string[] = [];
    let commands = 0;

    for (let day = 0; day < DAYS; day++) {
      let changes = 0;
      for (let step = 0; step < STEPS_PER_DAY; step++) {
        const prices = await amberPrices(planSim);
        const tick: PlanTick = await plan.tick(prices, undefined);
        if (tick.kind === 'fallback') fallbacks.push(tick.why);
        if (tick.kind === 'planned' && tick.reason === 'changed') changes++;
        if (tick.kind === 'fallback' && tick.sent.length > 0) changes++;
        commands += tick.sent.length;
        const general = currentPrice(prices, 'general');
        const feedIn = currentPrice(prices, 'feedIn');
        for (const [name, sim] of [['plan', planSim], ['auto', autoSim]] as const) {
          const before = counters(sim);
          sim.clock.advance(STEP_MS);
          const after = counters(sim);
          const imported = after.importKWh - before.importKWh;
          const exported = after.exportKWh - before.exportKWh;
          bills[name].importKWh += imported;
          bills[name].exportKWh += exported;
          bills[name].cents += imported * general + exported * feedIn;
        }
      }
      changesByDay.push(changes);
    }

    const soc = (sim: RedbackSimulator): number => Math.round((sim.cloud.snapshot(sim.cloud.inverterBySerial(ST)!).soc0to1 ?? 0) * 100);
    const report = {
      planBill$: +(bills.plan.cents / 100).toFixed(2),
      autoBill$: +(bills.auto.cents / 100).toFixed(2),
      planImportKWh: +bills.plan.importKWh.toFixed(1), planExportKWh: +bills.plan.exportKWh.toFixed(1),
      autoImportKWh: +bills.auto.importKWh.toFixed(1), autoExportKWh: +bills.auto.exportKWh.toFixed(1),
      changesByDay, commands, fallbacks: fallbacks.length, socEnd: { plan: soc(planSim), auto: soc(autoSim) },
    };
    // The figures the report and docs/plan-mode.md quote.
    console.log(`      week: ${JSON.stringify(report)}`);
    should(fallbacks).be.empty();
    should(bills.plan.cents).be.below(bills.auto.cents);
    for (const c of changesByDay) should(c).be.belowOrEqual(48);
  });
});
