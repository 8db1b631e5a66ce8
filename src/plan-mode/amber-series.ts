/**
 * The prices a plan is made on, read from an Amber answer the way the planner reads it: ActualIntervals
 * ignored, the current interval at its own `perKwh`, forecasts at `advancedPrice.predicted` when
 * present, channels paired by start time.
 */
import { isPlainObject, ownField } from './fields';

export interface PricePoint {
  startMs: number;
  endMs: number;
  generalCents: number;
  /** Amber's sign: what the user pays per kWh exported; null when the answer has no feed-in for this interval. */
  feedInCents: number | null;
}

const MINUTE_MS = 60_000;

export function priceSeries(prices: readonly unknown[]): PricePoint[] {
  const byStart = new Map<number, { general?: number; feedIn?: number; endMs: number }>();
  for (const item of prices) {
    if (!isPlainObject(item)) continue;
    const type = ownField(item, 'type');
    const channel = ownField(item, 'channelType');
    if (type === 'ActualInterval' || (channel !== 'general' && channel !== 'feedIn')) continue;
    const startMs = minuteFloor(Date.parse(String(ownField(item, 'startTime'))));
    const endMs = Date.parse(String(ownField(item, 'endTime')));
    const price = priceOf(item, type === 'CurrentInterval');
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || price === null) continue;
    const entry = byStart.get(startMs) ?? { endMs };
    entry[channel] = price;
    byStart.set(startMs, entry);
  }
  return [...byStart.entries()]
    .filter(([, e]) => e.general !== undefined)
    .sort(([a], [b]) => a - b)
    .map(([startMs, e]) => ({ startMs, endMs: e.endMs, generalCents: e.general as number, feedInCents: e.feedIn ?? null }));
}

/** The point whose bounds contain `ms`, or null. */
export function pointAt(series: PricePoint[], ms: number): PricePoint | null {
  return series.find((p) => p.startMs <= ms && ms < p.endMs) ?? null;
}

function priceOf(item: Record<string, unknown>, current: boolean): number | null {
  const advanced = ownField(item, 'advancedPrice');
  const predicted = !current && isPlainObject(advanced) ? ownField(advanced, 'predicted') : undefined;
  const value = typeof predicted === 'number' ? predicted : ownField(item, 'perKwh');
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Amber's startTime carries one second (…:00:01Z). */
function minuteFloor(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
