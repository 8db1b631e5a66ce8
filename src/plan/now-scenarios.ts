/**
 * The command for now, scored over what the load and PV may really be. The forecast is often the
 * same time yesterday, so the command for now is scored over nine equally likely cases rather
 * than the forecast alone: load and PV each at 1 − spread, 1 and 1 + spread times the forecast.
 * A forecast's error lasts (a cloudy afternoon stays cloudy), so each case is valued by the plan
 * for the rest of the horizon in the same direction of net load: the horizon replanned with load
 * × (1 − spread) and PV × (1 + spread) where this interval has more surplus than forecast, with
 * load × (1 + spread) and PV × (1 − spread) where it has less, as forecast otherwise. A command that only
 * pays if the forecast is exact (a power matched to the load, a battery left for PV to fill) then
 * loses to one that holds up either way unless the bet pays on average. docs/planner.md.
 */
import { applyCommand, type Command, type SiteModel } from './model';
import type { Slot } from './slots';
import { backwardSlot, valueAt, type Grid } from './values';

/** The value of every SoC level after the slot now, per case of the horizon's net load. */
export interface NowValues {
  /** More surplus than forecast: load × (1 − spread), PV × (1 + spread). */
  lower: Float64Array;
  forecast: Float64Array;
  /** Less surplus: load × (1 + spread), PV × (1 − spread). */
  higher: Float64Array;
}

/** `values`: the forecast's values for every slot (valuesBackward); the two other cases are worked out here. `spread` > 0. */
export function nowValues(slots: readonly Slot[], m: SiteModel, grid: Grid, values: Float64Array, spread: number): NowValues {
  const { n } = grid;
  const forecast = values.subarray(n, 2 * n);
  const end = values.subarray(slots.length * n);
  const upCost = new Float64Array(n);
  const downCost = new Float64Array(n);
  // Only the values after slot 0 are needed: two rows, the next slot's and this one's.
  const after = (loadFactor: number, pvFactor: number): Float64Array => {
    const rows = new Float64Array(2 * n);
    rows.set(end, n);
    for (let t = slots.length - 1; t >= 1; t--) {
      const slot = slots[t];
      backwardSlot(slot, m, grid, rows, 0, upCost, downCost, slot.loadW * loadFactor, slot.pvW * pvFactor);
      rows.copyWithin(n, 0, n);
    }
    return rows.subarray(n);
  };
  return { lower: after(1 - spread, 1 + spread), forecast, higher: after(1 + spread, 1 - spread) };
}

/** The mean over the nine cases of the slot's cost and the value of the SoC it leaves. */
export function scoreNow(slot: Slot, m: SiteModel, grid: Grid, values: NowValues, s: number, cmd: Command, spread: number): number {
  let q = 0;
  for (let l = -1; l <= 1; l++) {
    for (let p = -1; p <= 1; p++) {
      const o = applyCommand({ ...slot, loadW: slot.loadW * (1 + l * spread), pvW: slot.pvW * (1 + p * spread) }, m, s, cmd);
      const surplus = Math.sign(p - l);
      const after = surplus > 0 ? values.lower : surplus < 0 ? values.higher : values.forecast;
      q += o.costCents + valueAt(after, 0, grid, o.socKWhEnd);
    }
  }
  return q / 9;
}
