/**
 * Prices for the current interval, from Amber's `/sites/{id}/prices/current` array or from Home
 * Assistant's Amber sensors. Both end up in Amber's units and sign: c/kWh, and feed-in is what the
 * user PAYS per kWh exported (-8.3 = the user earns 8.3 c/kWh).
 */
import { describeValue, isPlainObject, ownField } from '../util/objects';
import { parseIsoWithZone } from './iso-time';

export interface PriceInput {
  generalCents: number;
  /** Amber's sign: what the user pays per kWh exported. null = the site has no feed-in channel. */
  feedInCents: number | null;
  estimate: boolean;
  spike: boolean;
  startMs: number;
  endMs: number;
  /** The interval's length (5, 15 or 30), not what is left of it. */
  durationMinutes: number;
}

export class PriceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceError';
  }
}

const MINUTE_MS = 60_000;
/** Amber's intervals are 5 or 30 minutes long; a longer one is not a price interval. */
export const MAX_INTERVAL_MINUTES = 30;
/** An interval ending further ahead than this is not the current one. */
export const MAX_END_AHEAD_MS = 24 * 60 * MINUTE_MS;
/** No real price comes near this (the market cap is about 1,700 c/kWh); beyond it the input is broken. */
export const MAX_PRICE_CENTS = 100_000;
export const AMBER_CHANNELS: readonly string[] = ['general', 'feedIn', 'controlledLoad'];

interface Interval {
  perKwh: number;
  startMs: number;
  endMs: number;
  durationMinutes: number;
  estimate: boolean;
  spike: boolean;
}

export function readAmberPrices(payload: unknown, nowMs: number): PriceInput {
  if (!Array.isArray(payload)) {
    throw new PriceError(`Amber prices must be the array from /sites/{id}/prices/current (parsed JSON), got ${describeValue(payload)}`);
  }
  const general = pickInterval(payload, 'general', nowMs);
  if (general === null) throw new PriceError(`Amber prices have no general interval for now (${new Date(nowMs).toISOString()})`);
  const feedIn = pickInterval(payload, 'feedIn', nowMs);
  checkChannels(payload);
  return {
    generalCents: general.perKwh,
    feedInCents: feedIn === null ? null : feedIn.perKwh,
    estimate: general.estimate || (feedIn?.estimate ?? false),
    spike: general.spike || (feedIn?.spike ?? false),
    // Should the channels disagree, the decision holds only while both prices do.
    startMs: Math.max(general.startMs, feedIn?.startMs ?? -Infinity),
    endMs: Math.min(general.endMs, feedIn?.endMs ?? Infinity),
    durationMinutes: general.durationMinutes,
  };
}

/**
 * The channel's CurrentInterval, or failing that the one whose bounds contain now; null when the
 * array has no interval of that channel at all. A chosen interval that is malformed or not for
 * now is an error, never skipped.
 */
function pickInterval(items: unknown[], channel: string, nowMs: number): Interval | null {
  const ofChannel = items.filter((it): it is Record<string, unknown> => isPlainObject(it) && ownField(it, 'channelType') === channel);
  if (ofChannel.length === 0) return null;
  const current = ofChannel.filter((it) => ownField(it, 'type') === 'CurrentInterval');
  const candidates = current.length > 0 ? current : ofChannel;
  const containing = candidates.filter((it) => {
    const b = bounds(it);
    return b !== null && b.startMs <= nowMs && nowMs < b.endMs;
  });
  if (containing.length > 1) throw new PriceError(`Amber prices have ${containing.length} ${channel} intervals for now`);
  if (containing.length === 1) return readInterval(containing[0], channel, nowMs);
  if (current.length === 1) {
    readInterval(current[0], channel, nowMs); // reports a malformed interval before a stale one
    const b = bounds(current[0]);
    throw new PriceError(`the ${channel} CurrentInterval (${iso(b?.startMs)} to ${iso(b?.endMs)}) does not contain now (${iso(nowMs)}); the prices are stale`);
  }
  throw new PriceError(`Amber prices have no ${channel} interval for now (${iso(nowMs)})`);
}

