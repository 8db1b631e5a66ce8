/**
 * What Amber's `/sites/{id}/prices/current` would have answered at a moment of a real month,
 * in Amber's own format (startTime one second past the minute, both channels, ActualIntervals
 * first), under a forecast condition:
 * - `true`: every interval of the next 24 h at its true 5-minute price;
 * - `realistic`: the true price for the next hour (5-minute intervals), then 30-minute intervals
 *   at the mean spot price with every 5-minute price capped at SPIKE_CAP_CENTS (a forecast does
 *   not see spikes coming), plus seeded noise whose spread grows with the distance ahead.
 */
import { amberFeedIn, amberGeneral, type PriceMonth } from './pricing-data';
import type { AmberPriceInterval } from '../../src/plan';

export type ForecastCondition = 'true' | 'realistic';

const FIVE_MIN_MS = 300_000;
const HALF_HOUR_MS = 1_800_000;
const HORIZON_MS = 24 * 3_600_000;
/** $300/MWh as c/kWh with GST. */
export const SPIKE_CAP_CENTS = 33;
/** Amber shows a spike from about this spot price (c/kWh); the threshold policy discharges on it. */
const SPIKE_FROM_CENTS = 33;

/** sd of the forecast's spot error, c/kWh: 1.5 plus 0.5 per hour ahead. */
function noiseSd(leadHours: number): number {
  return 1.5 + 0.5 * leadHours;
}

function hash(a: number, b: number, seed: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ seed;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A standard normal, fixed by (a, b, seed). */
function gaussian(a: number, b: number, seed: number): number {
  const u1 = (hash(a, b, seed) + 1) / 4294967297;
  const u2 = (hash(b, a, seed ^ 0x5bd1e995) + 1) / 4294967297;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function interval(type: string, channelType: 'general' | 'feedIn', startMs: number, endMs: number, spot: number): AmberPriceInterval {
  const perKwh = channelType === 'general' ? amberGeneral(spot) : amberFeedIn(spot, startMs);
  const spike = spot >= SPIKE_FROM_CENTS;
  return {
    type,
    duration: (endMs - startMs) / 60_000,
    startTime: iso(startMs + 1000),
    endTime: iso(endMs),
    nemTime: iso(endMs + 10 * 3_600_000).replace('Z', '+10:00'),
    perKwh: Math.round(perKwh * 1e5) / 1e5,
    spotPerKwh: Math.round(spot * 1e5) / 1e5,
    channelType,
    spikeStatus: spike ? 'spike' : 'none',
    descriptor: spike ? 'spike' : 'neutral',
    ...(type === 'CurrentInterval' ? { estimate: false } : {}),
  };
}

/** The answer at 5-minute step `k` of the month (now = its start). `seed` varies the noise. */
export function amberAnswer(month: PriceMonth, k: number, condition: ForecastCondition, seed = 1): AmberPriceInterval[] {
  const n = month.spotCents.length;
  const nowMs = month.startMs + k * FIVE_MIN_MS;
  const spans: { type: string; startMs: number; endMs: number; spot: number }[] = [];
  for (let j = Math.max(0, k - 2); j < k; j++) spans.push({ type: 'ActualInterval', startMs: month.startMs + j * FIVE_MIN_MS, endMs: month.startMs + (j + 1) * FIVE_MIN_MS, spot: month.spotCents[j] });
  const horizonEnd = Math.min(nowMs + HORIZON_MS, month.startMs + n * FIVE_MIN_MS);
  const fineEnd = condition === 'true' ? horizonEnd : Math.min(horizonEnd, Math.ceil((nowMs + 3_600_000) / HALF_HOUR_MS) * HALF_HOUR_MS);
  let t = nowMs;
  for (; t < fineEnd; t += FIVE_MIN_MS) {
    const j = (t - month.startMs) / FIVE_MIN_MS;
    spans.push({ type: t === nowMs ? 'CurrentInterval' : 'ForecastInterval', startMs: t, endMs: t + FIVE_MIN_MS, spot: month.spotCents[j] });
  }
  const issueHour = Math.floor(nowMs / 3_600_000);
  for (; t + HALF_HOUR_MS <= horizonEnd; t += HALF_HOUR_MS) {
    const j0 = (t - month.startMs) / FIVE_MIN_MS;
    let sum = 0;
    for (let j = j0; j < j0 + 6; j++) sum += Math.min(month.spotCents[j], SPIKE_CAP_CENTS);
    const leadHours = (t - nowMs) / 3_600_000;
    // Most of the error stays with the target interval; some is revised with every hourly issue.
    const z = 0.8 * gaussian(j0, 0, seed) + 0.6 * gaussian(j0, issueHour, seed);
    spans.push({ type: 'ForecastInterval', startMs: t, endMs: t + HALF_HOUR_MS, spot: sum / 6 + noiseSd(leadHours) * z });
  }
  const out: AmberPriceInterval[] = [];
  for (const s of spans) out.push(interval(s.type, 'general', s.startMs, s.endMs, s.spot));
  for (const s of spans) out.push(interval(s.type, 'feedIn', s.startMs, s.endMs, s.spot));
  return out;
}
