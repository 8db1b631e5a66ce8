/**
 * The `redback-control` node's settings as the editor saves them (text where the dialog has text
 * inputs), parsed and checked at deploy: a bad setting is refused then, with its name and value,
 * before any request, instead of turning into 0 or failing when the first price arrives.
 */
import { describeValue } from '../util/objects';
import { HA_INTERVALS } from './price-input';
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from './timespan';
import type { RunnerSettings } from './control-runner';

export interface ControlNodeConfig {
  serial?: unknown;
  method?: unknown;
  durationMinutes?: unknown;
  dryRun?: unknown;
  pricePolicy?: unknown;
  chargeBelow?: unknown;
  dischargeAbove?: unknown;
  dischargeMinSoc?: unknown;
  curtailWhenFeedInFree?: unknown;
  pricePowerW?: unknown;
  actOnEstimates?: unknown;
  priceSource?: unknown;
  haIntervalMinutes?: unknown;
  priceStrategy?: unknown;
}

export class SettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const SERIAL = /^[A-Za-z0-9]{1,32}$/;
const DEFAULT_DURATION_MINUTES = 30;
const DEFAULT_MIN_SOC_PCT = 20;

/** The runner's settings, or a SettingsError naming the first bad setting. */
export function parseControlSettings(config: ControlNodeConfig, nodeId: string, random: () => string): RunnerSettings {
  const serial = typeof config.serial === 'string' ? config.serial.trim() : config.serial === undefined || config.serial === null ? '' : null;
  if (serial === null || (serial !== '' && !SERIAL.test(serial))) {
    throw new SettingsError('serial', `the inverter setting must be empty (the account's only inverter) or a serial of 1 to 32 letters and digits, got ${describeValue(config.serial)}`);
  }
  const method = config.method === undefined || config.method === '' ? 'schedule' : config.method;
  if (method !== 'schedule' && method !== 'portal') throw new SettingsError('method', `the method setting must be schedule or portal, got ${describeValue(config.method)}`);
  const durationMinutes = numberSetting(config.durationMinutes, DEFAULT_DURATION_MINUTES);
  if (durationMinutes === null || !Number.isInteger(durationMinutes) || durationMinutes < MIN_DURATION_MINUTES || durationMinutes > MAX_DURATION_MINUTES) {
    throw new SettingsError('durationMinutes', `the duration setting must be a whole number of minutes from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}, got ${describeValue(config.durationMinutes)}`);
  }
  return {
    nodeId,
    serial,
    method,
    dryRun: config.dryRun === true,
    random,
    durationMinutes,
    prices: config.pricePolicy === true ? priceSettings(config) : null,
  };
}

function priceSettings(config: ControlNodeConfig): NonNullable<RunnerSettings['prices']> {
  const cents = (value: unknown, setting: string, label: string): number | null => {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
    const n = numberSetting(value, null);
    if (n === null || Math.abs(n) > 100_000) throw new SettingsError(setting, `the ${label} setting must be a price in c/kWh (up to ±100000) or empty, got ${describeValue(value)}`);
    return n;
  };
  const chargeBelowCents = cents(config.chargeBelow, 'chargeBelow', 'charge below');
  const dischargeAboveCents = cents(config.dischargeAbove, 'dischargeAbove', 'discharge above');
  const minSoc = numberSetting(config.dischargeMinSoc, DEFAULT_MIN_SOC_PCT);
  if (minSoc === null || minSoc < 0 || minSoc > 100) {
    throw new SettingsError('dischargeMinSoc', `the minimum SoC setting must be from 0 to 100 %, got ${describeValue(config.dischargeMinSoc)}`);
  }
  const powerW = numberSetting(config.pricePowerW, null);
  if (powerW === null || !Number.isSafeInteger(powerW) || powerW < 1) {
    throw new SettingsError('pricePowerW', `the power setting must be a whole number of watts, 1 or more, got ${describeValue(config.pricePowerW)}`);
  }
  const source = config.priceSource === undefined || config.priceSource === '' ? 'amber' : config.priceSource;
  if (source !== 'amber' && source !== 'homeassistant') {
    throw new SettingsError('priceSource', `the price source setting must be amber or homeassistant, got ${describeValue(config.priceSource)}`);
  }
  const haIntervalMinutes = numberSetting(config.haIntervalMinutes, 30);
  if (haIntervalMinutes === null || !(HA_INTERVALS as readonly number[]).includes(haIntervalMinutes)) {
    throw new SettingsError('haIntervalMinutes', `the price interval setting must be ${HA_INTERVALS.join(', ')} minutes, got ${describeValue(config.haIntervalMinutes)}`);
  }
  return {
    chargeBelowCents,
    dischargeAboveCents,
    dischargeMinSocPct: minSoc,
    curtailWhenFeedInFree: config.curtailWhenFeedInFree === true,
    powerW,
    actOnEstimates: config.actOnEstimates === true,
    source,
    haIntervalMinutes,
  };
}

/** How price input is used: the threshold policy (the default) or the plan over the forecast (docs/plan-mode.md). */
export type PriceStrategy = 'thresholds' | 'plan';

/** The price strategy; `plan` only with the price policy on. A SettingsError for anything else. */
export function parsePriceStrategy(config: ControlNodeConfig): PriceStrategy | null {
  const strategy = config.priceStrategy === undefined || config.priceStrategy === null || config.priceStrategy === '' ? 'thresholds' : config.priceStrategy;
  if (strategy !== 'thresholds' && strategy !== 'plan') {
    throw new SettingsError('priceStrategy', `the price strategy setting must be thresholds or plan, got ${describeValue(config.priceStrategy)}`);
  }
  return config.pricePolicy === true ? strategy : null;
}

/** A number from a number or numeric text; `fallback` when empty; null when it is not a finite number. */
function numberSetting(value: unknown, fallback: number | null): number | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  return Number.isFinite(n) ? n : null;
}
