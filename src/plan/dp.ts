/**
 * A dynamic programme over stored energy: the value of every SoC level at the start of every
 * slot, from the end of the horizon back to now, then the plan walked forward from the exact SoC.
 * Actions per slot: auto, conserve, full-power charge and discharge, and a charge or discharge to
 * every SoC level reachable in the slot. Off-grid SoC is valued by linear interpolation.
 * Costs and values are cents; smaller is better.
 */
import { applyCommand, batteryPowerW, curtailFor, slotCostCents, socAfter, type Command, type Outcome, type SiteModel } from './model';
import type { Slot } from './slots';

export interface DpSettings {
  /** What a kWh left above the minimum SoC at the end is worth (c). */
  endValueCentsPerKWh: number;
  /** What a change from `previous` must gain (c); null: defaultSwitchCostCents. */
  switchCostCents: number | null;
  previous: Command | null;
  /** Above 0: the command for now is scored over load/PV at (1 − spread, 1, 1 + spread) × the forecast (scoreNow). */
  forecastSpread: number;
  /** SoC step, default 0.05 kWh; coarser when the battery would need more than maxLevels. */
  stepKWh?: number;
  maxLevels?: number;
}

export interface PlannedSlot {
  slot: Slot;
  command: Command;
  outcome: Outcome;
}

const EPS = 1e-9;

interface Grid {
  n: number;
  ds: number;
  minKWh: number;
}

function makeGrid(m: SiteModel, settings: DpSettings): Grid {
  const range = m.capacityKWh - m.minKWh;
  if (range <= EPS) return { n: 1, ds: 0, minKWh: m.minKWh };
  const maxLevels = settings.maxLevels ?? 400;
  const steps = Math.max(1, Math.min(maxLevels - 1, Math.ceil(range / (settings.stepKWh ?? 0.05) - EPS)));
  return { n: steps + 1, ds: range / steps, minKWh: m.minKWh };
}

function valueAt(values: Float64Array, offset: number, grid: Grid, socKWh: number): number {
  if (grid.n === 1) return values[offset];
  const pos = (socKWh - grid.minKWh) / grid.ds;
  if (pos <= 0) return values[offset];
  if (pos >= grid.n - 1) return values[offset + grid.n - 1];
  const i = Math.floor(pos);
  const frac = pos - i;
  return values[offset + i] + frac * (values[offset + i + 1] - values[offset + i]);
}

/** The most a slot can move the SoC up and down, in grid steps, by its power limits. */
function reach(slot: Slot, m: SiteModel, grid: Grid, curtail: boolean): { up: number; down: number; upW: number; downW: number } {
  const upW = Math.max(0, Math.min(m.maxChargeW, m.maxImportW + slot.pvW - slot.loadW));
  const downW = Math.max(0, Math.min(m.maxDischargeW, slot.loadW + (curtail ? 0 : m.maxExportW)));
  if (grid.n === 1) return { up: 0, down: 0, upW, downW };
  const upKWh = upW * slot.hours / 1000 * m.etaIn;
  const downKWh = downW * slot.hours / 1000 / m.etaOut;
  return { up: Math.floor(upKWh / grid.ds + EPS), down: Math.floor(downKWh / grid.ds + EPS), upW, downW };
}

export function planSlots(slots: readonly Slot[], m: SiteModel, socKWh: number, settings: DpSettings): PlannedSlot[] {
  const grid = makeGrid(m, settings);
  const { n, ds } = grid;
  const T = slots.length;
  const values = new Float64Array((T + 1) * n);
  for (let i = 0; i < n; i++) values[T * n + i] = -settings.endValueCentsPerKWh * i * ds;
  const upCost = new Float64Array(n);
  const downCost = new Float64Array(n);

  for (let t = T - 1; t >= 0; t--) backwardSlot(slots[t], m, grid, values, t, upCost, downCost);

  const plan: PlannedSlot[] = [];
  const list = newCandidateList(n);
  let s = socKWh;
  for (let t = 0; t < T; t++) {
    const slot = slots[t];
    const next = (t + 1) * n;
    let chosen: Command;
    let chosenOutcome: Outcome;
    if (t === 0) {
      ({ command: chosen, outcome: chosenOutcome } = chooseNow(slots, m, grid, values, s, settings));
    } else {
      const count = candidatesAt(slot, m, grid, s, list);
      let bestC = 0;
      let best = Infinity;
      for (let c = 0; c < count; c++) {
        const b = batteryPowerW(slot, m, s, KINDS[list.kinds[c]], list.powers[c], list.curtail);
        const q = slotCostCents(slot, m, b, list.curtail) + valueAt(values, next, grid, socAfter(slot, m, s, b));
        if (q < best - EPS) {
          best = q;
          bestC = c;
        }
      }
      chosen = commandAt(list, bestC);
      chosenOutcome = applyCommand(slot, m, s, chosen);
    }
    plan.push({ slot, command: chosen, outcome: chosenOutcome });
    s = chosenOutcome.socKWhEnd;
  }
  return plan;
}

