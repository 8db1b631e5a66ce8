/**
 * Energy since local midnight, since the start of the month and of the year, from the lifetime
 * counters. Each reading adds the growth of each counter since the previous reading to the
 * period totals; a period starts again at zero when its calendar key changes. A counter that
 * goes down (the cloud warns they can reset) adds nothing, so no figure ever goes negative.
 *
 * The state is plain JSON, so a node can keep it in its context and carry on after a restart.
 */
import { ENERGY_KEYS, type EnergyKey, type EnergyTotals } from './payloads';
import { isPlainObject } from '../util/objects';
import { round } from './units';

/** Readings (about an hour at the default interval) within which a dipped counter may come back. */
const DIP_READINGS = 60;

export interface PeriodTotals {
  key: string;
  totals: Partial<Record<EnergyKey, number>>;
}

export interface EnergyPeriodState {
  /** The last value of each counter seen. */
  last: Partial<Record<EnergyKey, number>>;
  /**
   * Counters that recently went down: the value before and after the drop, and how many more
   * readings to wait for it to come back. Growth is held back meanwhile: a counter that briefly
   * reads low (a false zero) and returns is counted from where it was; one that stays low was
   * really reset, and everything since the drop is counted when the wait ends.
   */
  dips?: Partial<Record<EnergyKey, { before: number; after: number; readingsLeft: number }>>;
  day: PeriodTotals;
  month: PeriodTotals;
  year: PeriodTotals;
}

export interface EnergyPeriodResult {
  state: EnergyPeriodState;
  today: EnergyTotals;
  month: EnergyTotals;
  year: EnergyTotals;
  /** A lifetime total went down since the previous reading. */
  counterReset: boolean;
}

/** Calendar keys of an instant in a time zone (default: the host's). */
export function periodKeys(atMs: number, timeZone?: string): { day: string; month: string; year: string } {
  const parts = dateFormat(timeZone).formatToParts(new Date(atMs));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const year = get('year');
  const month = `${year}-${get('month')}`;
  return { day: `${month}-${get('day')}`, month, year };
}

/**
 * Making an Intl.DateTimeFormat costs far more than using one (most of a poll's CPU in the long-run
 * test), so one is kept per zone; the host's zone is keyed by TZ, which can change at run time.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? `host:${process.env.TZ ?? ''}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(key, format);
  }
  return format;
}

export function updateEnergyPeriods(
  previous: EnergyPeriodState | undefined,
  lifetime: EnergyTotals,
  atMs: number,
  timeZone?: string,
): EnergyPeriodResult {
  const keys = periodKeys(atMs, timeZone);
  const state: EnergyPeriodState = {
    last: { ...previous?.last },
    day: continueOrStart(previous?.day, keys.day),
    month: continueOrStart(previous?.month, keys.month),
    year: continueOrStart(previous?.year, keys.year),
  };
  let counterReset = false;
  const dips = { ...previous?.dips };
  for (const key of ENERGY_KEYS) {
    const value = lifetime[key];
    if (value === null) continue;
    const last = state.last[key];
    const dip = dips[key];
    let growth = 0;
    if (dip) {
      if (value >= dip.before) {
        // Back from a dip (a false low reading): only growth beyond the value before the drop counts.
        growth = value - dip.before;
        delete dips[key];
      } else if (last !== undefined && value < last) {
        // Down again: what grew since the first drop was real; wait again from here.
        counterReset = true;
        growth = last - dip.after;
        dips[key] = { ...dip, after: value, readingsLeft: DIP_READINGS };
      } else if (dip.readingsLeft <= 1) {
        // It did not come back: a real reset. Everything since the drop counts now.
        growth = value - dip.after;
        delete dips[key];
      } else {
        dips[key] = { ...dip, readingsLeft: dip.readingsLeft - 1 };
      }
    } else if (last !== undefined && value < last) {
      counterReset = true;
      dips[key] = { before: last, after: value, readingsLeft: DIP_READINGS };
    } else if (last !== undefined) {
      growth = value - last;
    }
    state.last[key] = value;
    for (const period of [state.day, state.month, state.year]) {
      period.totals[key] = (period.totals[key] ?? 0) + growth;
    }
  }
  if (Object.keys(dips).length > 0) state.dips = dips;
  return {
    state,
    today: report(state.day, lifetime),
    month: report(state.month, lifetime),
    year: report(state.year, lifetime),
    counterReset,
  };
}

function continueOrStart(period: PeriodTotals | undefined, key: string): PeriodTotals {
  return period && period.key === key ? { key, totals: { ...period.totals } } : { key, totals: {} };
}

/** A period's figures; null for a counter the cloud did not report this time. */
function report(period: PeriodTotals, lifetime: EnergyTotals): EnergyTotals {
  const out = {} as EnergyTotals;
  for (const key of ENERGY_KEYS) out[key] = lifetime[key] === null ? null : round(period.totals[key] ?? 0, 3);
  return out;
}

/**
 * Whether a value read back from context is a state this module wrote. Every counter value and
 * total must be a finite number: a string or null there would turn into NaN or string
 * concatenation in the sums.
 */
export function isEnergyPeriodState(value: unknown): value is EnergyPeriodState {
  if (!isPlainObject(value)) return false;
  const isPeriod = (p: unknown): boolean => isPlainObject(p) && typeof p.key === 'string' && isNumberMap(p.totals);
  const isDips = (d: unknown): boolean => d === undefined || (isPlainObject(d) && Object.values(d).every((dip) =>
    isPlainObject(dip) && Number.isFinite(dip.before) && Number.isFinite(dip.after) && Number.isInteger(dip.readingsLeft)));
  return isNumberMap(value.last) && isPeriod(value.day) && isPeriod(value.month) && isPeriod(value.year) && isDips(value.dips);
}

function isNumberMap(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'number' && Number.isFinite(v));
}
