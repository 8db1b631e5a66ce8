/**
 * One poll of a `redback-read` node: find the inverters it covers, read their dynamic data (by
 * serial, or in batches of 100 for large selections), merge static data and configuration
 * (cached for 30 minutes by the account), and build the site, inverter and battery messages.
 */
import type { RedbackAccount } from '../account/account';
import type { SiteSummary } from '../account/discovery';
import type { DynamicData, InverterConfiguration, StaticView } from '../api/dto';
import { RedbackError } from '../http/errors';
import { updateEnergyPeriods, type EnergyPeriodState } from '../model/energy-periods';
import { batteryPayload, inverterPayload } from '../model/inverter-payloads';
import { hasBattery, type InverterReading } from '../model/inverter-reading';
import type { BatteryPayload, InverterPayload, SitePayload } from '../model/payloads';
import { sitePayload } from '../model/site-payload';

/** Above this many inverters a poll reads them through `Multiple/BySerialNumber/Dynamic`. */
export const MULTIPLE_THRESHOLD = 10;

export interface ReadSelection {
  /** Empty: every site. */
  site: string;
  /** Empty: every inverter of the selected sites. */
  serial: string;
}

export interface PollResult {
  sites: SitePayload[];
  inverters: InverterPayload[];
  batteries: BatteryPayload[];
  /** Things that went wrong without stopping the poll (static data unavailable, …). */
  warnings: string[];
}

/** Where a node keeps the energy-period state of each site between polls and restarts, by `periodKey`. */
export interface PeriodStore {
  get(key: string): EnergyPeriodState | undefined;
  set(key: string, state: EnergyPeriodState): void;
}

/**
 * A site's period totals belong to the inverters summed into them. Reading another set of the
 * site's inverters (the node's inverter field changed, an inverter joined the site) starts afresh
 * instead of counting the lifetime totals of the inverters that came in as energy of the day.
 */
export function periodKey(siteId: string, serials: string[]): string {
  return `${siteId}:${[...serials].sort().join(',')}`;
}

export interface ReadOptions {
  now?: () => number;
  /** Time zone for "today", "this month", "this year"; default: the host's. */
  timeZone?: string;
}

export async function pollOnce(
  account: RedbackAccount,
  selection: ReadSelection,
  periods: PeriodStore,
  options: ReadOptions = {},
): Promise<PollResult> {
  const targets = select(await account.sites(), selection);
  const warnings: string[] = [];
  const dynamics = await readDynamics(account, targets.map((t) => t.serial));
  const readings = await Promise.all(targets.map(async ({ siteId, serial }): Promise<InverterReading> => {
    const dynamic = dynamics.get(serial);
    if (!dynamic) throw new RedbackError('response', `the cloud returned no dynamic data for inverter ${serial}`);
    const staticView = await cachedOrNull(() => account.staticData(serial), `static data of ${serial}`, warnings);
    const partial: InverterReading = { siteId, serial, dynamic, static: staticView, configuration: null };
    const configuration = hasBattery(partial)
      ? await cachedOrNull<InverterConfiguration>(() => account.configuration(serial), `configuration of ${serial}`, warnings)
      : null;
    return { ...partial, configuration };
  }));

  const now = (options.now ?? Date.now)();
  const sites: SitePayload[] = [];
  for (const siteId of [...new Set(targets.map((t) => t.siteId))]) {
    const siteReadings = readings.filter((r) => r.siteId === siteId);
    const payload = sitePayload(siteId, siteReadings);
    const key = periodKey(siteId, siteReadings.map((r) => r.serial));
    const result = updateEnergyPeriods(periods.get(key), payload.energy, now, options.timeZone);
    periods.set(key, result.state);
    sites.push({
      ...payload,
      energyToday: result.today,
      energyMonth: result.month,
      energyYear: result.year,
      ...(result.counterReset ? { counterReset: true } : {}),
    });
  }
  return {
    sites,
    inverters: readings.map(inverterPayload),
    batteries: readings.map(batteryPayload).filter((b): b is BatteryPayload => b !== null),
    warnings,
  };
}

/** The inverters the selection covers, or a `config` error naming what is on the account. */
export function select(sites: SiteSummary[], selection: ReadSelection): { siteId: string; serial: string }[] {
  const site = selection.site.trim();
  const serial = selection.serial.trim().toUpperCase();
  let chosen = sites;
  if (site) {
    chosen = sites.filter((s) => s.siteId.toLowerCase() === site.toLowerCase());
    if (chosen.length === 0) {
      throw new RedbackError('config', `site ${site} is not on this Redback account (its sites: ${sites.map((s) => s.siteId).join(', ') || 'none'})`);
    }
  }
  let targets = chosen.flatMap((s) => s.inverters.map((i) => ({ siteId: s.siteId, serial: i.serial })));
  if (serial) {
    targets = targets.filter((t) => t.serial.toUpperCase() === serial);
    if (targets.length === 0) {
      throw new RedbackError('config', `inverter ${serial} is not on ${site ? `site ${site}` : 'this Redback account'}`);
    }
  }
  if (targets.length === 0) throw new RedbackError('config', 'the Redback account has no inverters to read');
  return targets;
}

/** Each inverter's own by-serial reading (site endpoints only see a site's first inverter). */
async function readDynamics(account: RedbackAccount, serials: string[]): Promise<Map<string, DynamicData>> {
  const list = serials.length > MULTIPLE_THRESHOLD
    ? await account.dynamicMany(serials)
    : await Promise.all(serials.map((serial) => account.dynamic(serial)));
  const bySerial = new Map<string, DynamicData>();
  list.forEach((data, i) => {
    const reported = (data.Inverters ?? []).map((inv) => inv?.SerialNumber).find((s): s is string => typeof s === 'string');
    bySerial.set((serials.length > MULTIPLE_THRESHOLD ? reported : serials[i]) ?? serials[i], data);
  });
  return bySerial;
}

/** Static data and configuration help but are not essential: a failure costs only those fields. */
async function cachedOrNull<T extends StaticView | InverterConfiguration>(
  load: () => Promise<T>, what: string, warnings: string[],
): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    warnings.push(`${what} unavailable: ${(err as Error).message}`);
    return null;
  }
}
