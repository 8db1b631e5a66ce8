/** Bad input throws an error that names the field; never a plan made of guesses. */
import 'should';
import { planBattery, PlanInputError, type PlanInput } from '../../src/plan';
import { amberAnswer, BATTERY, flat } from '../helpers/plan-amber';

const START = '2025-01-10T02:00:00Z';
const good = (): PlanInput => ({ now: START, prices: amberAnswer(START, flat(12, 5, 25, -8)), battery: { ...BATTERY } });

function fails(change: (input: PlanInput) => void, field: string): void {
  const input = good();
  change(input);
  let caught: unknown = null;
  try {
    planBattery(input);
  } catch (err) {
    caught = err;
  }
  (caught instanceof PlanInputError).should.be.true(`expected a PlanInputError naming ${field}`);
  (caught as PlanInputError).field.should.equal(field);
  (caught as Error).message.should.startWith(`${field}: `);
}

describe('planner: bad input', () => {
  it('accepts the good input the others start from', () => {
    planBattery(good()).intervals.length.should.equal(12);
  });

  it('names prices when no interval is for now (stale prices or none)', () => {
    fails((i) => { i.now = '2025-01-10T03:00:00Z'; }, 'prices');
    fails((i) => { i.now = '2025-01-10T01:59:00Z'; }, 'prices');
    fails((i) => { i.prices = []; }, 'prices');
    fails((i) => { (i as unknown as Record<string, unknown>).prices = { intervals: [] }; }, 'prices');
    fails((i) => { i.prices = i.prices.filter((it) => it.channelType === 'feedIn'); }, 'prices');
  });

  it('names the interval and field of a price that is not a number or a time that is not a time', () => {
    fails((i) => { (i.prices[3] as Record<string, unknown>).perKwh = '25.1'; }, 'prices[3].perKwh');
    fails((i) => { (i.prices[4] as Record<string, unknown>).perKwh = NaN; }, 'prices[4].perKwh');
    fails((i) => { (i.prices[5] as Record<string, unknown>).advancedPrice = { predicted: 'high' }; }, 'prices[5].advancedPrice.predicted');
    fails((i) => { (i.prices[2] as Record<string, unknown>).startTime = '2025-01-10 02:05'; }, 'prices[2].startTime');
    fails((i) => { (i.prices[2] as Record<string, unknown>).endTime = '2025-01-10T02:00:00Z'; }, 'prices[2].endTime');
  });

  it('names the battery field that is out of range', () => {
    fails((i) => { i.battery.socPct = 101; }, 'battery.socPct');
    fails((i) => { i.battery.socPct = -1; }, 'battery.socPct');
    fails((i) => { (i.battery as unknown as Record<string, unknown>).socPct = '50'; }, 'battery.socPct');
    fails((i) => { i.battery.capacityKWh = 0; }, 'battery.capacityKWh');
    fails((i) => { i.battery.minSocPct = 120; }, 'battery.minSocPct');
    fails((i) => { i.battery.maxChargeW = 0; }, 'battery.maxChargeW');
    fails((i) => { i.battery.maxDischargeW = -5; }, 'battery.maxDischargeW');
    fails((i) => { i.battery.roundTripEfficiency = 1.2; }, 'battery.roundTripEfficiency');
    fails((i) => { (i as unknown as Record<string, unknown>).battery = null; }, 'battery');
  });

  it('names now, site, forecast, previous and options fields', () => {
    fails((i) => { i.now = '2025-01-10T02:00:00'; }, 'now');
    fails((i) => { i.site = { maxExportW: -1 }; }, 'site.maxExportW');
    fails((i) => { i.forecast = [{ start: START, end: '2025-01-10T03:00:00Z', loadW: -1, pvW: 0 }]; }, 'forecast[0].loadW');
    fails((i) => { i.forecast = [{ start: 'soon', end: '2025-01-10T03:00:00Z', loadW: 1, pvW: 0 }]; }, 'forecast[0].start');
    fails((i) => { i.previous = { command: 'export' as 'auto', powerW: null, curtail: false }; }, 'previous.command');
    fails((i) => { i.previous = { command: 'charge', powerW: 2.5, curtail: false }; }, 'previous.powerW');
    fails((i) => { i.options = { horizonHours: 0 }; }, 'options.horizonHours');
    fails((i) => { i.options = { wearCentsPerKWh: -1 }; }, 'options.wearCentsPerKWh');
    fails((i) => { i.options = { forecastSpread: 1.5 }; }, 'options.forecastSpread');
    fails((i) => { i.options = { switchCostCents: -1 }; }, 'options.switchCostCents');
  });
});
