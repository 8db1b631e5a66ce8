/**
 * The running bill of the plan mode (`msg.planBill`, docs/plan-mode.md): what the site has paid
 * since the node started billing, measured from the inverter's lifetime grid counters at the
 * price in force, beside what Auto would have cost over the same time with the same measured
 * load and PV. Auto is a shadow battery run by the Auto semantics of docs/plan-mode.md
 * (self-consumption within the limits and the minimum SoC), started at the SoC of the first
 * reading. Measured for the site whoever is in charge: manual commands count too.
 *
 * Plain JSON of fixed size, kept in the node's context beside the profile.
 */
import { roundTo as round } from '../model/units';
import { autoStep, type AutoBattery } from './auto-simulation';

/** A gap between two readings longer than this is not billed (the prices in between are not known). */
export const MAX_BILL_GAP_MS = 15 * 60_000;

export interface BillReading {
  /** The reading's time (the site payload's `timestamp`). */
  timestamp: string | null;
  socPct: number | null;
  /** Lifetime counters, kWh (the site payload's `energy`). */
  energy: { gridImportKWh: number | null; gridExportKWh: number | null; pvKWh: number | null; loadKWh: number | null };
}

/** The prices in force at the reading, c/kWh in Amber's sign (feed-in: what the user pays per kWh exported). */
export interface BillPrice {
  generalCents: number | null;
  feedInCents: number | null;
}

export type BillBattery = AutoBattery;

interface BillMark {
  atMs: number;
  importKWh: number;
  exportKWh: number;
  pvKWh: number;
  loadKWh: number;
  generalCents: number | null;
  feedInCents: number | null;
}

export interface BillState {
  version: 1;
  sinceMs: number | null;
  last: BillMark | null;
  costCents: number;
  autoCostCents: number;
  /** Energy in Auto's shadow battery, kWh. */
  autoStoredKWh: number | null;
  importKWh: number;
  exportKWh: number;
  autoImportKWh: number;
  autoExportKWh: number;
  billedMs: number;
  /** Time between readings that could not be billed (gaps, missing counters or prices). */
  unbilledMs: number;
}

/** What the node puts on `msg.planBill`. */
export interface PlanBill {
  since: string | null;
  until: string | null;
  costCents: number;
  autoCostCents: number;
  /** Auto's cost less the site's: positive = the site paid less than Auto would have. */
  savingCents: number;
  importKWh: number;
  exportKWh: number;
  autoImportKWh: number;
  autoExportKWh: number;
  /** SoC of Auto's shadow battery now. */
  autoSocPct: number | null;
  billedMinutes: number;
  unbilledMinutes: number;
}

export function newBill(): BillState {
  return {
    version: 1, sinceMs: null, last: null, costCents: 0, autoCostCents: 0, autoStoredKWh: null,
    importKWh: 0, exportKWh: 0, autoImportKWh: 0, autoExportKWh: 0, billedMs: 0, unbilledMs: 0,
  };
}

/** A stored bill as it was, or a new one when it is missing or not a bill of this version. */
export function restoreBill(stored: unknown): BillState {
  if (typeof stored !== 'object' || stored === null) return newBill();
  const s = stored as Partial<BillState>;
  const numbers: (keyof BillState)[] = ['costCents', 'autoCostCents', 'importKWh', 'exportKWh', 'autoImportKWh', 'autoExportKWh', 'billedMs', 'unbilledMs'];
  if (s.version !== 1 || !numbers.every((k) => Number.isFinite(s[k]))) return newBill();
  const last = s.last as Partial<BillMark> | null | undefined;
  const lastOk = typeof last === 'object' && last !== null && ['atMs', 'importKWh', 'exportKWh', 'pvKWh', 'loadKWh'].every((k) => Number.isFinite(last[k as keyof BillMark]));
  const autoStored = typeof s.autoStoredKWh === 'number' && Number.isFinite(s.autoStoredKWh) ? s.autoStoredKWh : null;
  const since = typeof s.sinceMs === 'number' && Number.isFinite(s.sinceMs) ? s.sinceMs : null;
  return { ...newBill(), ...s, sinceMs: since, autoStoredKWh: autoStored, last: lastOk ? (last as BillMark) : null } as BillState;
}

