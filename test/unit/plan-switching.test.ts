/**
 * The command for now (docs/planner.md): scored over load/PV scenarios around the forecast, each
 * valued by the rest of the horizon in the same direction, the default switching cost, and a power
 * kept when the plan only nudges it.
 */
import 'should';
import { planBattery, type PlanInput } from '../../src/plan';
import { defaultSwitchCostCents, planSlots } from '../../src/plan/dp';
import { applyCommand, curtailFor, type Command, type SiteModel } from '../../src/plan/model';
import type { Slot } from '../../src/plan/slots';
import { amberAnswer, BATTERY, flat, steadyForecast } from '../helpers/plan-amber';

const START = '2025-07-16T22:30:00Z';
const MODEL: SiteModel = {
  capacityKWh: 10, minKWh: 1, maxChargeW: 5000, maxDischargeW: 5000, etaIn: 0.95, etaOut: 0.95, maxExportW: 5000, maxImportW: 15000, wearCentsPerKWh: 0,
};
const END_VALUE = 15;
/** The documented scenarios: load and PV each at half, all and one and a half times the forecast. */
const SCALES = [0.5, 1, 1.5];

function oneSlot(seed: number): Slot {
  const r = (i: number): number => {
    const x = Math.sin(seed * 97 + i * 13) * 10_000;
    return x - Math.floor(x);
  };
  const general = [10, 25, 40, 60][Math.floor(r(1) * 4)];
  return {
    startMs: 0, endMs: 1_800_000, hours: 0.5,
    generalCents: general, feedInCents: -(general - [2, 10, 30][Math.floor(r(2) * 3)]),
    loadW: [300, 800, 1500][Math.floor(r(3) * 3)], pvW: [0, 2000, 4000][Math.floor(r(4) * 3)],
  };
}

/** Mean over the scenarios of the slot's cost less the stored energy gained at the end value (a one-slot horizon). */
function expectedCost(slot: Slot, socKWh: number, cmd: Command): number {
  let sum = 0;
  for (const l of SCALES) {
    for (const p of SCALES) {
      const o = applyCommand({ ...slot, loadW: slot.loadW * l, pvW: slot.pvW * p }, MODEL, socKWh, cmd);
      sum += o.costCents - END_VALUE * (o.socKWhEnd - MODEL.minKWh);
    }
  }
  return sum / SCALES.length ** 2;
}

function finerCommands(slot: Slot): Command[] {
  const curtail = curtailFor(slot);
  const list: Command[] = [{ command: 'auto', powerW: null, curtail }, { command: 'conserve', powerW: null, curtail }];
  for (let w = 100; w <= 5000; w += 100) list.push({ command: 'charge', powerW: w, curtail }, { command: 'discharge', powerW: w, curtail });
  return list;
}

describe('planner: the command for now', () => {
  it('is the command with the least expected cost over the load/PV scenarios, not over the forecast alone', () => {
    let differs = 0;
    for (let seed = 0; seed < 40; seed++) {
      const slot = oneSlot(seed);
      const soc = 1 + (seed % 9);
      const settings = { endValueCentsPerKWh: END_VALUE, switchCostCents: 0, previous: null };
      const hedged = planSlots([slot], MODEL, soc, { ...settings, forecastSpread: 0.5 })[0].command;
      const forecastOnly = planSlots([slot], MODEL, soc, { ...settings, forecastSpread: 0 })[0].command;
      const best = Math.min(...finerCommands(slot).map((c) => expectedCost(slot, soc, c)));
      // Within what the plan's 0.05 kWh SoC grid can resolve of the finer set of powers.
      expectedCost(slot, soc, hedged).should.be.belowOrEqual(best + 0.05 * Math.abs(slot.generalCents) + 1e-6, `seed ${seed}`);
      expectedCost(slot, soc, hedged).should.be.belowOrEqual(expectedCost(slot, soc, forecastOnly) + 1e-9, `seed ${seed}`);
      if (hedged.command !== forecastOnly.command || hedged.powerW !== forecastOnly.powerW) differs++;
    }
    differs.should.be.above(0);
  });

  it('values each case by the rest of the horizon in the same direction: a battery left for PV to fill is a bet on the sun', () => {
    // Morning now at 12 c (no PV), then 3 h of PV forecast to fill the battery (40 c to import), then the evening.
    const day = (eveningCents: number): Slot[] => [
      { startMs: 0, endMs: 1_800_000, hours: 0.5, generalCents: 12, feedInCents: -4, loadW: 500, pvW: 0 },
      ...Array.from({ length: 6 }, (_, k): Slot => ({
        startMs: 1_800_000 * (k + 1), endMs: 1_800_000 * (k + 2), hours: 0.5, generalCents: 40, feedInCents: -4, loadW: 500, pvW: 4000,
      })),
      { startMs: 12_600_000, endMs: 27_000_000, hours: 4, generalCents: eveningCents, feedInCents: -4, loadW: 2500, pvW: 0 },
    ];
    const settings = { endValueCentsPerKWh: 0, switchCostCents: 0, previous: null };
    const now = (slots: Slot[], forecastSpread: number): Command => planSlots(slots, MODEL, 1, { ...settings, forecastSpread })[0].command;
    // On the forecast the sun fills the battery: buying now only displaces PV that would earn 4 c.
    now(day(80), 0).command.should.equal('auto');
    // If the afternoon is duller and the load higher, the battery meets the 80 c evening half empty:
    // charging now at 12 c pays more there than it loses in the other cases.
    now(day(80), 0.5).command.should.equal('charge');
    // At 20 c in the evening the same bet does not pay on average.
    now(day(20), 0.5).command.should.equal('auto');
  });

  it('needs a change to gain one 0.05 kWh step at the horizon\'s mean import price by default', () => {
    const slots: Slot[] = [
      { startMs: 0, endMs: 3_600_000, hours: 1, generalCents: 10, feedInCents: -5, loadW: 500, pvW: 0 },
      { startMs: 3_600_000, endMs: 14_400_000, hours: 3, generalCents: 30, feedInCents: -5, loadW: 500, pvW: 0 },
    ];
    defaultSwitchCostCents(slots, 0.05).should.be.approximately(0.05 * 25, 1e-9);
    defaultSwitchCostCents([{ ...slots[0], generalCents: -20 }], 0.05).should.equal(0);
  });

  it('keeps the power in force when the new one is within one SoC step of power, and changes it beyond', () => {
    // Cheap for the next 5 minutes only, then dear: charge now, as near full power as the room allows.
    const steps = [{ minutes: 5, general: 5, feedIn: -3 }, ...flat(11, 5, 40, -30), ...flat(30, 30, 40, -30)];
    const input = (previous: PlanInput['previous']): PlanInput => ({
      now: START, prices: amberAnswer(START, steps), battery: { ...BATTERY, socPct: 96, roundTripEfficiency: 0.9 },
      forecast: steadyForecast(START, 800, 0), previous, options: { switchCostCents: 0 },
    });
    const fresh = planBattery(input(null)).now;
    fresh.command.should.equal('charge');
    // One 0.05 kWh step over 5 minutes at √0.9 is about 630 W.
    planBattery(input({ command: 'charge', powerW: fresh.powerW! - 300, curtail: false })).now.powerW!.should.equal(fresh.powerW! - 300);
    planBattery(input({ command: 'charge', powerW: fresh.powerW! - 1500, curtail: false })).now.powerW!.should.equal(fresh.powerW);
    // Another command is not held by the power rule.
    planBattery(input({ command: 'discharge', powerW: fresh.powerW! - 300, curtail: false })).now.command.should.equal('charge');
  });
});
