/**
 * The simulated Amber `/sites/{id}/prices/current` answer: the real AEMO month through the fitted
 * tariff, on the simulator's clock. Actual and current intervals and the first hour of forecasts
 * are 5 minutes long and true; beyond that, 30-minute forecasts that are noisy (more so further
 * out), sometimes miss a spike and sometimes see one that never comes. The noise is seeded and
 * revised every 30 minutes, like AEMO's pre-dispatch, so the same clock gives the same answer.
 */
import type { AemoMonth } from './amber-aemo';
import { NEM_OFFSET_MS } from './amber-aemo';
import type { AmberSiteDef } from './amber-sites';
import {
  SPIKE_RRP, feedInCents, feedInDescriptor, generalCents, generalDescriptor, renewablesPct, round5, spotCents,
  type Descriptor, type SpikeStatus,
} from './amber-tariff';
import { noise } from './noise';
import type { ForecastModel } from './amber-forecast-model';


export type ChannelType = 'general' | 'feedIn';
export type IntervalType = 'ActualInterval' | 'CurrentInterval' | 'ForecastInterval';

export interface AmberInterval {
  type: IntervalType;
  date: string;
  duration: 5 | 30;
  startTime: string;
  endTime: string;
  nemTime: string;
  perKwh: number;
  renewables: number;
  spotPerKwh: number;
  channelType: ChannelType;
  spikeStatus: SpikeStatus;
  tariffInformation?: { demandWindow: boolean };
  descriptor: Descriptor;
  estimate?: boolean;
  advancedPrice?: { low: number; predicted: number; high: number };
  range?: { min: number; max: number };
}


const MINUTE_MS = 60_000;
const FIVE_MS = 5 * MINUTE_MS;
const THIRTY_MS = 30 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Amber's own forecast (advancedPrice) reaches a day ahead. */
const ADVANCED_HORIZON_MS = DAY_MS;

/** A wholesale price with Amber's band around it, $/MWh. */
interface SpotBand {
  rrp: number;
  low: number;
  high: number;
}

interface Slot {
  type: IntervalType;
  startMs: number;
  durationMs: number;
  /** What this answer says the price is. */
  rrp: number;
  spikeStatus: SpikeStatus;
  estimate?: boolean;
  advanced?: SpotBand;
  range?: SpotBand;
}

/** The seconds from the start of the 5-minute interval at `startMs` during which its price is an estimate. */
export function estimateSeconds(model: ForecastModel, site: AmberSiteDef, startMs: number): number {
  const span = Math.max(0, model.estimateMaxSeconds - 30);
  return 30 + Math.floor(noise(`${model.seed}|${site.id}|estimate`, startMs / FIVE_MS) * (span + 1));
}

/**
 * The answer at simulated time `nowMs`: `previous` actual intervals, the current one and up to
 * `next` forecasts (no further than the end of the next NEM day), general first, then feed-in.
 */
export function priceIntervals(
  month: AemoMonth, site: AmberSiteDef, model: ForecastModel, nowMs: number, next: number, previous: number,
): AmberInterval[] {
  const slots = buildSlots(month, site, model, nowMs, next, previous);
  return [
    ...slots.map((s) => toInterval(s, 'general', site)),
    ...slots.map((s) => toInterval(s, 'feedIn', site)),
  ];
}

function buildSlots(month: AemoMonth, site: AmberSiteDef, model: ForecastModel, nowMs: number, next: number, previous: number): Slot[] {
  const currentStart = Math.floor(nowMs / FIVE_MS) * FIVE_MS;
  const slots: Slot[] = [];
  for (let k = previous; k >= 1; k--) {
    const startMs = currentStart - k * FIVE_MS;
    const rrp = month.rrpAt(startMs);
    slots.push({ type: 'ActualInterval', startMs, durationMs: FIVE_MS, rrp, spikeStatus: rrp >= SPIKE_RRP ? 'spike' : 'none' });
  }
  slots.push(currentSlot(month, site, model, nowMs, currentStart));

  const nearEnd = Math.ceil((currentStart + FIVE_MS + model.nearTermMinutes * MINUTE_MS) / THIRTY_MS) * THIRTY_MS;
  const nemDayStart = Math.floor((nowMs + NEM_OFFSET_MS) / DAY_MS) * DAY_MS - NEM_OFFSET_MS;
  const horizonEnd = nemDayStart + 2 * DAY_MS;
  let t = currentStart + FIVE_MS;
  for (let n = 0; n < next && t < horizonEnd; n++) {
    if (t < nearEnd) {
      slots.push(nearSlot(month, site, model, nowMs, t));
      t += FIVE_MS;
    } else {
      slots.push(farSlot(month, site, model, nowMs, t));
      t += THIRTY_MS;
    }
  }
  return slots;
}

function currentSlot(month: AemoMonth, site: AmberSiteDef, model: ForecastModel, nowMs: number, startMs: number): Slot {
  const truth = month.rrpAt(startMs);
  const estimate = nowMs - startMs < estimateSeconds(model, site, startMs) * 1000;
  const key = `${model.seed}|${site.id}|current`;
  const z = gaussian(key, startMs / FIVE_MS);
  const rrp = estimate ? truth + (Math.abs(truth) * 0.08 + 4) * z : truth;
  return {
    type: 'CurrentInterval', startMs, durationMs: FIVE_MS, rrp, estimate,
    spikeStatus: rrp >= SPIKE_RRP ? 'spike' : 'none',
    advanced: band(rrp, 0.04),
  };
}

