/** The battery, site, options and previous command, checked; errors name the field. */
import { PlanInputError, shown } from './errors';
import type { Command, SiteModel } from './model';
import type { PlanInput } from './types';
import { DEFAULT_FORECAST_SPREAD, DEFAULT_ROUND_TRIP_EFFICIENCY } from './defaults';

const COMMANDS = ['charge', 'discharge', 'conserve', 'auto'] as const;

function numberIn(value: unknown, field: string, what: string, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new PlanInputError(field, `must be ${what}, got ${shown(value)}`);
  return value;
}

function objectOrNothing(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlanInputError(field, `must be an object, got ${shown(value)}`);
  return value as Record<string, unknown>;
}

export interface CheckedInput {
  model: SiteModel;
  socKWh: number;
  horizonHours: number;
  /** null: the planner's default (src/plan/dp.ts defaultSwitchCostCents). */
  switchCostCents: number | null;
  forecastSpread: number;
  previous: Command | null;
}

export function checkInput(input: PlanInput): CheckedInput {
  if (typeof input !== 'object' || input === null) throw new PlanInputError('input', `must be an object {now, prices, battery, …}, got ${shown(input)}`);
  if (typeof input.battery !== 'object' || input.battery === null) throw new PlanInputError('battery', `must be {socPct, capacityKWh, minSocPct, maxChargeW, maxDischargeW}, got ${shown(input.battery)}`);
  const b = input.battery as unknown as Record<string, unknown>;
  const socPct = numberIn(b.socPct, 'battery.socPct', 'a number from 0 to 100', (v) => v >= 0 && v <= 100);
  const capacityKWh = numberIn(b.capacityKWh, 'battery.capacityKWh', 'a positive number of kWh (usable)', (v) => v > 0);
  const minSocPct = numberIn(b.minSocPct, 'battery.minSocPct', 'a number from 0 to 100', (v) => v >= 0 && v <= 100);
  const maxChargeW = numberIn(b.maxChargeW, 'battery.maxChargeW', 'a positive number of W', (v) => v > 0);
  const maxDischargeW = numberIn(b.maxDischargeW, 'battery.maxDischargeW', 'a positive number of W', (v) => v > 0);
  const rte = b.roundTripEfficiency === undefined || b.roundTripEfficiency === null
    ? DEFAULT_ROUND_TRIP_EFFICIENCY
    : numberIn(b.roundTripEfficiency, 'battery.roundTripEfficiency', 'a number above 0, at most 1', (v) => v > 0 && v <= 1);

  const site = objectOrNothing(input.site, 'site');
  const limit = (key: 'maxExportW' | 'maxImportW'): number => site[key] === undefined || site[key] === null
    ? Infinity
    : numberIn(site[key], `site.${key}`, 'a number of W, 0 or more', (v) => v >= 0);

  const options = objectOrNothing(input.options, 'options');
  const wear = options.wearCentsPerKWh === undefined ? 0 : numberIn(options.wearCentsPerKWh, 'options.wearCentsPerKWh', 'a number of c/kWh, 0 or more', (v) => v >= 0);
  const horizonHours = options.horizonHours === undefined ? 24 : numberIn(options.horizonHours, 'options.horizonHours', 'a number of hours above 0, at most 168', (v) => v > 0 && v <= 168);
  const switchCostCents = options.switchCostCents === undefined || options.switchCostCents === null ? null : numberIn(options.switchCostCents, 'options.switchCostCents', 'a number of c, 0 or more', (v) => v >= 0);

  const forecastSpread = options.forecastSpread === undefined ? DEFAULT_FORECAST_SPREAD : numberIn(options.forecastSpread, 'options.forecastSpread', 'a fraction from 0 to 1', (v) => v >= 0 && v <= 1);

  const eta = Math.sqrt(rte);
  return {
    model: {
      capacityKWh,
      minKWh: capacityKWh * minSocPct / 100,
      maxChargeW,
      maxDischargeW,
      etaIn: eta,
      etaOut: eta,
      maxExportW: limit('maxExportW'),
      maxImportW: limit('maxImportW'),
      wearCentsPerKWh: wear,
    },
    socKWh: capacityKWh * socPct / 100,
    horizonHours,
    switchCostCents,
    forecastSpread,
    previous: readPrevious(input.previous, maxChargeW, maxDischargeW),
  };
}

function readPrevious(value: unknown, maxChargeW: number, maxDischargeW: number): Command | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlanInputError('previous', `must be the now of the last result ({command, powerW, curtail}), got ${shown(value)}`);
  const p = value as Record<string, unknown>;
  const command = p.command;
  if (!COMMANDS.includes(command as typeof COMMANDS[number])) throw new PlanInputError('previous.command', `must be one of ${COMMANDS.join(', ')}, got ${shown(command)}`);
  const name = command as Command['command'];
  if (name === 'charge' || name === 'discharge') {
    const limit = Math.floor(name === 'charge' ? maxChargeW : maxDischargeW);
    const powerW = numberIn(p.powerW, 'previous.powerW', `a whole number of W for ${name}`, (v) => Number.isInteger(v) && v >= 1);
    return { command: name, powerW: Math.min(powerW, limit), curtail: p.curtail === true };
  }
  return { command: name, powerW: null, curtail: p.curtail === true };
}
