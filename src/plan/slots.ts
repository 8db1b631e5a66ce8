/**
 * The slot grid over the horizon: from now, one slot per price interval (cut where the feed-in
 * price changes inside a general interval), each with its prices and the load/PV forecast
 * averaged over it. Intervals are steps, never interpolated. The grid ends at the horizon or at
 * the first gap in the prices.
 */
import { intervalAt, type AmberChannels } from './amber';
import { PlanInputError, shown } from './errors';
import { parseIso } from './iso';
import type { PlanForecastSlot } from './types';
import { DEFAULT_LOAD_W } from './defaults';

export interface Slot {
  startMs: number;
  endMs: number;
  hours: number;
  /** c/kWh paid per kWh imported. */
  generalCents: number;
  /** c/kWh paid per kWh exported (Amber's sign: negative = earns). */
  feedInCents: number;
  loadW: number;
  pvW: number;
}

interface ForecastRow {
  startMs: number;
  endMs: number;
  loadW: number;
  pvW: number;
}


export function buildSlots(nowMs: number, channels: AmberChannels, forecast: readonly ForecastRow[], horizonHours: number): Slot[] {
  const horizonEndMs = nowMs + horizonHours * 3_600_000;
  const current = intervalAt(channels.general, nowMs);
  if (current === null) {
    throw new PlanInputError('prices', `has no general interval containing now (${new Date(nowMs).toISOString()}); the prices are stale or for another time`);
  }
  if (channels.feedIn !== null && intervalAt(channels.feedIn, nowMs) === null) {
    throw new PlanInputError('prices', `has no feedIn interval containing now (${new Date(nowMs).toISOString()})`);
  }
  const defaultLoadW = defaultLoad(forecast);
  const slots: Slot[] = [];
  let t = nowMs;
  while (t < horizonEndMs) {
    const general = intervalAt(channels.general, t);
    if (general === null) break;
    const feedIn = channels.feedIn === null ? null : intervalAt(channels.feedIn, t);
    if (channels.feedIn !== null && feedIn === null) break;
    const endMs = Math.min(general.endMs, feedIn?.endMs ?? Infinity);
    const isCurrent = slots.length === 0;
    const { loadW, pvW } = forecastOver(forecast, t, endMs, defaultLoadW);
    slots.push({
      startMs: t,
      endMs,
      hours: (endMs - t) / 3_600_000,
      generalCents: isCurrent ? general.perKwh : general.forecastCents,
      feedInCents: feedIn === null ? 0 : isCurrent ? feedIn.perKwh : feedIn.forecastCents,
      loadW,
      pvW,
    });
    t = endMs;
  }
  return slots;
}

/** Where no forecast row covers a time: the mean of the given loads, or 500 W without any. */
function defaultLoad(rows: readonly ForecastRow[]): number {
  return rows.length ? rows.reduce((sum, row) => sum + row.loadW, 0) / rows.length : DEFAULT_LOAD_W;
}

/** Mean load and PV over [startMs, endMs) of a checked forecast (readForecast), as the planner sees them. */
export function meanForecastPower(rows: readonly ForecastRow[], startMs: number, endMs: number): { loadW: number; pvW: number } {
  return forecastOver(rows, startMs, endMs, defaultLoad(rows));
}

/** Time-weighted means over [startMs, endMs); where no row covers, no PV and the default load. */
function forecastOver(rows: readonly ForecastRow[], startMs: number, endMs: number, defaultLoadW: number): { loadW: number; pvW: number } {
  let covered = 0;
  let load = 0;
  let pv = 0;
  for (const row of rows) {
    if (row.startMs >= endMs) break;
    const overlap = Math.min(endMs, row.endMs) - Math.max(startMs, row.startMs);
    if (overlap <= 0) continue;
    covered += overlap;
    load += row.loadW * overlap;
    pv += row.pvW * overlap;
  }
  const span = endMs - startMs;
  const rest = Math.max(0, span - covered);
  return { loadW: (load + rest * defaultLoadW) / (covered + rest), pvW: pv / (covered + rest) };
}

/** The optional forecast, checked and sorted by start. */
export function readForecast(forecast: unknown): ForecastRow[] {
  if (forecast === undefined || forecast === null) return [];
  if (!Array.isArray(forecast)) throw new PlanInputError('forecast', `must be an array of {start, end, loadW, pvW}, got ${shown(forecast)}`);
  const rows = forecast.map((item: unknown, index: number): ForecastRow => {
    const field = `forecast[${index}]`;
    if (typeof item !== 'object' || item === null) throw new PlanInputError(field, `must be {start, end, loadW, pvW}, got ${shown(item)}`);
    const row = item as Partial<Record<keyof PlanForecastSlot, unknown>>;
    const startMs = parseIso(row.start);
    if (startMs === null) throw new PlanInputError(`${field}.start`, `must be an ISO time with a zone, got ${shown(row.start)}`);
    const endMs = parseIso(row.end);
    if (endMs === null || endMs <= startMs) throw new PlanInputError(`${field}.end`, `must be an ISO time with a zone after start, got ${shown(row.end)}`);
    for (const key of ['loadW', 'pvW'] as const) {
      const v = row[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new PlanInputError(`${field}.${key}`, `must be a number of W, 0 or more, got ${shown(v)}`);
    }
    return { startMs, endMs, loadW: row.loadW as number, pvW: row.pvW as number };
  });
  return rows.sort((a, b) => a.startMs - b.startMs);
}
