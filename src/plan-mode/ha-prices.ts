/**
 * Home Assistant's Amber sensors → the Amber `/prices/current` answer the planner takes.
 * HA's Amber integration reports $/kWh and multiplies feed-in prices (and their advanced prices) by
 * −1, so positive means earning there; Amber's answer is c/kWh and feed-in is what the user pays.
 * Spot prices and ranges are not sign-flipped by HA. See docs/plan-mode.md, "Home Assistant".
 *
 * Input (`msg.payload`): `{general, generalForecast, feedIn?, feedInForecast?}`, each the state
 * object of a sensor as the HA nodes give it (`{state, attributes}`) or its attributes alone:
 * `general`/`feedIn` the price sensors (the current interval), the `…Forecast` ones the forecast
 * sensors (`attributes.forecasts`).
 */
import type { AmberIntervalOut } from './amber-shape';
import { describeValue, isPlainObject, isoMs, isoSeconds, ownField } from './fields';
import { PlanInputError } from './plan-input-error';

type Channel = 'general' | 'feedIn';
type Fields = Record<string, unknown>;

const MAX_FORECASTS = 2000;

/** True when the payload looks like HA's sensors rather than Amber's array. */
export function isHomeAssistantPrices(payload: unknown): boolean {
  return isPlainObject(payload) && ownField(payload, 'general') !== undefined;
}

export function homeAssistantToAmber(payload: unknown): AmberIntervalOut[] {
  if (!isPlainObject(payload)) {
    throw new PlanInputError('payload', `Home Assistant prices must be an object {general, generalForecast, feedIn, feedInForecast}, got ${describeValue(payload)}`);
  }
  const out: AmberIntervalOut[] = [];
  for (const channel of ['general', 'feedIn'] as Channel[]) {
    const currentRaw = ownField(payload, channel);
    const forecastKey = `${channel}Forecast`;
    const forecastRaw = ownField(payload, forecastKey);
    if (currentRaw === undefined || currentRaw === null) {
      if (channel === 'general') throw new PlanInputError('general', 'general (the Amber general price sensor) is required');
      if (forecastRaw !== undefined && forecastRaw !== null) throw new PlanInputError('feedIn', 'feedInForecast is given without feedIn (the Amber feed-in price sensor)');
      continue;
    }
    if (typeof currentRaw === 'number' || typeof currentRaw === 'string') {
      throw new PlanInputError(channel, `${channel} must be the sensor's state object with its attributes (start_time, end_time, per_kwh), not the bare price ${describeValue(currentRaw)}`);
    }
    const current = attributesOf(currentRaw, channel);
    out.push(convert(current.attrs, channel, current.path, 'CurrentInterval'));
    if (forecastRaw === undefined || forecastRaw === null) {
      if (channel === 'general') throw new PlanInputError('generalForecast', 'generalForecast (the Amber general forecast sensor, whose attributes carry the forecasts) is required to plan');
      continue;
    }
    const forecast = attributesOf(forecastRaw, forecastKey);
    const forecasts = ownField(forecast.attrs, 'forecasts');
    const where = `${forecast.path}.forecasts`;
    if (!Array.isArray(forecasts)) throw new PlanInputError(where, `${where} must be the list of forecasts, got ${describeValue(forecasts)}`);
    if (forecasts.length > MAX_FORECASTS) throw new PlanInputError(where, `${where} has ${forecasts.length} entries, more than ${MAX_FORECASTS}`);
    forecasts.forEach((f, i) => {
      if (!isPlainObject(f)) throw new PlanInputError(`${where}[${i}]`, `${where}[${i}] must be an object, got ${describeValue(f)}`);
      out.push(convert(f, channel, `${where}[${i}]`, 'ForecastInterval'));
    });
  }
  return out;
}

/** The sensor's attributes and the path to them for error messages. */
function attributesOf(value: unknown, where: string): { attrs: Fields; path: string } {
  if (!isPlainObject(value)) throw new PlanInputError(where, `${where} must be a Home Assistant state object, got ${describeValue(value)}`);
  const attributes = ownField(value, 'attributes');
  if (attributes === undefined) return { attrs: value, path: where };
  if (!isPlainObject(attributes)) throw new PlanInputError(`${where}.attributes`, `${where}.attributes must be an object, got ${describeValue(attributes)}`);
  return { attrs: attributes, path: `${where}.attributes` };
}

