/**
 * From the wholesale price to Amber's prices, as fitted to a real Amber answer in
 * `data/pricing/SOURCES.md`: spot = RRP / 10 × 1.1 (c/kWh with GST), general = 1.0457 × spot + 7.200,
 * feed-in = −1.0139 × spot + 0.462, less 2.461 for intervals that start between 16:00 and 21:00
 * local time. Feed-in keeps Amber's sign: negative = the user earns.
 */

/** At or above this RRP ($/MWh) the simulator calls an interval a spike. */
export const SPIKE_RRP = 300;
export const SPIKE_SPOT_CENTS = spotCents(SPIKE_RRP);

export type Descriptor = 'extremelyLow' | 'veryLow' | 'low' | 'neutral' | 'high' | 'spike';
export type SpikeStatus = 'none' | 'potential' | 'spike';

export function spotCents(rrp: number): number {
  return (rrp / 10) * 1.1;
}

export function generalCents(spot: number): number {
  return 1.0457 * spot + 7.2;
}

/** `localMinuteOfDay`: when the interval starts, in the site's local time. */
export function feedInCents(spot: number, localMinuteOfDay: number): number {
  const evening = localMinuteOfDay >= 16 * 60 && localMinuteOfDay < 21 * 60;
  return -1.0139 * spot + 0.462 - (evening ? 2.461 : 0);
}

/** Amber gives prices to five decimals. */
export function round5(value: number): number {
  return Math.round(value * 1e5) / 1e5 + 0;
}

/**
 * The simulator's descriptor bands, read off the real answer (general: extremelyLow once spot is
 * negative; feed-in: high once it earns about 4.6 c, extremelyLow once exporting costs).
 */
export function generalDescriptor(perKwh: number, spot: number): Descriptor {
  if (spot >= SPIKE_SPOT_CENTS) return 'spike';
  if (spot < 0) return 'extremelyLow';
  if (perKwh < 22) return 'veryLow';
  if (perKwh < 30) return 'low';
  if (perKwh < 40) return 'neutral';
  return 'high';
}

export function feedInDescriptor(perKwh: number, spot: number): Descriptor {
  if (spot >= SPIKE_SPOT_CENTS) return 'spike';
  const earns = -perKwh;
  if (earns < -0.5) return 'extremelyLow';
  if (earns < 4.6) return 'low';
  return 'high';
}

/** Grid renewables share by local time of day: low at night, high around noon. */
export function renewablesPct(localMinuteOfDay: number, wobble: number): number {
  const hour = localMinuteOfDay / 60;
  const sun = Math.max(0, Math.sin((Math.PI * (hour - 6)) / 13));
  return Math.round(Math.min(100, Math.max(0, 12 + 66 * sun ** 1.2 + (wobble - 0.5) * 6)) * 1000) / 1000;
}
