/** msg.plan, msg.planSummary (with Auto's cost by the contract's Auto semantics) and the status text. */
import should from 'should';
import {
  meanPower, planFallbackStatus, planMessage, planStatus, planStatusText, planSummary, priceSeries, simulateAuto, storedEnergyValue,
  type PlanInput, type PlanInterval, type PlanResult,
} from '../../src/plan-mode';

const H = 3_600_000;
const T0 = Date.parse('2026-01-15T04:00:00Z'); // 14:00 in Brisbane
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** An Amber answer with both channels: [minutes, general, feedIn, predicted general?] per interval, the first one current. */
function amber(startMs: number, rows: [number, number, number, number?][]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let t = startMs;
  rows.forEach(([minutes, general, feedIn, predicted], i) => {
    const base = { type: i === 0 ? 'CurrentInterval' : 'ForecastInterval', duration: minutes, startTime: iso(t + 1000), endTime: iso(t + minutes * 60_000) };
    out.push({ ...base, channelType: 'general', perKwh: general, ...(predicted !== undefined ? { advancedPrice: { low: predicted - 1, predicted, high: predicted + 1 } } : {}) });
    out.push({ ...base, channelType: 'feedIn', perKwh: feedIn });
    t += minutes * 60_000;
  });
  // An actual interval that must be ignored.
  out.unshift({ type: 'ActualInterval', duration: 5, startTime: iso(startMs - 300_000 + 1000), endTime: iso(startMs), channelType: 'general', perKwh: 999 });
  return out;
}

function input(prices: Record<string, unknown>[], over: Partial<PlanInput> = {}): PlanInput {
  return {
    now: iso(T0),
    prices,
    battery: { socPct: 50, capacityKWh: 10, minSocPct: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 1 },
    ...over,
  };
}

function row(startMs: number, minutes: number, over: Partial<PlanInterval>): PlanInterval {
  return { start: iso(startMs), end: iso(startMs + minutes * 60_000), command: 'auto', powerW: null, curtail: false, socPctEnd: 50, gridImportKWh: 0, gridExportKWh: 0, costCents: 0, ...over };
}

const hourly = (n: number) => Array.from({ length: n }, (_, k) => ({ startMs: T0 + k * H, endMs: T0 + (k + 1) * H }));

describe('plan mode: Auto over the horizon', () => {
  it('absorbs PV surplus, exports what does not fit, covers the load down to min SoC, imports the rest', () => {
    const prices = amber(T0, [[60, 30, -10], [60, 30, -10], [60, 30, -10], [60, 30, -10], [60, 30, -10]]);
    const forecast = [
      { start: iso(T0), end: iso(T0 + 2 * H), loadW: 1000, pvW: 4000 },
      { start: iso(T0 + 2 * H), end: iso(T0 + 3 * H), loadW: 2000, pvW: 0 },
      { start: iso(T0 + 3 * H), end: iso(T0 + 4 * H), loadW: 6000, pvW: 0 },
      { start: iso(T0 + 4 * H), end: iso(T0 + 5 * H), loadW: 5000, pvW: 0 },
    ];
    const auto = simulateAuto(input(prices, { forecast }), priceSeries(prices), hourly(5));
    // 50 % + 3 kWh = 80 %; +2 kWh (full), 1 kWh exported at -10 c; -2 kWh; -5 kWh with 1 kWh imported; -2 kWh to 10 % with 3 kWh imported.
    should(auto.gridExportKWh).be.approximately(1, 1e-9);
    should(auto.gridImportKWh).be.approximately(4, 1e-9);
    should(auto.costCents).be.approximately(-10 + 4 * 30, 1e-9);
    should(auto.socPctEnd).be.approximately(10, 1e-9);
    should(auto.dischargedKWh).be.approximately(9, 1e-9);
  });

  it('loses √efficiency each way and never exports above the site limit', () => {
    const prices = amber(T0, [[60, 30, -10]]);
    const forecast = [{ start: iso(T0), end: iso(T0 + H), loadW: 0, pvW: 3000 }];
    const lossy = simulateAuto(input(prices, { forecast, battery: { socPct: 50, capacityKWh: 10, minSocPct: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 0.81 } }), priceSeries(prices), hourly(1));
    should(lossy.socPctEnd).be.approximately(50 + 27, 1e-9);
    const full = simulateAuto(input(prices, { forecast, battery: { socPct: 100, capacityKWh: 10, minSocPct: 10, maxChargeW: 5000, maxDischargeW: 5000 }, site: { maxExportW: 1000, maxImportW: 10000 } }), priceSeries(prices), hourly(1));
    should(full.gridExportKWh).be.approximately(1, 1e-9);
  });

  it('takes mean load and PV over a window, with no PV and the mean given load where nothing covers it', () => {
    const forecast = [{ start: iso(T0), end: iso(T0 + H / 2), loadW: 1000, pvW: 2000 }, { start: iso(T0 + H / 2), end: iso(T0 + H), loadW: 3000, pvW: 0 }];
    should(meanPower(forecast, T0, T0 + H)).eql({ loadW: 2000, pvW: 1000 });
    should(meanPower(forecast, T0 + H, T0 + 2 * H)).eql({ loadW: 2000, pvW: 0 });
    should(meanPower(undefined, T0, T0 + H)).eql({ loadW: 500, pvW: 0 });
  });
});

