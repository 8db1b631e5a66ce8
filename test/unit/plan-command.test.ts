/** The command for now (docs/planner.md): whole W within the limits, until the current interval ends; `previous` kept when a change gains little. */
import 'should';
import { planBattery, type PlanInput } from '../../src/plan';
import { amberAnswer, BATTERY, flat, steadyForecast, type Step } from '../helpers/plan-amber';

const START = '2025-01-10T02:00:00Z';
const input = (steps: Step[], extra: Partial<PlanInput> = {}): PlanInput => ({
  now: '2025-01-10T02:01:30Z', prices: amberAnswer(START, steps), battery: BATTERY, forecast: steadyForecast(START, 700, 0), ...extra,
});

describe('planner: the command for now', () => {
  it('is a whole-W charge or discharge within the limits, or conserve/auto without power, until the current interval ends', () => {
    const cases: Step[][] = [
      [{ minutes: 5, general: 2, feedIn: -1 }, ...flat(30, 30, 40, -10)],
      [{ minutes: 5, general: 200, feedIn: -190 }, ...flat(30, 30, 30, -10)],
      [...flat(12, 5, 25, -8), ...flat(30, 30, 25, -8)],
    ];
    for (const [i, steps] of cases.entries()) {
      for (const battery of [BATTERY, { ...BATTERY, maxChargeW: 3333.7, maxDischargeW: 2222.2, socPct: 61.3 }]) {
        const { now } = planBattery(input(steps, { battery }));
        now.until.should.equal('2025-01-10T02:05:00Z');
        if (now.command === 'charge') now.powerW!.should.be.within(1, Math.floor(battery.maxChargeW));
        else if (now.command === 'discharge') now.powerW!.should.be.within(1, Math.floor(battery.maxDischargeW));
        else (now.powerW === null).should.be.true();
        Number.isInteger(now.powerW ?? 0).should.be.true();
        if (i === 0) now.command.should.equal('charge');
        if (i === 1) now.command.should.equal('discharge');
      }
    }
  });

  it('is the first row of the plan, and the same input always gives the same plan', () => {
    const steps = [...flat(12, 5, 25, -8), ...flat(30, 30, 25, -8)];
    const a = planBattery(input(steps));
    const b = planBattery(JSON.parse(JSON.stringify(input(steps))));
    a.should.deepEqual(b);
    ({ command: a.now.command, powerW: a.now.powerW, curtail: a.now.curtail }).should.deepEqual({ command: a.intervals[0].command, powerW: a.intervals[0].powerW, curtail: a.intervals[0].curtail });
  });

  it('keeps the command in force when a change gains next to nothing, and changes when it pays', () => {
    // Covering the load now at 25.2 c rather than later at 25 c gains a hundredth of a cent.
    const steps = [...flat(12, 5, 25.2, -8), ...flat(30, 30, 25, -8)];
    const fresh = planBattery(input(steps));
    const kept = planBattery(input(steps, { previous: { command: 'conserve', powerW: null, curtail: false } }));
    kept.now.command.should.equal('conserve');
    fresh.now.command.should.not.equal('conserve');
    // With nothing to keep there is no switching cost; a spike to come outweighs it.
    const spike = [{ minutes: 5, general: 800, feedIn: -750 }, ...flat(11, 5, 25, -8), ...flat(30, 30, 25, -8)];
    planBattery(input(spike, { previous: { command: 'conserve', powerW: null, curtail: false } })).now.command.should.equal('discharge');
    // A switching cost of 0 drops the preference.
    planBattery(input(steps, { previous: { command: 'conserve', powerW: null, curtail: false }, options: { switchCostCents: 0 } })).now.command.should.equal(fresh.now.command);
  });
});
