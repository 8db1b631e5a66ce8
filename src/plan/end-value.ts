/**
 * What a kWh still stored at the end of the horizon is worth. At zero the plan would dump the
 * battery before the horizon; at the horizon's highest price it would hoard for nothing. Stored
 * energy can at least stand in for buying at a cheap time of the horizon: the low quartile of
 * the import price (weighted by time), through the discharge losses and less the wear.
 */
import type { Slot } from './slots';

const QUANTILE = 0.25;

export function endValueCentsPerKWh(slots: readonly Slot[], etaOut: number, wearCentsPerKWh: number): number {
  const sorted = slots.map((s) => ({ price: s.generalCents, hours: s.hours })).sort((a, b) => a.price - b.price);
  const total = sorted.reduce((sum, s) => sum + s.hours, 0);
  let seen = 0;
  let price = sorted.length ? sorted[sorted.length - 1].price : 0;
  for (const s of sorted) {
    seen += s.hours;
    if (seen >= QUANTILE * total) {
      price = s.price;
      break;
    }
  }
  return Math.max(0, (price - wearCentsPerKWh) * etaOut);
}
