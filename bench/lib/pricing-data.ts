/**
 * The real months in data/pricing/ (SOURCES.md there credits them): AEMO 5-minute prices through
 * the Amber tariff fitted there, and the Ausgrid customer-12 household (load and PV per half-hour,
 * local time), PV scaled to the site's kWp.
 */
import fs from 'fs';
import path from 'path';

export const DATA_DIR = path.join(__dirname, '..', '..', '..', 'data', 'pricing');
const FIVE_MIN_MS = 300_000;
const HOUR_MS = 3_600_000;
const AUSGRID_KWP = 1.04;

export interface PriceMonth {
  label: string;
  /** UTC ms of the first interval's start. */
  startMs: number;
  /** Spot price per 5-minute interval, c/kWh including GST. */
  spotCents: Float64Array;
}

/** `SETTLEMENTDATE` is NEM time (UTC+10) and marks the end of the interval. */
export function readAemoMonth(file: string, label: string): PriceMonth {
  const lines = fs.readFileSync(path.join(DATA_DIR, file), 'utf8').trim().split(/\r?\n/).slice(1);
  const rows = lines.map((line) => {
    const [, date, , rrp] = line.split(',');
    const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})/.exec(date);
    if (!m) throw new Error(`${file}: bad SETTLEMENTDATE ${date}`);
    const endMs = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - 10 * HOUR_MS;
    return { startMs: endMs - FIVE_MIN_MS, spot: Number(rrp) / 10 * 1.1 };
  });
  rows.sort((a, b) => a.startMs - b.startMs);
  rows.forEach((r, i) => {
    if (r.startMs !== rows[0].startMs + i * FIVE_MIN_MS) throw new Error(`${file}: gap at row ${i}`);
  });
  return { label, startMs: rows[0].startMs, spotCents: Float64Array.from(rows, (r) => r.spot) };
}

/** Eastern Australia (NSW, VIC): daylight saving from the first Sunday of October to the first Sunday of April. */
export function localOffsetMs(utcMs: number): number {
  const year = new Date(utcMs + 10 * HOUR_MS).getUTCFullYear();
  const firstSunday = (month: number): number => {
    const d = new Date(Date.UTC(year, month, 1));
    return Date.UTC(year, month, 1 + ((7 - d.getUTCDay()) % 7));
  };
  // 02:00 standard time = 16:00 UTC the day before; 03:00 daylight time = 16:00 UTC too.
  const endsMs = firstSunday(3) - 8 * HOUR_MS;
  const startsMs = firstSunday(9) - 8 * HOUR_MS;
  return utcMs >= startsMs || utcMs < endsMs ? 11 * HOUR_MS : 10 * HOUR_MS;
}

/** Amber's tariff fitted in SOURCES.md: c/kWh including GST, feed-in in Amber's sign. */
export function amberGeneral(spot: number): number {
  return 1.0457 * spot + 7.2;
}

export function amberFeedIn(spot: number, utcMs: number): number {
  const hour = new Date(utcMs + localOffsetMs(utcMs)).getUTCHours();
  return -1.0139 * spot + 0.462 - (hour >= 16 && hour < 21 ? 2.461 : 0);
}

export interface Household {
  /** W, mean over the half-hour containing the time, for the same date and local time in the Ausgrid year. */
  loadW(utcMs: number): number;
  pvW(utcMs: number, kWp: number): number;
}

/** Ausgrid 2011-07-01 … 2012-06-30: a date maps to the same month and day in that year. */
export function readHousehold(): Household {
  const lines = fs.readFileSync(path.join(DATA_DIR, 'ausgrid_customer12_2011-2012.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const byKey = new Map<string, { load: number; pv: number }>();
  for (const line of lines) {
    const [stamp, gc, gg] = line.split(',');
    byKey.set(stamp.slice(0, 16), { load: Number(gc) * 2000, pv: Number(gg) * 2000 });
  }
  const at = (utcMs: number): { load: number; pv: number } => {
    const local = new Date(utcMs + localOffsetMs(utcMs));
    const month = local.getUTCMonth() + 1;
    const year = month >= 7 ? 2011 : 2012;
    const pad = (v: number): string => String(v).padStart(2, '0');
    const key = `${year}-${pad(month)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${local.getUTCMinutes() < 30 ? '00' : '30'}`;
    const row = byKey.get(key);
    if (!row) throw new Error(`Ausgrid data has no half-hour ${key}`);
    return row;
  };
  return {
    loadW: (utcMs) => at(utcMs).load,
    pvW: (utcMs, kWp) => at(utcMs).pv * kWp / AUSGRID_KWP,
  };
}