describe('plan mode: msg.plan and msg.planSummary', () => {
  // 14:00-14:05 current at 12 c (its own perKwh), then 14:05-14:30 forecast at predicted 15 c, then 14:30-15:00 at 60 c (no advanced price).
  const prices = amber(T0, [[5, 12, 2, 40], [25, 20, -5, 15], [30, 60, -40]]);
  const result: PlanResult = {
    now: { command: 'charge', powerW: 4600, curtail: false, until: iso(T0 + 5 * 60_000) },
    intervals: [
      row(T0, 5, { command: 'charge', powerW: 4600, socPctEnd: 53.8, gridImportKWh: 0.43, costCents: 5.16 }),
      row(T0 + 5 * 60_000, 25, { command: 'charge', powerW: 4600, socPctEnd: 72.9, gridImportKWh: 1.95, costCents: 29.25 }),
      row(T0 + 30 * 60_000, 30, { command: 'discharge', powerW: 5000, curtail: false, socPctEnd: 47.9, gridExportKWh: 2.0, costCents: -80 }),
    ],
    expectedCostCents: -60,
  };

  it('gives one row per interval with the prices planned on and the SoC at both ends', () => {
    const plan = planMessage(result, input(prices));
    should(plan.now).equal(iso(T0));
    should(plan.intervals.map((r) => [r.start, r.command, r.powerW, r.generalCents, r.feedInCents, r.socPctStart, r.socPctEnd, r.costCents])).eql([
      ['2026-01-15T04:00:00Z', 'charge', 4600, 12, 2, 50, 53.8, 5.16],
      ['2026-01-15T04:05:00Z', 'charge', 4600, 15, -5, 53.8, 72.9, 29.25],
      ['2026-01-15T04:30:00Z', 'discharge', 5000, 60, -40, 72.9, 47.9, -80],
    ]);
  });

  it('sums the plan, prices Auto over the same intervals and values the stored-energy difference', () => {
    const summary = planSummary(result, input(prices));
    should(summary.planCostCents).equal(-45.59);
    should(summary.expectedCostCents).equal(-60);
    // No forecast: 500 W load, no PV. Auto covers it from the battery, so it costs nothing and ends at 50 - 5 % = 45 %.
    should(summary.autoCostCents).equal(0);
    should(summary.autoSocPctEnd).equal(45);
    should(summary.storedEnergyCentsPerKWh).equal(storedEnergyValue([12, 15, 60]));
    should(summary.savingCents).equal(Math.round((0 - -45.59 + ((47.9 - 45) / 100) * 10 * 12) * 100) / 100);
    should(summary.cycles).equal(0.25);
    should([summary.socPctStart, summary.socPctEnd, summary.horizonStart, summary.horizonEnd]).eql([50, 47.9, '2026-01-15T04:00:00Z', '2026-01-15T05:00:00Z']);
  });

  it('values stored energy at the low quartile of import prices, never below 0', () => {
    should(storedEnergyValue([40, 10, 30, 20, 50])).equal(20);
    should(storedEnergyValue([-5, -3])).equal(0);
    should(storedEnergyValue([])).equal(0);
  });
});

describe('plan mode: status text', () => {
  const base = (intervals: PlanInterval[], nowPart: PlanResult['now']): PlanResult => ({ now: nowPart, intervals, expectedCostCents: 0 });

  it('says the command, until when the plan keeps it, and the SoC now and then', () => {
    const r = base([
      row(T0 + 30 * 60_000, 5, { command: 'charge', powerW: 4600, socPctEnd: 80 }),
      row(T0 + 35 * 60_000, 5, { command: 'auto', socPctEnd: 79 }),
    ], { command: 'charge', powerW: 4600, curtail: false, until: iso(T0 + 35 * 60_000) });
    should(planStatusText(r, 62, 'Australia/Brisbane')).equal('plan: charge 4.6 kW until 14:35 · SoC 62%→80%');
    should(planStatus(r, 62, 'Australia/Brisbane')).eql({ fill: 'green', shape: 'dot', text: 'plan: charge 4.6 kW until 14:35 · SoC 62%→80%' });
    should(planStatus(r, 62, 'Australia/Brisbane', true).text).equal('dry run: plan: charge 4.6 kW until 14:35 · SoC 62%→80%');
  });

  it('runs the time on over following intervals with the same command, in the given zone', () => {
    const r = base([
      row(T0 + 30 * 60_000, 5, { command: 'discharge', powerW: 5000, socPctEnd: 70 }),
      row(T0 + 35 * 60_000, 25, { command: 'discharge', powerW: 5000, socPctEnd: 50 }),
      row(T0 + 60 * 60_000, 30, { command: 'discharge', powerW: 3000, socPctEnd: 40 }),
    ], { command: 'discharge', powerW: 5000, curtail: false, until: iso(T0 + 35 * 60_000) });
    should(planStatusText(r, 72, 'Australia/Brisbane')).equal('plan: discharge 5.0 kW until 15:00 · SoC 72%→50%');
    should(planStatusText(r, 72, 'Australia/Perth')).equal('plan: discharge 5.0 kW until 13:00 · SoC 72%→50%');
  });

  it('shows conserve, auto and curtail', () => {
    const r = base([row(T0, 30, { command: 'conserve', curtail: true, socPctEnd: 55 })], { command: 'conserve', powerW: null, curtail: true, until: iso(T0 + 30 * 60_000) });
    should(planStatusText(r, 50, 'Australia/Brisbane')).equal('plan: conserve + curtail until 14:30 · SoC 50%→55%');
    const a = base([row(T0, 30, { socPctEnd: 45 })], { command: 'auto', powerW: null, curtail: false, until: iso(T0 + 30 * 60_000) });
    should(planStatusText(a, 50, 'Australia/Brisbane')).equal('plan: auto until 14:30 · SoC 50%→45%');
    should(planFallbackStatus('the battery reading is 12 min old')).eql({ fill: 'yellow', shape: 'ring', text: 'auto: the battery reading is 12 min old' });
  });
});
