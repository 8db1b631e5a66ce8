/**
 * A dynamic programme over stored energy: the value of every SoC level at the start of every
 * slot, from the end of the horizon back to now, then the plan walked forward from the exact SoC.
 * Actions per slot: auto, conserve, full-power charge and discharge, and a charge or discharge to
 * every SoC level reachable in the slot. Off-grid SoC is valued by linear interpolation.
 * Costs and values are cents; smaller is better.
 */
import { applyCommand, batteryPowerW, curtailFor, slotCostCents, socAfter, type Command, type Outcome, type SiteModel } from './model';
import { nowValues, scoreNow } from './now-scenarios';
import type { Slot } from './slots';
import { EPS, makeGrid, reach, valueAt, valuesBackward, type Grid } from './values';

export interface DpSettings {
  /** What a kWh left above the minimum SoC at the end is worth (c). */
  endValueCentsPerKWh: number;
  /** What a change from `previous` must gain (c); null: defaultSwitchCostCents. */
  switchCostCents: number | null;
  previous: Command | null;
  /** Above 0: the command for now is scored over load/PV at (1 − spread, 1, 1 + spread) × the forecast (now-scenarios.ts). */
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

export function planSlots(slots: readonly Slot[], m: SiteModel, socKWh: number, settings: DpSettings): PlannedSlot[] {
  const grid = makeGrid(m, settings.stepKWh, settings.maxLevels);
  const { n, ds } = grid;
  const T = slots.length;
  const endRow = Float64Array.from({ length: n }, (_, i) => -settings.endValueCentsPerKWh * i * ds);
  const values = valuesBackward(slots, m, grid, endRow);

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
  const after = settings.forecastSpread > 0 ? nowValues(slots, m, grid, values, settings.forecastSpread) : null;
  const score = (cmd: Command): number => {
    if (after !== null) return scoreNow(slot, m, grid, after, s, cmd, settings.forecastSpread);
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
