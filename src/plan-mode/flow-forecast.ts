/**
 * A load and PV forecast the flow supplies as `msg.forecast`: `[{start, end, loadW, pvW}]`, e.g.
 * built from Solcast's forecast in Home Assistant. Checked entry by entry; errors name the entry.
 */
import type { PlanForecastSlot } from '../plan';
import { describeValue, isPlainObject, isoMs, isoSeconds, ownField } from './fields';
import { PlanInputError } from './plan-input-error';

export const MAX_FORECAST_SLOTS = 4000;

export function parseFlowForecast(value: unknown, where = 'msg.forecast'): PlanForecastSlot[] {
  if (!Array.isArray(value)) throw new PlanInputError(where, `${where} must be a list of {start, end, loadW, pvW}, got ${describeValue(value)}`);
  if (value.length === 0) throw new PlanInputError(where, `${where} is empty`);
  if (value.length > MAX_FORECAST_SLOTS) throw new PlanInputError(where, `${where} has ${value.length} entries, more than ${MAX_FORECAST_SLOTS}`);
  return value.map((entry, i) => {
    const at = `${where}[${i}]`;
    if (!isPlainObject(entry)) throw new PlanInputError(at, `${at} must be an object {start, end, loadW, pvW}, got ${describeValue(entry)}`);
    const start = isoMs(ownField(entry, 'start'));
    const end = isoMs(ownField(entry, 'end'));
    if (start === null) throw new PlanInputError(`${at}.start`, `${at}.start must be an ISO time with a zone, got ${describeValue(ownField(entry, 'start'))}`);
    if (end === null) throw new PlanInputError(`${at}.end`, `${at}.end must be an ISO time with a zone, got ${describeValue(ownField(entry, 'end'))}`);
    if (end <= start) throw new PlanInputError(`${at}.end`, `${at}.end must be after its start`);
    return { start: isoSeconds(start), end: isoSeconds(end), loadW: watts(ownField(entry, 'loadW'), `${at}.loadW`), pvW: watts(ownField(entry, 'pvW'), `${at}.pvW`) };
  });
}

function watts(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PlanInputError(where, `${where} must be a number of watts, 0 or more, got ${describeValue(value)}`);
  }
  return value + 0;
}
