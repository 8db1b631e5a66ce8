/**
 * The inverter's power ceilings from static data, and the check of a command against them. The
 * cloud accepts any schedule power and rejects it only when the schedule starts (docs/redback-cloud.md §5.1),
 * so this check is what keeps a bad number from ever reaching the inverter.
 */
import type { StaticView } from '../api/dto';
import { CommandError, type ControlCommand } from './command';

export interface InverterLimits {
  maxChargeW: number | null;
  maxDischargeW: number | null;
  maxExportW: number | null;
  maxImportW: number | null;
  siteExportLimitW: number | null;
}

/** What the peers use when the cloud reports no limit (docs/redback-cloud.md §5.3). */
export const DEFAULT_LIMIT_W = 10_000;

const POWER_LIMIT = {
  charge: { key: 'maxChargeW', what: 'charge power' },
  discharge: { key: 'maxDischargeW', what: 'discharge power' },
  import: { key: 'maxImportW', what: 'import power' },
  export: { key: 'maxExportW', what: 'export power' },
} as const;

export function checkLimits(cmd: ControlCommand, limits: InverterLimits): void {
  if (cmd.command === 'curtail') {
    const [limit, what] = curtailCeiling(limits);
    checkWithin('exportLimitW', cmd.exportLimitW, limit, what);
    return;
  }
  if (cmd.command === 'conserve' || cmd.command === 'auto') return;
  const { key, what } = POWER_LIMIT[cmd.command];
  // The type says a power command has its power; one built by hand around parseCommand may not.
  if (typeof (cmd.powerW as unknown) !== 'number') throw new CommandError('powerW', `powerW is required for ${cmd.command}`);
  const limit = limits[key];
  checkWithin('powerW', cmd.powerW, limit ?? DEFAULT_LIMIT_W, limit === null ? `default maximum ${what} of ${DEFAULT_LIMIT_W} W (the cloud reports no limit)` : `inverter's maximum ${what} of ${limit} W`);
}

function curtailCeiling(limits: InverterLimits): [number, string] {
  if (limits.siteExportLimitW !== null) return [limits.siteExportLimitW, `site's export limit of ${limits.siteExportLimitW} W`];
  if (limits.maxExportW !== null) return [limits.maxExportW, `inverter's maximum export power of ${limits.maxExportW} W`];
  return [DEFAULT_LIMIT_W, `default maximum export power of ${DEFAULT_LIMIT_W} W (the cloud reports no limit)`];
}

function checkWithin(field: string, value: number, limit: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) throw new CommandError(field, `${field} must be 0 or more, got ${value}`);
  if (value > limit) throw new CommandError(field, `${field} ${value} is above the ${what}`);
}

/**
 * Limits for one inverter from a site's static view (kW → whole W). Throws CommandError when the
 * serial is not one of the view's inverters, so a command never goes to an inverter we cannot see.
 */
export function limitsFromStatic(view: StaticView, serial: string): InverterLimits {
  const wanted = serial.trim().toUpperCase();
  const found = (view.Nodes ?? []).some((n) => n?.StaticData?.Type?.toLowerCase() === 'inverter' && n.StaticData.Id?.toUpperCase() === wanted);
  if (!found) throw new CommandError('serial', `inverter ${describeSerial(serial)} is not on site ${view.StaticData?.Id ?? '(unknown)'}`);
  const d = view.StaticData?.SiteDetails ?? {};
  return {
    maxChargeW: watts(d.BatteryMaxChargePowerkW),
    maxDischargeW: watts(d.BatteryMaxDischargePowerkW),
    maxExportW: watts(d.InverterMaxExportPowerkW),
    maxImportW: watts(d.InverterMaxImportPowerkW),
    siteExportLimitW: watts(d.SiteExportLimitkW),
  };
}

/** A limit the cloud did not report, or reported as nonsense (negative, not a number), is null. */
function watts(kW: number | null | undefined): number | null {
  return typeof kW === 'number' && Number.isFinite(kW) && kW >= 0 ? Math.round(kW * 1000) : null;
}

function describeSerial(serial: string): string {
  return JSON.stringify(serial.length > 40 ? `${serial.slice(0, 40)}…` : serial);
}