function readInterval(it: Record<string, unknown>, channel: string, nowMs: number): Interval {
  const perKwh = ownField(it, 'perKwh');
  if (typeof perKwh !== 'number' || !Number.isFinite(perKwh)) throw new PriceError(`the ${channel} perKwh must be a number (c/kWh), got ${describeValue(perKwh)}`);
  if (Math.abs(perKwh) > MAX_PRICE_CENTS) throw new PriceError(`the ${channel} perKwh ${describeValue(perKwh)} c/kWh is beyond ±${MAX_PRICE_CENTS}: not a price`);
  const b = bounds(it);
  if (b === null) {
    throw new PriceError(`the ${channel} interval needs startTime and endTime as ISO times, got ${describeValue(ownField(it, 'startTime'))} and ${describeValue(ownField(it, 'endTime'))}`);
  }
  if (b.endMs <= b.startMs) throw new PriceError(`the ${channel} interval ends (${iso(b.endMs)}) before it starts (${iso(b.startMs)})`);
  if (b.endMs - b.startMs > MAX_INTERVAL_MINUTES * MINUTE_MS) {
    throw new PriceError(`the ${channel} interval ${iso(b.startMs)} to ${iso(b.endMs)} is longer than ${MAX_INTERVAL_MINUTES} minutes: not a price interval`);
  }
  if (b.endMs > nowMs + MAX_END_AHEAD_MS) throw new PriceError(`the ${channel} interval ends ${iso(b.endMs)}, more than 24 hours ahead`);
  const estimate = ownField(it, 'estimate');
  if (estimate !== undefined && estimate !== null && typeof estimate !== 'boolean') {
    throw new PriceError(`the ${channel} estimate must be true or false, got ${describeValue(estimate)}`);
  }
  const duration = ownField(it, 'duration');
  const durationMinutes = typeof duration === 'number' && Number.isInteger(duration) && duration > 0 ? duration : Math.round((b.endMs - b.startMs) / MINUTE_MS);
  const spikeStatus = ownField(it, 'spikeStatus');
  const descriptor = ownField(it, 'descriptor');
  return {
    perKwh: perKwh + 0,
    ...b,
    durationMinutes,
    estimate: estimate === true,
    spike: spikeStatus === 'spike' || descriptor === 'spike',
  };
}

/**
 * Every interval must be of one of Amber's channels: one of another channel is reported, never
 * skipped. Items that are not objects carry no price at all and are passed over.
 */
function checkChannels(items: unknown[]): void {
  items.forEach((it, i) => {
    if (!isPlainObject(it)) return;
    const channel = ownField(it, 'channelType');
    if (typeof channel !== 'string' || !AMBER_CHANNELS.includes(channel)) {
      throw new PriceError(`Amber prices item ${i} has channelType ${describeValue(channel)}, not one of ${AMBER_CHANNELS.join(', ')}`);
    }
  });
}

/** Amber's startTime carries one second (22:30:01Z); the interval starts on the minute. */
function bounds(it: Record<string, unknown>): { startMs: number; endMs: number } | null {
  const start = ownField(it, 'startTime');
  const end = ownField(it, 'endTime');
  const startMs = typeof start === 'string' ? parseIsoWithZone(start) : null;
  const endMs = typeof end === 'string' ? parseIsoWithZone(end) : null;
  if (startMs === null || endMs === null) return null;
  return { startMs: Math.floor(startMs / MINUTE_MS) * MINUTE_MS, endMs };
}

export const HA_INTERVALS = [5, 15, 30] as const;

/**
 * Home Assistant's Amber sensors: `{general, feedIn, estimate?, spike?}` in $/kWh with feed-in
 * multiplied by -1 (positive = earning). Converted back to Amber's c/kWh and sign. HA gives no
 * interval bounds, so the interval is the clock's current `intervalMinutes` block.
 */
export function readHomeAssistantPrices(payload: unknown, nowMs: number, intervalMinutes: number): PriceInput {
  if (!(HA_INTERVALS as readonly number[]).includes(intervalMinutes)) {
    throw new PriceError(`the price interval must be ${HA_INTERVALS.join(', ')} minutes, got ${describeValue(intervalMinutes)}`);
  }
  if (!isPlainObject(payload)) {
    throw new PriceError(`Home Assistant prices must be an object {general, feedIn} in $/kWh, got ${describeValue(payload)}`);
  }
  const general = dollars(ownField(payload, 'general'), 'general');
  const feedInRaw = ownField(payload, 'feedIn');
  const feedIn = feedInRaw === undefined || feedInRaw === null ? null : dollars(feedInRaw, 'feedIn');
  const blockMs = intervalMinutes * MINUTE_MS;
  const startMs = Math.floor(nowMs / blockMs) * blockMs;
  for (const [field, cents] of [['general', toCents(general)], ['feedIn', feedIn === null ? 0 : toCents(feedIn)]] as const) {
    if (Math.abs(cents) > MAX_PRICE_CENTS) throw new PriceError(`Home Assistant ${field} is beyond ±${MAX_PRICE_CENTS / 100} $/kWh: not a price`);
  }
  return {
    generalCents: toCents(general),
    feedInCents: feedIn === null ? null : toCents(-feedIn),
    estimate: flag(ownField(payload, 'estimate'), 'estimate'),
    spike: flag(ownField(payload, 'spike'), 'spike'),
    startMs,
    endMs: startMs + blockMs,
    durationMinutes: intervalMinutes,
  };
}

function dollars(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const hint = typeof value === 'string' ? ' (Home Assistant states are text: convert them to numbers first)' : '';
    throw new PriceError(`Home Assistant ${field} must be a number in $/kWh, got ${describeValue(value)}${hint}`);
  }
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new PriceError(`Home Assistant ${field} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** $ → c, without the float noise of ×100 (0.2451 × 100 = 24.509999…), and never -0. */
function toCents(dollarsPerKwh: number): number {
  return Math.round(dollarsPerKwh * 100 * 1e6) / 1e6 + 0;
}

function iso(ms: number | undefined): string {
  return ms === undefined ? '?' : new Date(ms).toISOString();
}
