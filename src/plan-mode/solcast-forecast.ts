/**
 * Solcast's PV forecast as Home Assistant's Solcast PV Forecast integration gives it → the plan
 * mode's load/PV slots. Its fields and their source: docs/plan-mode.md, "Solcast through Home
 * Assistant".
 *
 * Input (`msg.forecast`): `{solcast: [today, tomorrow, ...], estimate?, loadW?}`, each element the
 * state object of a daily forecast sensor (`sensor.solcast_pv_forecast_forecast_today`, `…_tomorrow`)
 * as the HA nodes give it (`{state, attributes}`) or its attributes alone. Its
 * `attributes.detailedForecast` lists half hours `{period_start, pv_estimate, pv_estimate10,
 * pv_estimate90}`, each the mean power over the half hour in kW.
 *
 * Output slots carry `loadW: null` unless `loadW` (a constant house load in W) is given: Solcast
 * forecasts PV only, and the node fills the load from the profile it learns (forecast-choice.ts).
 */
import { describeValue, isPlainObject, isoMs, isoSeconds, ownField } from './fields';
import { PlanInputError } from './plan-input-error';

export const SOLCAST_PERIOD_MINUTES = 30;
export const SOLCAST_ESTIMATES = ['pv_estimate', 'pv_estimate10', 'pv_estimate90'] as const;
export type SolcastEstimate = typeof SOLCAST_ESTIMATES[number];

/** A slot before the load is known: `loadW` null means "the node's learnt profile". */
export interface SolcastSlot {
  start: string;
  end: string;
  loadW: number | null;
  pvW: number;
}

const PERIOD_MS = SOLCAST_PERIOD_MINUTES * 60_000;
const MAX_SENSORS = 14;
const MAX_PERIODS = 1000;

/** True when `msg.forecast` is the Solcast shape rather than `[{start, end, loadW, pvW}]`. */
export function isSolcastForecast(value: unknown): boolean {
  return isPlainObject(value) && ownField(value, 'solcast') !== undefined;
}

export function solcastToForecast(value: unknown, where = 'msg.forecast'): SolcastSlot[] {
  if (!isPlainObject(value)) throw new PlanInputError(where, `${where} must be an object {solcast: [sensor states], estimate, loadW}, got ${describeValue(value)}`);
  const estimate = estimateField(ownField(value, 'estimate'), `${where}.estimate`);
  const loadW = constantLoad(ownField(value, 'loadW'), `${where}.loadW`);
  const sensors = ownField(value, 'solcast');
  const list = `${where}.solcast`;
  if (!Array.isArray(sensors) || sensors.length === 0) {
    throw new PlanInputError(list, `${list} must list the Solcast forecast sensors (today, tomorrow), got ${describeValue(sensors)}`);
  }
  if (sensors.length > MAX_SENSORS) throw new PlanInputError(list, `${list} has ${sensors.length} sensors, more than ${MAX_SENSORS}`);

  const byStart = new Map<number, { pvW: number; at: string }>();
  sensors.forEach((sensor, s) => {
    const { periods, path } = detailedForecast(sensor, `${list}[${s}]`);
    periods.forEach((period, i) => {
      const at = `${path}[${i}]`;
      if (!isPlainObject(period)) throw new PlanInputError(at, `${at} must be an object {period_start, pv_estimate}, got ${describeValue(period)}`);
      const startMs = isoMs(ownField(period, 'period_start'));
      if (startMs === null) {
        throw new PlanInputError(`${at}.period_start`, `${at}.period_start must be an ISO time with a zone, got ${describeValue(ownField(period, 'period_start'))}`);
      }
      const seen = byStart.get(startMs);
      if (seen) throw new PlanInputError(`${at}.period_start`, `${at}.period_start ${isoSeconds(startMs)} is also ${seen.at}: is one sensor listed twice?`);
      byStart.set(startMs, { pvW: kilowattsToW(ownField(period, estimate), `${at}.${estimate}`), at });
    });
  });
  if (byStart.size === 0) throw new PlanInputError(list, `${list} has no half hours in its detailedForecast attributes`);
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([startMs, { pvW }]) => ({
    start: isoSeconds(startMs), end: isoSeconds(startMs + PERIOD_MS), loadW, pvW,
  }));
}

function detailedForecast(sensor: unknown, where: string): { periods: unknown[]; path: string } {
  if (!isPlainObject(sensor)) throw new PlanInputError(where, `${where} must be a Solcast sensor's state object, got ${describeValue(sensor)}`);
  const attributes = ownField(sensor, 'attributes');
  let attrs = sensor;
  let path = where;
  if (attributes !== undefined) {
    if (!isPlainObject(attributes)) throw new PlanInputError(`${where}.attributes`, `${where}.attributes must be an object, got ${describeValue(attributes)}`);
    attrs = attributes;
    path = `${where}.attributes`;
  }
  const periods = ownField(attrs, 'detailedForecast');
  path = `${path}.detailedForecast`;
  if (!Array.isArray(periods)) {
    throw new PlanInputError(path, `${path} must be the list of half hours (enable the detailed forecast attribute in the Solcast integration's options), got ${describeValue(periods)}`);
  }
  if (periods.length > MAX_PERIODS) throw new PlanInputError(path, `${path} has ${periods.length} entries, more than ${MAX_PERIODS}`);
  return { periods, path };
}

function estimateField(value: unknown, where: string): SolcastEstimate {
  if (value === undefined || value === null) return 'pv_estimate';
  const found = SOLCAST_ESTIMATES.find((e) => e === value);
  if (!found) throw new PlanInputError(where, `${where} must be one of ${SOLCAST_ESTIMATES.join(', ')}, got ${describeValue(value)}`);
  return found;
}

function constantLoad(value: unknown, where: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PlanInputError(where, `${where} must be a number of watts, 0 or more (or left out: the node's learnt load), got ${describeValue(value)}`);
  }
  return value + 0;
}

function kilowattsToW(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    const hint = typeof value === 'string' ? ' (convert Home Assistant text to numbers first)' : '';
    throw new PlanInputError(where, `${where} must be a number of kW, 0 or more, got ${describeValue(value)}${hint}`);
  }
  return Math.round(value * 1000);
}