/**
 * The load and PV of the interval now are known only as the forecast (often the same time
 * yesterday), so the command for now is scored over equally likely scenarios rather than the
 * forecast alone: load and PV each at 1 − spread, 1 and 1 + spread times the forecast. A command
 * that only works if the forecast is exact (a power matched to the load) then loses to one that
 * follows the real load (Auto) unless the forecast is worth betting on. docs/planner.md.
 */
function scoreNow(slot: Slot, m: SiteModel, grid: Grid, values: Float64Array, s: number, cmd: Command, spread: number): number {
  let q = 0;
  for (let l = -1; l <= 1; l++) {
    for (let p = -1; p <= 1; p++) {
      const o = applyCommand({ ...slot, loadW: slot.loadW * (1 + l * spread), pvW: slot.pvW * (1 + p * spread) }, m, s, cmd);
      q += o.costCents + valueAt(values, grid.n, grid, o.socKWhEnd);
    }
  }
  return q / 9;
}

/**
 * The switching cost when the input gives none: the value of one SoC step of the plan's grid at
 * the horizon's mean import price. A change gaining less than that is inside the plan's own
 * rounding of the stored energy, so it is not worth an inverter command.
 */
export function defaultSwitchCostCents(slots: readonly Slot[], stepKWh: number): number {
  let hours = 0;
  let cents = 0;
  for (const slot of slots) {
    hours += slot.hours;
    cents += slot.generalCents * slot.hours;
  }
  return hours > 0 ? Math.max(0, stepKWh * cents / hours) : 0;
}

function chooseNow(slots: readonly Slot[], m: SiteModel, grid: Grid, values: Float64Array, s: number, settings: DpSettings): { command: Command; outcome: Outcome } {
  const slot = slots[0];
  const list = newCandidateList(grid.n);
  const candidates = Array.from({ length: candidatesAt(slot, m, grid, s, list) }, (_, c) => commandAt(list, c));
  let chosen = candidates[0];
  const score = (cmd: Command): number => {
    if (settings.forecastSpread > 0) return scoreNow(slot, m, grid, values, s, cmd, settings.forecastSpread);
    const o = applyCommand(slot, m, s, cmd);
    return o.costCents + valueAt(values, grid.n, grid, o.socKWhEnd);
  };
  let best = score(chosen);
  for (let c = 1; c < candidates.length; c++) {
    const q = score(candidates[c]);
    if (q < best - EPS) {
      best = q;
      chosen = candidates[c];
    }
  }
  const previous = settings.previous;
  if (previous !== null) {
    const switchCost = settings.switchCostCents ?? defaultSwitchCostCents(slots, grid.ds);
    const kept = holdPrevious(slots, m, grid, values, s, previous);
    const nominal = kept.outcome.costCents + valueAt(values, grid.n, grid, kept.outcome.socKWhEnd);
    if (kept.q - nominal + score(kept.command) <= best + switchCost) {
      return { command: kept.command, outcome: kept.outcome };
    }
    const held = holdPower(slot, m, grid, chosen, previous);
    if (held !== null) chosen = held;
  }
  return { command: chosen, outcome: applyCommand(slot, m, s, chosen) };
}

/**
 * A new power for the same command within one SoC step's worth of power over the slot is no
 * real change to the plan (its grid cannot tell them apart): the power in force is kept.
 */
function holdPower(slot: Slot, m: SiteModel, grid: Grid, chosen: Command, previous: Command): Command | null {
  if (chosen.command !== previous.command || chosen.curtail !== previous.curtail) return null;
  if (chosen.powerW === null || previous.powerW === null || chosen.powerW === previous.powerW || grid.n === 1) return null;
  const charging = chosen.command === 'charge';
  const stepW = (charging ? grid.ds / m.etaIn : grid.ds * m.etaOut) / slot.hours * 1000;
  if (Math.abs(chosen.powerW - previous.powerW) > stepW) return null;
  const limitW = reach(slot, m, grid, chosen.curtail)[charging ? 'upW' : 'downW'];
  return previous.powerW <= limitW ? { ...chosen, powerW: previous.powerW } : null;
}

/**
 * Keeping the command in force is worth a small loss, but not one paid again at every call: it
 * is charged as if the command were held for HOLD_MS (then the plan is followed), so a change
 * that pays within that time is made.
 */
const HOLD_MS = 30 * 60_000;

