/** What the planner does with the prices that matter most: negative prices, spikes, a spike to come. */
import 'should';
import { planBattery, type PlanInput } from '../../src/plan';
import { amberAnswer, BATTERY, flat, steadyForecast, type Step } from '../helpers/plan-amber';

const START = '2025-01-10T02:00:00Z';
const input = (steps: Step[], socPct: number, loadW: number, pvW: number, extra: Partial<PlanInput> = {}): PlanInput => ({
  now: START, prices: amberAnswer(START, steps), battery: { ...BATTERY, socPct }, forecast: steadyForecast(START, loadW, pvW), ...extra,
});

describe('planner: negative prices and spikes', () => {
  it('charges from the grid and curtails PV when importing pays and exporting costs', () => {
    const steps = [{ minutes: 5, general: -25, feedIn: 20 }, ...flat(11, 5, -25, 20), ...flat(40, 30, 28, -6)];
    // PV surplus 1600 W: Auto would charge that much; charging at full power takes 3400 W from the grid.
    const result = planBattery(input(steps, 30, 400, 2000));
    result.now.command.should.equal('charge');
    result.now.powerW!.should.equal(5000);
    result.now.curtail.should.be.true();
    result.intervals[0].gridExportKWh.should.equal(0);
    // PV covers the load and part of the charge; the rest comes from the grid, which pays.
    result.intervals[0].gridImportKWh.should.be.above(0);
  });

  it('curtails without touching the battery when only exporting costs', () => {
    const steps = [...flat(12, 5, 6, 3), ...flat(40, 30, 25, -6)];
    const result = planBattery(input(steps, 100, 300, 5000));
    result.now.curtail.should.be.true();
    result.intervals[0].gridExportKWh.should.equal(0);
    result.now.command.should.not.equal('discharge');
  });

  it('discharges into a price spike at full power', () => {
    const steps = [{ minutes: 5, general: 900, feedIn: -850 }, ...flat(11, 5, 30, -8), ...flat(40, 30, 30, -8)];
    const result = planBattery(input(steps, 80, 500, 0));
    result.now.command.should.equal('discharge');
    result.now.powerW!.should.equal(5000);
    result.now.curtail.should.be.false();
    result.intervals[0].gridExportKWh.should.be.above(0);
  });

  it('holds the charge (conserve) before a known spike instead of covering the load now', () => {
    const steps = [...flat(4, 30, 30, -8), { minutes: 30, general: 600, feedIn: -560 }, ...flat(40, 30, 30, -8)];
    // 3 kWh above the minimum: covering the load for 2 h would leave too little for the spike's
    // half hour, and the grid cannot charge the battery (import limit 0), so the plan holds.
    const site = { site: { maxImportW: 0 } };
    const result = planBattery(input(steps, 40, 1500, 0, site));
    result.now.command.should.equal('conserve');
    result.intervals[4].command.should.equal('discharge');
    result.intervals[4].powerW!.should.equal(5000);
    // Without the spike it would have covered the load from the battery.
    const auto = planBattery(input(flat(45, 30, 30, -8), 40, 1500, 0, site));
    auto.now.command.should.not.equal('conserve');
  });
});
