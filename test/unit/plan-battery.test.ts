/** The battery and site model the planner plans with (docs/planner.md): limits, losses, the horizon's end, thin spreads. */
import 'should';
import { planBattery, type PlanInput, type PlanResult } from '../../src/plan';
import { amberAnswer, BATTERY, flat, steadyForecast, type Step } from '../helpers/plan-amber';

const START = '2025-07-16T22:30:00Z';

function plan(steps: Step[], overrides: Partial<PlanInput> = {}, loadW = 800, pvW = 0): PlanResult {
  return planBattery({ now: START, prices: amberAnswer(START, steps), battery: BATTERY, forecast: steadyForecast(START, loadW, pvW), ...overrides });
}

/** A day of prices with a shape that tempts every move: negative noon, an evening spike, thin wiggles. */
function busyDay(seed: number): Step[] {
  return Array.from({ length: 48 }, (_, i) => {
    const wave = 20 + 15 * Math.sin((i + seed) / 4) + ((i * 7 + seed) % 5);
    const general = i === 20 + (seed % 5) ? 400 : i >= 10 && i < 14 ? -40 : wave;
    return { minutes: 30, general, feedIn: -(general - 8) };
  });
}

describe('planner: the battery and the site', () => {
  it('never takes the SoC below the minimum, nor above full, whatever the prices', () => {
    for (let seed = 0; seed < 6; seed++) {
      for (const socPct of [10, 12, 50, 100]) {
        const result = plan(busyDay(seed), { battery: { ...BATTERY, socPct, minSocPct: 20 + seed } }, 600, seed % 2 ? 4000 : 0);
        for (const row of result.intervals) {
          row.socPctEnd.should.be.aboveOrEqual(Math.min(socPct, 20 + seed) - 1e-6);
          row.socPctEnd.should.be.belowOrEqual(100 + 1e-6);
        }
      }
    }
  });

  it('keeps within the charge, discharge, export and import limits', () => {
    const site = { maxExportW: 2000, maxImportW: 3000 };
    for (let seed = 0; seed < 4; seed++) {
      const result = plan(busyDay(seed), { battery: { ...BATTERY, maxChargeW: 3300, maxDischargeW: 2700 }, site }, 500, seed % 2 ? 5000 : 0);
      for (const row of result.intervals) {
        if (row.command === 'charge') row.powerW!.should.be.within(1, 3300);
        if (row.command === 'discharge') row.powerW!.should.be.within(1, 2700);
        if (row.command === 'auto' || row.command === 'conserve') (row.powerW === null).should.be.true();
        Number.isInteger(row.powerW ?? 0).should.be.true();
        row.gridExportKWh.should.be.belowOrEqual(2000 * 0.5 / 1000 + 1e-6);
        // The load (500 W) is always served; only charging from the grid is bounded by the import limit.
        row.gridImportKWh.should.be.belowOrEqual(Math.max(3000, 500) * 0.5 / 1000 + 1e-6);
      }
    }
  });

  it('loses energy both ways: √ of the round trip in, √ of it out', () => {
    // Cheap now, dear later: charge at full power for an hour, then export what was stored.
    const steps = [{ minutes: 60, general: 1, feedIn: 0 }, { minutes: 60, general: 90, feedIn: -80 }];
    const result = plan(steps, { battery: { ...BATTERY, socPct: 10, roundTripEfficiency: 0.81 }, options: { horizonHours: 2 } }, 0, 0);
    const [charge] = result.intervals;
    charge.command.should.equal('charge');
    charge.gridImportKWh.should.be.approximately(5, 1e-3);
    // 5 kWh from the grid store 4.5 kWh: 45 % of 10 kWh on top of 10 %.
    charge.socPctEnd.should.be.approximately(55, 0.01);
    const out = plan([{ minutes: 60, general: 90, feedIn: -80 }, { minutes: 60, general: 10, feedIn: -5 }], { battery: { ...BATTERY, socPct: 100, roundTripEfficiency: 0.81 }, options: { horizonHours: 2 } }, 0, 0);
    out.intervals[0].command.should.equal('discharge');
    // 5 kWh exported take 5 / 0.9 kWh from storage.
    out.intervals[0].gridExportKWh.should.be.approximately(5, 1e-3);
    out.intervals[0].socPctEnd.should.be.approximately(100 - 5 / 0.9 * 10, 0.01);
  });

  it('never charges and discharges at once, even when burning energy in losses would pay', () => {
    // At −100 c/kWh an LP that allows both at once imports more by cycling through the losses.
    const steps = flat(4, 30, -100, 50);
    const result = plan(steps, { battery: { ...BATTERY, socPct: 30 } }, 1000, 0);
    let soc = 30;
    for (const row of result.intervals) {
      const storedKWh = (row.socPctEnd - soc) / 100 * BATTERY.capacityKWh;
      const batteryKWh = storedKWh >= 0 ? storedKWh / 0.9 : storedKWh * 0.9;
      // Grid = load + what the battery takes, one direction only: no energy disappears in a loop.
      (row.gridImportKWh - row.gridExportKWh).should.be.approximately(0.5 + batteryKWh, 1e-3);
      soc = row.socPctEnd;
    }
    result.intervals[0].command.should.equal('charge');
  });

  it('values what is left at the horizon: no dumping it into a cheap export at the end', () => {
    const result = plan(flat(48, 30, 30, -10), { battery: { ...BATTERY, socPct: 100 } }, 0, 0);
    result.intervals.every((row) => row.gridExportKWh === 0).should.be.true();
    result.intervals[result.intervals.length - 1].socPctEnd.should.equal(100);
  });

  it('values what is left at the horizon: no buying to hoard when no dearer time comes', () => {
    const result = plan(flat(48, 30, 20, -5), { battery: { ...BATTERY, socPct: 20 } }, 400, 0);
    result.intervals.every((row) => row.command !== 'charge').should.be.true();
    result.intervals.every((row) => row.gridImportKWh <= 0.2 + 1e-6).should.be.true();
  });

  it('does not cycle for a spread thinner than the losses plus the wear', () => {
    const thin: Step[] = Array.from({ length: 48 }, (_, i) => (i % 8 < 4 ? { minutes: 30, general: 20, feedIn: -3 } : { minutes: 30, general: 24, feedIn: -3 }));
    const lossy = plan(thin, { battery: { ...BATTERY, socPct: 50, roundTripEfficiency: 0.9 }, options: { wearCentsPerKWh: 2 } }, 400, 0);
    lossy.intervals.every((row) => row.command !== 'charge').should.be.true();
    // The same spread with lossless, wear-free storage is worth cycling.
    const free = plan(thin, { battery: { ...BATTERY, socPct: 50, roundTripEfficiency: 1 }, options: { wearCentsPerKWh: 0 } }, 400, 0);
    free.intervals.some((row) => row.command === 'charge').should.be.true();
    // And a wide spread pays despite the losses and the wear.
    const wide: Step[] = thin.map((s) => ({ ...s, general: s.general === 20 ? 10 : 45 }));
    plan(wide, { battery: { ...BATTERY, socPct: 50 }, options: { wearCentsPerKWh: 2 } }, 400, 0).intervals.some((row) => row.command === 'charge').should.be.true();
  });
});
