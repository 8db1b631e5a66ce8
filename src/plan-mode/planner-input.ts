/**
 * The planner's input from what the account knows: the battery's state and the inverter's limits
 * (the read node's battery and inverter payloads), the time of that reading, the prices and the
 * load/PV forecast. A reading older than 10 minutes is refused: the node then leaves the inverter
 * on Auto and says why.
 */
import type { AmberPriceInterval, PlanForecastSlot, PlanInput, PlanPrevious } from '../plan';
import { describeValue, isoMs, isoSeconds } from './fields';
import { PlanInputError } from './plan-input-error';
import { clockText } from './zone-clock';

export const MAX_READING_AGE_MS = 10 * 60_000;

/** The fields of the battery payload the plan needs. */
export interface BatteryState {
  socPct: number | null;
  usableCapacityKWh: number | null;
  minSocPct: number | null;
}

/** The inverter payload's `limits`. */
export interface InverterLimitsPayload {
  maxChargeW: number | null;
  maxDischargeW: number | null;
  maxExportW: number | null;
  maxImportW: number | null;
}

export interface PlanInputSources {
  nowMs: number;
  prices: readonly AmberPriceInterval[];
  battery: BatteryState | null;
  limits: InverterLimitsPayload | null;
  /** When the battery reading was taken (the site payload's `timestamp`), ISO or ms; null = none yet. */
  readingAt: string | number | null;
  /** The site's own export ceiling, W, when lower than the inverter's (static `SiteExportLimitkW`). */
  siteExportLimitW?: number | null;
  forecast?: PlanForecastSlot[];
  previous?: PlanPrevious;
  roundTripEfficiency?: number;
  options?: PlanInput['options'];
  /** For the time in error messages; undefined = the host's zone. */
  zone?: string;
  maxReadingAgeMs?: number;
}

export function buildPlannerInput(src: PlanInputSources): PlanInput {
  checkReadingAge(src);
  const battery = src.battery;
  if (battery === null) throw new PlanInputError('battery', 'no battery reading yet');
  const limits = src.limits;
  if (limits === null) throw new PlanInputError('limits', "the inverter's limits are not known yet");
  const input: PlanInput = {
    now: isoSeconds(src.nowMs),
    prices: src.prices,
    battery: {
      socPct: percent(battery.socPct, 'battery.socPct', 'the battery reported no state of charge'),
      capacityKWh: positive(battery.usableCapacityKWh, 'battery.usableCapacityKWh', 'the battery reported no usable capacity'),
      minSocPct: percent(battery.minSocPct, 'battery.minSocPct', 'the battery reported no minimum state of charge'),
      maxChargeW: positive(limits.maxChargeW, 'limits.maxChargeW', 'the inverter reported no maximum charge power'),
      maxDischargeW: positive(limits.maxDischargeW, 'limits.maxDischargeW', 'the inverter reported no maximum discharge power'),
      ...(src.roundTripEfficiency !== undefined ? { roundTripEfficiency: src.roundTripEfficiency } : {}),
    },
  };
  const exportW = minKnown(limits.maxExportW, src.siteExportLimitW ?? null);
  if (exportW !== null && isWatts(limits.maxImportW)) input.site = { maxExportW: exportW, maxImportW: limits.maxImportW };
  if (src.forecast && src.forecast.length > 0) input.forecast = src.forecast;
  if (src.previous) input.previous = src.previous;
  if (src.options) input.options = src.options;
  return input;
}

function checkReadingAge(src: PlanInputSources): void {
  if (src.readingAt === null || src.readingAt === undefined) throw new PlanInputError('reading', 'no reading of the battery yet; not planning');
  const at = typeof src.readingAt === 'number' ? src.readingAt : isoMs(src.readingAt);
  if (at === null || !Number.isFinite(at)) throw new PlanInputError('reading', `the reading's time ${describeValue(src.readingAt)} is not an ISO time; not planning`);
  const maxAge = src.maxReadingAgeMs ?? MAX_READING_AGE_MS;
  const age = src.nowMs - at;
  if (age > maxAge) {
    throw new PlanInputError('reading', `the battery reading is from ${clockText(at, src.zone)} (${Math.floor(age / 60_000)} min old, more than ${Math.round(maxAge / 60_000)}); not planning on it`);
  }
}

function percent(value: number | null, field: string, missing: string): number {
  if (value === null || value === undefined) throw new PlanInputError(field, missing);
  if (!Number.isFinite(value) || value < 0 || value > 100) throw new PlanInputError(field, `${field} must be 0..100 %, got ${describeValue(value)}`);
  return value;
}

function positive(value: number | null, field: string, missing: string): number {
  if (value === null || value === undefined) throw new PlanInputError(field, missing);
  if (!Number.isFinite(value) || value <= 0) throw new PlanInputError(field, `${field} must be more than 0, got ${describeValue(value)}`);
  return value;
}

function isWatts(value: number | null): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function minKnown(a: number | null, b: number | null): number | null {
  const known = [a, b].filter(isWatts);
  return known.length === 0 ? null : Math.min(...known);
}