function nearSlot(month: AemoMonth, site: AmberSiteDef, model: ForecastModel, nowMs: number, startMs: number): Slot {
  const rrp = month.rrpAt(startMs);
  const key = `${model.seed}|${site.id}|${issue(nowMs)}|near`;
  const predicted = rrp * (1 + 0.02 * gaussian(key, startMs / FIVE_MS));
  return { type: 'ForecastInterval', startMs, durationMs: FIVE_MS, rrp, spikeStatus: rrp >= SPIKE_RRP ? 'potential' : 'none', advanced: band(predicted, 0.06) };
}

function farSlot(month: AemoMonth, site: AmberSiteDef, model: ForecastModel, nowMs: number, startMs: number): Slot {
  const truth = Array.from({ length: 6 }, (_, i) => month.rrpAt(startMs + i * FIVE_MS));
  const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
  const spikes = truth.some((r) => r >= SPIKE_RRP);
  const key = `${model.seed}|${site.id}|${issue(nowMs)}`;
  const n = startMs / FIVE_MS;
  const leadMs = startMs - nowMs;
  const sigma = model.farNoise * Math.min(1, 0.5 + leadMs / DAY_MS / 2);
  const missed = spikes && noise(`${key}|miss`, n) < model.spikeMissRate;
  const base = missed ? median(truth) : mean;
  let rrp = base * (1 + sigma * gaussian(`${key}|rel`, n)) + 20 * sigma * gaussian(`${key}|abs`, n);
  const localHour = localMinuteOfDay(site, startMs) / 60;
  if (!spikes && localHour >= 16 && localHour < 21 && noise(`${key}|phantom`, n) < model.phantomSpikeRate) {
    rrp = SPIKE_RRP + 700 * noise(`${key}|phantomSize`, n);
  }
  const predicted = base * (1 + 0.6 * sigma * gaussian(`${key}|adv`, n));
  const spread = band(rrp, sigma * 1.5);
  return {
    type: 'ForecastInterval', startMs, durationMs: THIRTY_MS, rrp,
    spikeStatus: spread.high >= SPIKE_RRP ? 'potential' : 'none',
    ...(leadMs < ADVANCED_HORIZON_MS ? { advanced: band(predicted, sigma * 1.5) } : { range: spread }),
  };
}

function band(rrp: number, relative: number): SpotBand {
  const width = Math.abs(rrp) * relative + 5 + 40 * relative;
  return { rrp, low: rrp - width, high: rrp + width };
}

function toInterval(slot: Slot, channel: ChannelType, site: AmberSiteDef): AmberInterval {
  const localMinute = localMinuteOfDay(site, slot.startMs);
  const price = (rrp: number): number => {
    const spot = spotCents(rrp);
    return round5(channel === 'general' ? generalCents(spot) : feedInCents(spot, localMinute));
  };
  const spot = spotCents(slot.rrp);
  const perKwh = price(slot.rrp);
  const endMs = slot.startMs + slot.durationMs;
  const interval: AmberInterval = {
    type: slot.type,
    date: isoDate(slot.startMs + NEM_OFFSET_MS),
    duration: slot.durationMs === FIVE_MS ? 5 : 30,
    startTime: isoSecondsZ(slot.startMs + 1000),
    endTime: isoSecondsZ(endMs),
    nemTime: `${isoSecondsZ(endMs + NEM_OFFSET_MS).slice(0, -1)}+10:00`,
    perKwh,
    renewables: renewablesPct(localMinute, noise(`renewables|${site.id}`, slot.startMs / FIVE_MS)),
    spotPerKwh: round5(spot),
    channelType: channel,
    spikeStatus: slot.spikeStatus,
    ...(channel === 'general' ? { tariffInformation: { demandWindow: false } } : {}),
    descriptor: channel === 'general' ? generalDescriptor(perKwh, spot) : feedInDescriptor(perKwh, spot),
    ...(slot.estimate !== undefined ? { estimate: slot.estimate } : {}),
  };
  if (slot.advanced) interval.advancedPrice = { low: price(slot.advanced.low), predicted: price(slot.advanced.rrp), high: price(slot.advanced.high) };
  if (slot.range) interval.range = { min: round5(spotCents(slot.range.low)), max: round5(spotCents(slot.range.high)) };
  return interval;
}

function issue(nowMs: number): number {
  return Math.floor(nowMs / THIRTY_MS);
}

/** A standard normal deviate from two seeded uniforms (Box–Muller). */
function gaussian(key: string, n: number): number {
  const u1 = Math.max(noise(`${key}|u1`, n), 1e-12);
  const u2 = noise(`${key}|u2`, n);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function localMinuteOfDay(site: AmberSiteDef, ms: number): number {
  const local = ms + site.utcOffsetMinutes * MINUTE_MS;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

function isoSecondsZ(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