/**
 * The bill after one more reading: the energy since the last one, priced at the prices in force
 * at the last one (the energy flowed under them), and the same window for Auto's shadow battery
 * from the measured PV and load. A reading no newer than the last changes nothing; a gap longer
 * than MAX_BILL_GAP_MS, or a counter or price that is missing, is counted as unbilled time.
 */
export function billReading(state: BillState, reading: BillReading, price: BillPrice, battery: BillBattery): BillState {
  const atMs = reading.timestamp === null ? NaN : Date.parse(reading.timestamp);
  if (!Number.isFinite(atMs)) return state;
  const e = reading.energy;
  const counters = [e.gridImportKWh, e.gridExportKWh, e.pvKWh, e.loadKWh];
  const mark: BillMark | null = counters.every((c): c is number => typeof c === 'number' && Number.isFinite(c))
    ? { atMs, importKWh: counters[0], exportKWh: counters[1], pvKWh: counters[2], loadKWh: counters[3], ...price }
    : null;
  const next: BillState = { ...state };
  if (next.autoStoredKWh === null && typeof reading.socPct === 'number') {
    next.autoStoredKWh = (reading.socPct / 100) * battery.capacityKWh;
  }
  const last = state.last;
  if (last === null) {
    if (mark === null) return next;
    return { ...next, sinceMs: next.sinceMs ?? atMs, last: mark };
  }
  if (atMs <= last.atMs) return state;
  const windowMs = atMs - last.atMs;
  const billable = mark !== null && windowMs <= MAX_BILL_GAP_MS && last.generalCents !== null && last.feedInCents !== null
    && mark.importKWh >= last.importKWh && mark.exportKWh >= last.exportKWh && mark.pvKWh >= last.pvKWh && mark.loadKWh >= last.loadKWh
    && next.autoStoredKWh !== null;
  if (!billable) {
    return { ...next, last: mark, unbilledMs: next.unbilledMs + windowMs };
  }
  const general = last.generalCents as number;
  const feedIn = last.feedInCents as number;
  const imported = mark.importKWh - last.importKWh;
  const exported = mark.exportKWh - last.exportKWh;
  const auto = autoStep(next.autoStoredKWh as number, mark.pvKWh - last.pvKWh, mark.loadKWh - last.loadKWh, windowMs / 3_600_000, battery);
  return {
    ...next,
    last: mark,
    costCents: next.costCents + imported * general + exported * feedIn,
    autoCostCents: next.autoCostCents + auto.importKWh * general + auto.exportKWh * feedIn,
    autoStoredKWh: auto.storedKWh,
    importKWh: next.importKWh + imported,
    exportKWh: next.exportKWh + exported,
    autoImportKWh: next.autoImportKWh + auto.importKWh,
    autoExportKWh: next.autoExportKWh + auto.exportKWh,
    billedMs: next.billedMs + windowMs,
  };
}

export function billView(state: BillState, capacityKWh: number | null): PlanBill {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    since: iso(state.sinceMs),
    until: iso(state.last?.atMs ?? null),
    costCents: round(state.costCents, 2),
    autoCostCents: round(state.autoCostCents, 2),
    savingCents: round(state.autoCostCents - state.costCents, 2),
    importKWh: round(state.importKWh, 3),
    exportKWh: round(state.exportKWh, 3),
    autoImportKWh: round(state.autoImportKWh, 3),
    autoExportKWh: round(state.autoExportKWh, 3),
    autoSocPct: state.autoStoredKWh === null || !capacityKWh ? null : round((state.autoStoredKWh / capacityKWh) * 100, 1),
    billedMinutes: round(state.billedMs / 60_000, 1),
    unbilledMinutes: round(state.unbilledMs / 60_000, 1),
  };
}
