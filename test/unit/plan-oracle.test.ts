/**
 * An oracle for the dynamic programme: on a horizon of three half-hours, every sequence of
 * commands from a fine set (auto, conserve, charge and discharge in 250 W steps) is tried through
 * the same site model, and the planner's plan must cost no more than the best of them (1 c of
 * slack for the SoC grid).
 */
import 'should';
import { planSlots } from '../../src/plan/dp';
import { applyCommand, curtailFor, type Command, type SiteModel } from '../../src/plan/model';
import type { Slot } from '../../src/plan/slots';

const MODEL: SiteModel = {
  capacityKWh: 5, minKWh: 0.5, maxChargeW: 3000, maxDischargeW: 3000, etaIn: 0.95, etaOut: 0.95, maxExportW: 2500, maxImportW: 8000, wearCentsPerKWh: 1,
};
const END_VALUE = 15;

function random(seed: number): () => number {
  let x = seed * 2654435761 >>> 0;
  return () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return x / 4294967296;
  };
}

function slots(seed: number): Slot[] {
  const next = random(seed + 1);
  return Array.from({ length: 3 }, (_, i) => {
    const general = Math.round((next() * 120 - 30) * 10) / 10;
    return {
      startMs: i * 1_800_000, endMs: (i + 1) * 1_800_000, hours: 0.5,
      generalCents: general, feedInCents: Math.round((-general + next() * 20 - 5) * 10) / 10,
      loadW: Math.round(next() * 2000), pvW: next() < 0.5 ? 0 : Math.round(next() * 5000),
    };
  });
}

function commandsFor(slot: Slot): Command[] {
  const curtail = curtailFor(slot);
  const list: Command[] = [{ command: 'auto', powerW: null, curtail }, { command: 'conserve', powerW: null, curtail }];
  for (let w = 250; w <= 3000; w += 250) {
    list.push({ command: 'charge', powerW: w, curtail }, { command: 'discharge', powerW: w, curtail });
  }
  return list;
}

function bruteForce(horizon: Slot[], socKWh: number): number {
  let best = Infinity;
  const walk = (t: number, s: number, cost: number): void => {
    if (t === horizon.length) {
      best = Math.min(best, cost - END_VALUE * (s - MODEL.minKWh));
      return;
    }
    for (const cmd of commandsFor(horizon[t])) {
      const o = applyCommand(horizon[t], MODEL, s, cmd);
      walk(t + 1, o.socKWhEnd, cost + o.costCents);
    }
  };
  walk(0, socKWh, 0);
  return best;
}

describe('planner: against a brute-force oracle', () => {
  it('finds a plan at least as cheap as every command sequence on a 1.5 h horizon (1 c slack)', () => {
    for (let seed = 0; seed < 12; seed++) {
      const horizon = slots(seed);
      const soc = 0.5 + (seed % 4) * 1.5;
      const plan = planSlots(horizon, MODEL, soc, { endValueCentsPerKWh: END_VALUE, switchCostCents: 0, previous: null, forecastSpread: 0 });
      const end = plan[plan.length - 1].outcome.socKWhEnd;
      const cost = plan.reduce((sum, p) => sum + p.outcome.costCents, 0) - END_VALUE * (end - MODEL.minKWh);
      const oracle = bruteForce(horizon, soc);
      cost.should.be.belowOrEqual(oracle + 1, `seed ${seed}: plan ${cost.toFixed(2)} c, oracle ${oracle.toFixed(2)} c`);
      // The plan is made of real commands through the same model, so it cannot beat the finest of them by much.
      cost.should.be.aboveOrEqual(oracle - 2, `seed ${seed}: plan ${cost.toFixed(2)} c, oracle ${oracle.toFixed(2)} c`);
    }
  });
});
