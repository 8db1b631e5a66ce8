/** Daily shapes of sunshine and house load, as functions of local time. */

export const MINUTES_PER_DAY = 1440;
const MINUTE_MS = 60_000;

/** Whole minutes since local midnight (0..1439) for a site at a fixed UTC offset. */
export function localMinuteOfDay(utcMs: number, utcOffsetMinutes: number): number {
  const m = Math.floor(utcMs / MINUTE_MS) + utcOffsetMinutes;
  return ((m % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** Local calendar day as a day count since 1970-01-01 (local), for per-day noise. */
export function localDayIndex(utcMs: number, utcOffsetMinutes: number): number {
  return Math.floor((Math.floor(utcMs / MINUTE_MS) + utcOffsetMinutes) / MINUTES_PER_DAY);
}

const SUNRISE_H = 6;
const SUNSET_H = 18;

/** Fraction of peak clear-sky PV output: 0 outside 06:00-18:00, a sin^1.5 bell peaking at 1 at noon. */
export function clearSkyFraction(localMinuteOfDay: number): number {
  const h = localMinuteOfDay / 60;
  if (h <= SUNRISE_H || h >= SUNSET_H) return 0;
  return Math.pow(Math.sin(((h - SUNRISE_H) / (SUNSET_H - SUNRISE_H)) * Math.PI), 1.5);
}

/** Gaussian bump in hours, measured around the clock so an evening peak wraps past midnight. */
function bump(h: number, centreH: number, widthH: number): number {
  let d = Math.abs(h - centreH);
  if (d > 12) d = 24 - d;
  return Math.exp(-(d * d) / (2 * widthH * widthH));
}

/**
 * House-load multiplier averaging about 1 over a day: about 0.55 overnight, a morning bump near
 * 07:00, a daytime plateau, and the largest peak in the evening (about 2 near 19:30).
 */
export function loadProfileFactor(localMinuteOfDay: number): number {
  const h = localMinuteOfDay / 60;
  const daytime = h > 7 && h < 18 ? Math.pow(Math.sin(((h - 7) / 11) * Math.PI), 2) : 0;
  return 0.55 + 0.4 * daytime + 0.7 * bump(h, 7, 1) + 1.3 * bump(h, 19.5, 1.5);
}
