/**
 * Amber's `/sites/{id}/prices/current` answer, unchanged: a flat array of intervals of any
 * length (5, 15, 30 min), channels told apart by `channelType`, `ActualInterval`s (the past)
 * ignored. Forecast intervals are priced at `advancedPrice.predicted` when present (Amber's own
 * forecast), the interval containing now at its `perKwh`. Feed-in keeps Amber's sign: what the
 * user pays per kWh exported (negative = earns).
 */
import { PlanInputError, shown } from './errors';
import { parseIso } from './iso';

const MINUTE_MS = 60_000;

export interface ChannelInterval {
  startMs: number;
  endMs: number;
  /** c/kWh: `perKwh` (used for the interval containing now). */
  perKwh: number;
  /** c/kWh: `advancedPrice.predicted` when present, else `perKwh`. */
  forecastCents: number;
  estimate: boolean;
}

export interface AmberChannels {
  general: ChannelInterval[];
  /** null: the answer has no feed-in channel. */
  feedIn: ChannelInterval[] | null;
}

export function readAmberChannels(prices: unknown): AmberChannels {
  if (!Array.isArray(prices)) {
    throw new PlanInputError('prices', `must be Amber's /sites/{id}/prices/current answer (an array of intervals), got ${shown(prices)}`);
  }
  const general: ChannelInterval[] = [];
  const feedIn: ChannelInterval[] = [];
  prices.forEach((item: unknown, index: number) => {
    const field = `prices[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new PlanInputError(field, `must be an Amber interval object, got ${shown(item)}`);
    const it = item as Record<string, unknown>;
    if (it.type === 'ActualInterval') return;
    const list = it.channelType === 'general' ? general : it.channelType === 'feedIn' ? feedIn : null;
    if (list === null) return;
    list.push(readInterval(it, field));
  });
  if (general.length === 0) throw new PlanInputError('prices', 'has no general interval that is current or forecast');
  const byStart = (a: ChannelInterval, b: ChannelInterval): number => a.startMs - b.startMs || a.endMs - b.endMs;
  general.sort(byStart);
  feedIn.sort(byStart);
  return { general, feedIn: feedIn.length ? feedIn : null };
}

function readInterval(it: Record<string, unknown>, field: string): ChannelInterval {
  const perKwh = it.perKwh;
  if (typeof perKwh !== 'number' || !Number.isFinite(perKwh)) throw new PlanInputError(`${field}.perKwh`, `must be a number of c/kWh, got ${shown(perKwh)}`);
  const start = parseIso(it.startTime);
  if (start === null) throw new PlanInputError(`${field}.startTime`, `must be an ISO time with a zone, got ${shown(it.startTime)}`);
  const endMs = parseIso(it.endTime);
  if (endMs === null) throw new PlanInputError(`${field}.endTime`, `must be an ISO time with a zone, got ${shown(it.endTime)}`);
  // Amber's start carries one second (…:30:01Z); the interval starts on the minute.
  const startMs = Math.floor(start / MINUTE_MS) * MINUTE_MS;
  if (endMs <= startMs) throw new PlanInputError(`${field}.endTime`, `ends (${shown(it.endTime)}) before it starts (${shown(it.startTime)})`);
  let forecastCents = perKwh;
  const advanced = it.advancedPrice;
  if (advanced !== undefined && advanced !== null) {
    if (typeof advanced !== 'object') throw new PlanInputError(`${field}.advancedPrice`, `must be {low, predicted, high}, got ${shown(advanced)}`);
    const predicted = (advanced as Record<string, unknown>).predicted;
    if (predicted !== undefined && predicted !== null) {
      if (typeof predicted !== 'number' || !Number.isFinite(predicted)) {
        throw new PlanInputError(`${field}.advancedPrice.predicted`, `must be a number of c/kWh, got ${shown(predicted)}`);
      }
      forecastCents = predicted;
    }
  }
  return { startMs, endMs, perKwh: perKwh + 0, forecastCents: forecastCents + 0, estimate: it.estimate === true };
}

/**
 * The interval of `list` that contains `t`, the shortest when several do (a 5-minute interval
 * inside a 30-minute one is the finer price). The list is sorted by start.
 */
export function intervalAt(list: readonly ChannelInterval[], t: number): ChannelInterval | null {
  let found: ChannelInterval | null = null;
  for (const it of list) {
    if (it.startMs > t) break;
    if (t < it.endMs && (found === null || it.endMs - it.startMs < found.endMs - found.startMs)) found = it;
  }
  return found;
}