function convert(f: Fields, channel: Channel, where: string, type: 'CurrentInterval' | 'ForecastInterval'): AmberIntervalOut {
  const at = (key: string): string => `${where}.${key}`;
  const sign = channel === 'feedIn' ? -1 : 1;
  const startMs = time(ownField(f, 'start_time'), at('start_time'));
  const endMs = time(ownField(f, 'end_time'), at('end_time'));
  if (endMs <= startMs) throw new PlanInputError(at('end_time'), `${at('end_time')} must be after ${at('start_time')}`);
  const perKwh = cents(ownField(f, 'per_kwh'), at('per_kwh'), true) * sign + 0;
  const duration = ownField(f, 'duration');
  const interval: AmberIntervalOut = {
    type,
    duration: typeof duration === 'number' && Number.isInteger(duration) && duration > 0 ? duration : Math.round((endMs - startMs + 1000) / 60_000),
    startTime: isoSeconds(startMs),
    endTime: isoSeconds(endMs),
    nemTime: nemTime(endMs),
    perKwh,
    channelType: channel,
  };
  const date = ownField(f, 'date');
  if (typeof date === 'string') interval.date = date;
  const spot = ownField(f, 'spot_per_kwh');
  if (spot !== undefined && spot !== null) interval.spotPerKwh = cents(spot, at('spot_per_kwh'), false);
  const renewables = ownField(f, 'renewables');
  if (typeof renewables === 'number') interval.renewables = renewables;
  const spike = ownField(f, 'spike_status');
  if (spike !== undefined && spike !== null) {
    if (spike !== 'none' && spike !== 'potential' && spike !== 'spike') throw new PlanInputError(at('spike_status'), `${at('spike_status')} must be none, potential or spike, got ${describeValue(spike)}`);
    interval.spikeStatus = spike;
  }
  const descriptor = ownField(f, 'descriptor');
  if (typeof descriptor === 'string') interval.descriptor = descriptor;
  if (type === 'CurrentInterval') {
    const estimate = ownField(f, 'estimate');
    if (estimate !== undefined && estimate !== null && typeof estimate !== 'boolean') throw new PlanInputError(at('estimate'), `${at('estimate')} must be true or false, got ${describeValue(estimate)}`);
    interval.estimate = estimate === true;
  }
  const advanced = advancedPrice(f, at, sign);
  if (advanced) interval.advancedPrice = advanced;
  const min = ownField(f, 'range_min');
  const max = ownField(f, 'range_max');
  if (min !== undefined && max !== undefined && min !== null && max !== null) {
    interval.range = { min: cents(min, at('range_min'), false), max: cents(max, at('range_max'), false) };
  }
  return interval;
}

/** HA core: `advanced_price_low/predicted/high` numbers; some integrations: `advanced_price_predicted` as `{low, predicted, high}`. */
function advancedPrice(f: Fields, at: (k: string) => string, sign: number): AmberIntervalOut['advancedPrice'] | undefined {
  const predicted = ownField(f, 'advanced_price_predicted');
  if (predicted === undefined || predicted === null) return undefined;
  if (isPlainObject(predicted)) {
    const part = (k: string): number => cents(ownField(predicted, k), `${at('advanced_price_predicted')}.${k}`, true) * sign + 0;
    return { low: part('low'), predicted: part('predicted'), high: part('high') };
  }
  const p = cents(predicted, at('advanced_price_predicted'), true) * sign + 0;
  const side = (k: string): number => {
    const v = ownField(f, k);
    return v === undefined || v === null ? p : cents(v, at(k), true) * sign + 0;
  };
  return { low: side('advanced_price_low'), predicted: p, high: side('advanced_price_high') };
}

function time(value: unknown, where: string): number {
  const ms = isoMs(value);
  if (ms === null) throw new PlanInputError(where, `${where} must be an ISO time with a zone, e.g. 2026-01-15T02:30:01+00:00, got ${describeValue(value)}`);
  return ms;
}

/** $/kWh → c/kWh without float noise (0.2451 × 100 = 24.509999…). */
function cents(value: unknown, where: string, price: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const hint = typeof value === 'string' ? ' (Home Assistant states are text: convert them to numbers first)' : '';
    throw new PlanInputError(where, `${where} must be a number in $/kWh${price ? '' : ' (spot)'}, got ${describeValue(value)}${hint}`);
  }
  return Math.round(value * 100 * 1e6) / 1e6 + 0;
}

function nemTime(endMs: number): string {
  return `${isoSeconds(endMs + 10 * 3_600_000).slice(0, -1)}+10:00`;
}