function holdPrevious(slots: readonly Slot[], m: SiteModel, grid: Grid, values: Float64Array, socKWh: number, previous: Command): { q: number; command: Command; outcome: Outcome } {
  const holdEnd = slots[0].startMs + HOLD_MS;
  let s = socKWh;
  let cost = 0;
  let t = 0;
  let first: Outcome | null = null;
  let command: Command = previous;
  do {
    const slot = slots[t];
    const cmd: Command = { ...previous, curtail: curtailFor(slot) };
    const outcome = applyCommand(slot, m, s, cmd);
    if (t === 0) {
      first = outcome;
      command = cmd;
    }
    cost += outcome.costCents;
    s = outcome.socKWhEnd;
    t++;
  } while (t < slots.length && slots[t].startMs < holdEnd);
  return { q: cost + valueAt(values, t * grid.n, grid, s), command, outcome: first! };
}

/**
 * The value of every level at the start of slot t from the values at its end. The commands are
 * written out as arithmetic here (the same as batteryPowerW and slotCostCents) because this loop
 * is the planner's whole cost.
 */
function backwardSlot(slot: Slot, m: SiteModel, grid: Grid, values: Float64Array, t: number, upCost: Float64Array, downCost: Float64Array): void {
  const { n, ds, minKWh } = grid;
  const curtail = curtailFor(slot);
  const base = t * n;
  const next = (t + 1) * n;
  const r = reach(slot, m, grid, curtail);
  const up = Math.min(r.up, n - 1);
  const down = Math.min(r.down, n - 1);
  const h = slot.hours;
  for (let k = 1; k <= up; k++) upCost[k] = slotCostCents(slot, m, k * ds / m.etaIn / h * 1000, curtail);
  for (let k = 1; k <= down; k++) downCost[k] = slotCostCents(slot, m, -k * ds * m.etaOut / h * 1000, curtail);
  const surplusW = slot.pvW - slot.loadW;
  const exportCapW = curtail ? 0 : m.maxExportW;
  const wear = m.wearCentsPerKWh;
  const kWhPerW = h / 1000;
  // Grid cost of a battery power b (W), as slotCostCents.
  const costOf = (b: number): number => {
    const netW = b - surplusW;
    const grid = netW >= 0 ? netW * slot.generalCents : Math.min(-netW, exportCapW) * slot.feedInCents;
    return (grid + (b < 0 ? -b * wear : 0)) * kWhPerW;
  };
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

const KINDS = ['auto', 'conserve', 'charge', 'discharge'] as const;
const AUTO = 0;
const CONSERVE = 1;
const CHARGE = 2;
const DISCHARGE = 3;

/** A slot's candidate commands as (kind, power) pairs in arrays reused for every slot: no object per candidate. */
interface CandidateList {
  kinds: Uint8Array;
  /** W; NaN for auto and conserve. */
  powers: Float64Array;
  curtail: boolean;
}

function newCandidateList(levels: number): CandidateList {
  const size = 2 * levels + 8;
  return { kinds: new Uint8Array(size), powers: new Float64Array(size), curtail: false };
}

function commandAt(list: CandidateList, c: number): Command {
  const power = list.powers[c];
  return { command: KINDS[list.kinds[c]], powerW: Number.isNaN(power) ? null : power, curtail: list.curtail };
}

/** Every command worth trying from the exact SoC `s`, auto first (ties keep the earlier), into `list`; the count. */
function candidatesAt(slot: Slot, m: SiteModel, grid: Grid, s: number, list: CandidateList): number {
  const curtail = curtailFor(slot);
  const r = reach(slot, m, grid, curtail);
  list.curtail = curtail;
  let count = 0;
  const add = (kind: number, powerW: number): void => {
    list.kinds[count] = kind;
    list.powers[count] = powerW;
    count++;
  };
  add(AUTO, NaN);
  add(CONSERVE, NaN);
  const maxChargeW = Math.floor(m.maxChargeW);
  const maxDischargeW = Math.floor(m.maxDischargeW);
  if (r.upW >= 1) add(CHARGE, maxChargeW);
  if (r.downW >= 1) add(DISCHARGE, maxDischargeW);
  if (grid.n === 1) return count;
  const pos = (s - grid.minKWh) / grid.ds;
  for (let j = Math.max(0, Math.floor(pos) + 1); j < grid.n && j <= pos + r.up + 1; j++) {
    const w = Math.round((grid.minKWh + j * grid.ds - s) / m.etaIn / slot.hours * 1000);
    if (w >= 1 && w <= Math.min(maxChargeW, r.upW)) add(CHARGE, w);
  }
  for (let j = Math.ceil(pos) - 1; j >= 0 && j >= pos - r.down - 1; j--) {
    const w = Math.round((s - grid.minKWh - j * grid.ds) * m.etaOut / slot.hours * 1000);
    if (w >= 1 && w <= Math.min(maxDischargeW, r.downW)) add(DISCHARGE, w);
  }
  return count;
}
