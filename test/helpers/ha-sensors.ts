/**
 * Home Assistant sensor states as the HA nodes give them (`{entity_id, state, attributes}`), built in
 * the shapes docs/plan-mode.md documents: the Amber integration's price and forecast sensors ($/kWh,
 * feed-in sign flipped) from an Amber answer, and the Solcast integration's daily forecast sensors
 * (`detailedForecast`: half hours in kW).
 */
const HALF_HOUR = 1_800_000;

export interface HaState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}

/** PV of a clear day: `peakKW` at noon, nothing before 05:00 or after 19:00, hours counted from `dayStartMs` (local midnight). */
export function clearDayPvKW(ms: number, dayStartMs: number, peakKW: number): number {
  const hour = (((ms - dayStartMs) / 3_600_000) % 24 + 24) % 24;
  return hour < 5 || hour >= 19 ? 0 : Number((peakKW * Math.sin(((hour - 5) / 14) * Math.PI)).toFixed(4));
}

/**
 * One of the Solcast integration's daily sensors (`sensor.solcast_pv_forecast_forecast_today`, …):
 * 48 half hours from the local midnight `dayStartMs`, `period_start` in the zone `utcOffsetMinutes`,
 * estimate10/90 at 60 %/120 % of the estimate, `dampening_factor` when `dampening`.
 */
export function solcastDailySensor(entityId: string, dayStartMs: number, peakKW: number, o: { utcOffsetMinutes?: number; dampening?: boolean } = {}): HaState {
  const offset = o.utcOffsetMinutes ?? 600;
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  const local = (ms: number): string => new Date(ms + offset * 60_000).toISOString().replace(/\.000Z$/, zone);
  const detailedForecast = Array.from({ length: 48 }, (_, i) => {
    const t = dayStartMs + i * HALF_HOUR;
    const estimate = clearDayPvKW(t, dayStartMs, peakKW);
    return {
      period_start: local(t),
      ...(o.dampening ? { dampening_factor: 0.9 } : {}),
      pv_estimate10: Number((estimate * 0.6).toFixed(4)),
      pv_estimate: estimate,
      pv_estimate90: Number((estimate * 1.2).toFixed(4)),
    };
  });
  const totalKWh = detailedForecast.reduce((sum, p) => sum + p.pv_estimate / 2, 0);
  return { entity_id: entityId, state: totalKWh.toFixed(4), attributes: { detailedForecast, unit_of_measurement: 'kWh', device_class: 'energy' } };
}

type Interval = Record<string, unknown>;

/** An Amber interval as HA's Amber integration reports it: $/kWh rounded to the cent, feed-in multiplied by −1. */
function haDatum(i: Interval): Interval {
  const sign = i.channelType === 'feedIn' ? -1 : 1;
  const dollars = (cents: unknown): number => Math.round(Number(cents)) / 100;
  return {
    duration: i.duration, date: i.date, nem_date: i.nemTime, per_kwh: dollars(i.perKwh) * sign + 0,
    spot_per_kwh: dollars(i.spotPerKwh ?? 0), start_time: String(i.startTime).replace('Z', '+00:00'), end_time: String(i.endTime).replace('Z', '+00:00'),
    renewables: Math.round(Number(i.renewables ?? 0)), spike_status: i.spikeStatus ?? 'none', descriptor: i.descriptor ?? 'neutral',
  };
}

/** The four Amber sensors (general/feed-in price and forecast) of an Amber `/prices/current` answer, by entity id. */
export function amberSensors(answer: readonly Interval[], site = 'amber'): Record<string, HaState> {
  const out: Record<string, HaState> = {};
  for (const [channel, name] of [['general', 'general'], ['feedIn', 'feed_in']] as const) {
    const of = answer.filter((i) => i.channelType === channel);
    const current = of.find((i) => i.type === 'CurrentInterval');
    if (!current) throw new Error(`the answer has no ${channel} CurrentInterval`);
    const now = haDatum(current);
    out[`sensor.${site}_${name}_price`] = {
      entity_id: `sensor.${site}_${name}_price`, state: String(now.per_kwh), attributes: { ...now, estimate: current.estimate === true, channel_type: channel },
    };
    out[`sensor.${site}_${name}_forecast`] = {
      entity_id: `sensor.${site}_${name}_forecast`, state: String(now.per_kwh),
      attributes: { channel_type: channel, forecasts: of.filter((i) => i.type === 'ForecastInterval').map(haDatum) },
    };
  }
  return out;
}
