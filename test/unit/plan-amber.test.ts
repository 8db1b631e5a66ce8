/**
 * The planner reads Amber's answer as it really is (docs/planner.md). The real answer is
 * data/pricing/ode_sitePrices_2024-09-04.json (longzheng/open-dynamic-export, MIT; credited in
 * data/pricing/SOURCES.md): 30-minute intervals, Actual, Current (an estimate) and Forecast
 * intervals, advancedPrice on most of them.
 */
import fs from 'fs';
import path from 'path';
import 'should';
import { planBattery, type AmberPriceInterval, type PlanInput } from '../../src/plan';
import { amberAnswer, BATTERY, flat, steadyForecast } from '../helpers/plan-amber';

const FIXTURE: AmberPriceInterval[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'pricing', 'ode_sitePrices_2024-09-04.json'), 'utf8'));
const FIXTURE_NOW = '2024-09-04T04:10:00Z';

describe('planner: Amber\'s answer as it is', () => {
  it('plans on the real answer: the current interval until its end, then the forecast, both channels', () => {
    const result = planBattery({ now: FIXTURE_NOW, prices: FIXTURE, battery: BATTERY });
    result.now.until.should.equal('2024-09-04T04:30:00Z');
    result.intervals[0].start.should.equal(FIXTURE_NOW);
    result.intervals[0].end.should.equal('2024-09-04T04:30:00Z');
    // 67 forecast intervals of 30 minutes follow; 24 h from now ends inside the 48th of them.
    result.intervals.length.should.equal(49);
    result.intervals[1].start.should.equal('2024-09-04T04:30:00Z');
    // The current feed-in perKwh is +2.09587: exporting costs money, so exports are capped.
    result.now.curtail.should.be.true();
    result.intervals[0].gridExportKWh.should.equal(0);
    result.intervals.every((row) => Number.isFinite(row.costCents)).should.be.true();
  });

  it('finds the channels by channelType, in any order', () => {
    const base = planBattery({ now: FIXTURE_NOW, prices: FIXTURE, battery: BATTERY });
    const shuffled = [...FIXTURE].reverse();
    const grouped = [...FIXTURE.filter((it) => it.channelType === 'feedIn'), ...FIXTURE.filter((it) => it.channelType === 'general')];
    planBattery({ now: FIXTURE_NOW, prices: shuffled, battery: BATTERY }).should.deepEqual(base);
    planBattery({ now: FIXTURE_NOW, prices: grouped, battery: BATTERY }).should.deepEqual(base);
    const withControlledLoad = [...FIXTURE, ...FIXTURE.filter((it) => it.channelType === 'general').map((it) => ({ ...it, channelType: 'controlledLoad', perKwh: -500 }))];
    planBattery({ now: FIXTURE_NOW, prices: withControlledLoad, battery: BATTERY }).should.deepEqual(base);
  });

  it('takes 5-, 15- and 30-minute intervals mixed in one answer, one row each', () => {
    const prices = amberAnswer('2025-07-16T22:30:00Z', [
      ...flat(3, 5, 20, -5), ...flat(2, 15, 22, -6), ...flat(4, 30, 25, -7),
    ]);
    const result = planBattery({ now: '2025-07-16T22:31:00Z', prices, battery: BATTERY });
    result.intervals.map((r) => [r.start, r.end]).should.deepEqual([
      ['2025-07-16T22:31:00Z', '2025-07-16T22:35:00Z'],
      ['2025-07-16T22:35:00Z', '2025-07-16T22:40:00Z'],
      ['2025-07-16T22:40:00Z', '2025-07-16T22:45:00Z'],
      ['2025-07-16T22:45:00Z', '2025-07-16T23:00:00Z'],
      ['2025-07-16T23:00:00Z', '2025-07-16T23:15:00Z'],
      ['2025-07-16T23:15:00Z', '2025-07-16T23:45:00Z'],
      ['2025-07-16T23:45:00Z', '2025-07-17T00:15:00Z'],
      ['2025-07-17T00:15:00Z', '2025-07-17T00:45:00Z'],
      ['2025-07-17T00:45:00Z', '2025-07-17T01:15:00Z'],
    ]);
    result.now.until.should.equal('2025-07-16T22:35:00Z');
  });

  it('ignores ActualIntervals, even one that claims to contain now', () => {
    const prices = amberAnswer('2025-07-16T22:30:00Z', flat(12, 5, 20, -5));
    const actual = prices.slice(0, 2).map((it) => ({ ...it, type: 'ActualInterval', perKwh: 9999, startTime: '2025-07-16T22:25:01Z', endTime: '2025-07-16T22:35:00Z' }));
    const base = planBattery({ now: '2025-07-16T22:30:00Z', prices, battery: BATTERY });
    planBattery({ now: '2025-07-16T22:30:00Z', prices: [...actual, ...prices], battery: BATTERY }).should.deepEqual(base);
    // Nor does it plan on an ActualInterval when it is all there is for now.
    (() => planBattery({ now: '2025-07-16T22:30:00Z', prices: [...actual, ...prices.slice(2)], battery: BATTERY })).should.throw(/^prices: /);
  });

  it('plans forecast intervals on advancedPrice.predicted, the current one on its perKwh', () => {
    const base: PlanInput = {
      now: '2025-07-16T22:30:00Z',
      prices: amberAnswer('2025-07-16T22:30:00Z', [
        { minutes: 30, general: 30, feedIn: -5, predictedGeneral: 99 },
        { minutes: 30, general: 40, feedIn: -5, predictedGeneral: 12 },
        { minutes: 30, general: 50, feedIn: -5 },
      ]),
      battery: { ...BATTERY, socPct: 10 },
      forecast: steadyForecast('2025-07-16T22:30:00Z', 1000, 0),
      options: { horizonHours: 1.5 },
    };
    const result = planBattery(base);
    // An empty battery covers nothing: each row's cost is the load's half kWh at the price planned on.
    const auto = result.intervals.filter((r) => r.command === 'auto' || r.command === 'conserve');
    const row = (i: number): { importKWh: number; cost: number } => ({ importKWh: result.intervals[i].gridImportKWh, cost: result.intervals[i].costCents });
    row(0).cost.should.be.approximately(row(0).importKWh * 30, 1e-3);
    row(2).cost.should.be.approximately(row(2).importKWh * 50, 1e-3);
    row(1).cost.should.be.approximately(row(1).importKWh * 12, 1e-3);
    // It charges when the predicted price (12 c), not the perKwh (40 c), is the cheapest of the three.
    result.intervals[1].command.should.equal('charge');
    auto.length.should.be.above(0);
  });

  it('keeps Amber\'s feed-in sign: negative perKwh earns, positive costs (and curtails)', () => {
    const full = { ...BATTERY, socPct: 100 };
    const earning = planBattery({ now: '2025-07-16T22:30:00Z', prices: amberAnswer('2025-07-16T22:30:00Z', [{ minutes: 30, general: 60, feedIn: -55 }, ...flat(4, 30, 20, -2)]), battery: full, forecast: steadyForecast('2025-07-16T22:30:00Z', 500, 0) });
    earning.now.command.should.equal('discharge');
    earning.now.curtail.should.be.false();
    earning.intervals[0].gridExportKWh.should.be.above(0);
    const costing = planBattery({ now: '2025-07-16T22:30:00Z', prices: amberAnswer('2025-07-16T22:30:00Z', [{ minutes: 30, general: 60, feedIn: 55 }, ...flat(4, 30, 20, -2)]), battery: full, forecast: steadyForecast('2025-07-16T22:30:00Z', 500, 3000) });
    costing.now.curtail.should.be.true();
    costing.intervals[0].gridExportKWh.should.equal(0);
    costing.now.command.should.not.equal('discharge');
  });

  it('finds the current interval by startTime/endTime, with Amber\'s …:01Z start', () => {
    const prices = amberAnswer('2025-07-16T22:30:00Z', [{ minutes: 5, general: 20, feedIn: -5 }, { minutes: 5, general: 21, feedIn: -5 }, { minutes: 5, general: 22, feedIn: -5 }]);
    prices[0].startTime!.should.equal('2025-07-16T22:30:01Z');
    planBattery({ now: '2025-07-16T22:30:00Z', prices, battery: BATTERY }).now.until.should.equal('2025-07-16T22:35:00Z');
    planBattery({ now: '2025-07-16T22:34:59.999Z', prices, battery: BATTERY }).now.until.should.equal('2025-07-16T22:35:00Z');
    // At the end of an interval the next one is current.
    planBattery({ now: '2025-07-16T22:35:00Z', prices, battery: BATTERY }).now.until.should.equal('2025-07-16T22:40:00Z');
    planBattery({ now: '2025-07-17T08:37:00+10:00', prices, battery: BATTERY }).now.until.should.equal('2025-07-16T22:40:00Z');
  });

  it('still plans on a current interval that is an estimate, at its perKwh', () => {
    const prices = amberAnswer('2025-07-16T22:30:00Z', [{ minutes: 5, general: -30, feedIn: 10, estimate: true, predictedGeneral: 50 }, ...flat(11, 5, 30, -5)]);
    prices[0].estimate!.should.be.true();
    const result = planBattery({ now: '2025-07-16T22:31:00Z', prices, battery: BATTERY });
    result.now.command.should.equal('charge');
    result.now.powerW!.should.equal(5000);
  });
});
