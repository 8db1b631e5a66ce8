/**
 * The planner's value recursion over stored energy: the SoC grid, the value of an off-grid SoC
 * (linear interpolation), what a slot can reach, and one slot's backward step (docs/planner.md).
 * Costs and values are cents; smaller is better.
 */
import { curtailFor, type SiteModel } from './model';
import type { Slot } from './slots';

export const EPS = 1e-9;

export interface Grid {
  n: number;
  ds: number;
  minKWh: number;
}

export function makeGrid(m: SiteModel, stepKWh = 0.05, maxLevels = 400): Grid {
  const range = m.capacityKWh - m.minKWh;
  if (range <= EPS) return { n: 1, ds: 0, minKWh: m.minKWh };
  const steps = Math.max(1, Math.min(maxLevels - 1, Math.ceil(range / stepKWh - EPS)));
  return { n: steps + 1, ds: range / steps, minKWh: m.minKWh };
}

export function valueAt(values: Float64Array, offset: number, grid: Grid, socKWh: number): number {
  if (grid.n === 1) return values[offset];
  const pos = (socKWh - grid.minKWh) / grid.ds;
  if (pos <= 0) return values[offset];
  if (pos >= grid.n - 1) return values[offset + grid.n - 1];
  const i = Math.floor(pos);
  const frac = pos - i;
  return values[offset + i] + frac * (values[offset + i + 1] - values[offset + i]);
}

/** The most a slot can move the SoC up and down, in grid steps, by its power limits. */
export function reach(slot: Slot, m: SiteModel, grid: Grid, curtail: boolean, loadW = slot.loadW, pvW = slot.pvW): { up: number; down: number; upW: number; downW: number } {
  const upW = Math.max(0, Math.min(m.maxChargeW, m.maxImportW + pvW - loadW));
  const downW = Math.max(0, Math.min(m.maxDischargeW, loadW + (curtail ? 0 : m.maxExportW)));
  if (grid.n === 1) return { up: 0, down: 0, upW, downW };
  const upKWh = upW * slot.hours / 1000 * m.etaIn;
  const downKWh = downW * slot.hours / 1000 / m.etaOut;
  return { up: Math.floor(upKWh / grid.ds + EPS), down: Math.floor(downKWh / grid.ds + EPS), upW, downW };
}

/**
 * The value of every level at the start of slot t from the values at its end. The commands are
 * written out as arithmetic here (the same as batteryPowerW and slotCostCents) because this loop
 * is the planner's whole cost. `loadW` and `pvW` stand in for the slot's own (the load/PV cases of
 * now-scenarios.ts) without a new slot object per step.
 */
export function backwardSlot(slot: Slot, m: SiteModel, grid: Grid, values: Float64Array, t: number, upCost: Float64Array, downCost: Float64Array, loadW = slot.loadW, pvW = slot.pvW): void {
  const { n, ds, minKWh } = grid;
  const curtail = curtailFor(slot);
  const base = t * n;
  const next = (t + 1) * n;
  const r = reach(slot, m, grid, curtail, loadW, pvW);
  const up = Math.min(r.up, n - 1);
  const down = Math.min(r.down, n - 1);
  const h = slot.hours;
  const surplusW = pvW - loadW;
  const exportCapW = curtail ? 0 : m.maxExportW;
  const wear = m.wearCentsPerKWh;
  const kWhPerW = h / 1000;
  // Grid cost of a battery power b (W), as slotCostCents (model.ts).
  const costOf = (b: number): number => {
    const netW = b - surplusW;
    const grid = netW >= 0 ? netW * slot.generalCents : Math.min(-netW, exportCapW) * slot.feedInCents;
    return (grid + (b < 0 ? -b * wear : 0)) * kWhPerW;
  };
  for (let k = 1; k <= up; k++) upCost[k] = costOf(k * ds / m.etaIn / h * 1000);
  for (let k = 1; k <= down; k++) downCost[k] = costOf(-k * ds * m.etaOut / h * 1000);
  const idleCost = costOf(0);
  const lastPos = n - 1;
  // Linear interpolation in the next slot's values at a SoC `pos` steps above the minimum.
  const at = (pos: number): number => {
    if (pos <= 0 || n === 1) return values[next];
    if (pos >= lastPos) return values[next + lastPos];
    const i = Math.floor(pos);
    return values[next + i] + (pos - i) * (values[next + i + 1] - values[next + i]);
  };
  const toSteps = n === 1 ? 0 : 1 / ds;
  for (let i = 0; i < n; i++) {
    const s = minKWh + i * ds;
    const roomW = (m.capacityKWh - s) / m.etaIn / kWhPerW;
    const availW = (s - minKWh) * m.etaOut / kWhPerW;
    let best: number;
    // auto (and conserve, which is the same with a surplus), then conserve without one: idle.
    if (surplusW >= 0) {
      const b = Math.min(surplusW, m.maxChargeW, roomW);
      best = costOf(b) + at(i + b * kWhPerW * m.etaIn * toSteps);
    } else {
      const b = Math.min(-surplusW, m.maxDischargeW, availW);
      best = costOf(-b) + at(i - b * kWhPerW / m.etaOut * toSteps);
      const idle = idleCost + values[next + i];
      if (idle < best) best = idle;
    }
    // full-power charge and discharge
    const c = Math.min(r.upW, roomW);
    if (c > 0) {
      const q = costOf(c) + at(i + c * kWhPerW * m.etaIn * toSteps);
      if (q < best) best = q;
    }
    const d = Math.min(r.downW, availW);
    if (d > 0) {
      const q = costOf(-d) + at(i - d * kWhPerW / m.etaOut * toSteps);
      if (q < best) best = q;
    }
    const kUp = Math.min(up, n - 1 - i);
    for (let k = 1; k <= kUp; k++) {
      const q = upCost[k] + values[next + i + k];
      if (q < best) best = q;
    }
    const kDown = Math.min(down, i);
    for (let k = 1; k <= kDown; k++) {
      const q = downCost[k] + values[next + i - k];
      if (q < best) best = q;
    }
    values[base + i] = best;
  }
}

/** The value of every level at the start of every slot, from `endRow` (the values after the last slot) back. */
export function valuesBackward(slots: readonly Slot[], m: SiteModel, grid: Grid, endRow: Float64Array): Float64Array {
  const { n } = grid;
  const T = slots.length;
  const values = new Float64Array((T + 1) * n);
  values.set(endRow, T * n);
  const upCost = new Float64Array(n);
  const downCost = new Float64Array(n);
  for (let t = T - 1; t >= 0; t--) backwardSlot(slots[t], m, grid, values, t, upCost, downCost);
  return values;
}
