/**
 * The site message from the readings of the site's inverters. With one inverter it is that
 * inverter's data; with several, powers and lifetime totals are summed (null when one inverter
 * does not report them), SoC is averaged by battery capacity, phase voltages and power factors
 * are averaged and phase currents summed.
 */
import type { PhaseData } from '../api/dto';
import { hasBattery, siteDetails, type InverterReading } from './inverter-reading';
import { ENERGY_KEYS, type EnergyKey, type EnergyTotals, type PhasePayload, type SitePayload } from './payloads';
import { fractionToPct, kwToW, num, round, sumAllOrNull, sumOrNull, text } from './units';

const STATUS_ORDER = ['OK', 'Offline', 'Fault'];
const COUNTER_FIELDS: Record<EnergyKey, keyof InverterReading['dynamic']> = {
  pvKWh: 'PvAllTimeEnergykWh',
  loadKWh: 'LoadAllTimeEnergykWh',
  gridImportKWh: 'ImportAllTimeEnergykWh',
  gridExportKWh: 'ExportAllTimeEnergykWh',
  batteryChargeKWh: 'BatteryChargeAllTimeEnergykWh',
  batteryDischargeKWh: 'BatteryDischargeAllTimeEnergykWh',
};
const BATTERY_KEYS: readonly EnergyKey[] = ['batteryChargeKWh', 'batteryDischargeKWh'];

export function sitePayload(siteId: string, readings: InverterReading[]): SitePayload {
  const phases = sitePhases(readings);
  // One rule for every sum: when one inverter does not report a value, the site's is unknown.
  const pvPowerW = sumAllOrNull(readings.map((r) => kwToW(r.dynamic.PvPowerInstantaneouskW)));
  const withBattery = readings.filter(hasBattery);
  const batteryPowerW = sumAllOrNull(withBattery.map((r) => kwToW(r.dynamic.BatteryPowerNegativeIsChargingkW)));
  // A phase that reports values but not its import (export) leaves the site's import (export) unknown:
  // a sum over the other phases would count it as 0.
  const gridImportPowerW = sumAllOrNull(phases.map((p) => p.importPowerW));
  const gridExportPowerW = sumAllOrNull(phases.map((p) => p.exportPowerW));
  // Only a site without a battery counts 0 for it; a battery whose power is not reported leaves the load unknown.
  const batteryMissing = withBattery.length > 0 && batteryPowerW === null;
  const loadPowerW = pvPowerW === null || gridImportPowerW === null || gridExportPowerW === null || batteryMissing
    ? null
    : pvPowerW + (batteryPowerW ?? 0) + gridImportPowerW - gridExportPowerW;
  return {
    siteId,
    timestamp: latest(readings.map((r) => r.dynamic.TimestampUtc)),
    status: worstStatus(readings.map((r) => r.dynamic.Status)),
    pvPowerW,
    loadPowerW,
    gridImportPowerW,
    gridExportPowerW,
    batteryPowerW,
    batterySocPct: siteSoc(withBattery),
    frequencyHz: readings.map((r) => num(r.dynamic.FrequencyInstantaneousHz)).find((f) => f !== null) ?? null,
    phases,
    energy: lifetimeTotals(readings),
  };
}

/** Per-phase readings; phases whose every value is null (a single-phase site's B and C) are left out. */
function sitePhases(readings: InverterReading[]): PhasePayload[] {
  const byId = new Map<string, PhaseData[]>();
  for (const r of readings) {
    for (const phase of r.dynamic.Phases ?? []) {
      if (!phase || typeof phase.Id !== 'string' || isEmptyPhase(phase)) continue;
      byId.set(phase.Id, [...(byId.get(phase.Id) ?? []), phase]);
    }
  }
  return [...byId.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, list]) => ({
    id,
    voltageV: round(mean(list.map((p) => num(p.VoltageInstantaneousV))), 2),
    currentA: round(sumOrNull(list.map((p) => num(p.CurrentInstantaneousA))), 2),
    powerFactor: round(mean(list.map((p) => num(p.PowerFactorInstantaneousMinus1to1))), 3),
    importPowerW: sumOrNull(list.map((p) => kwToW(p.ActiveImportedPowerInstantaneouskW))),
    exportPowerW: sumOrNull(list.map((p) => kwToW(p.ActiveExportedPowerInstantaneouskW))),
  }));
}

function isEmptyPhase(p: PhaseData): boolean {
  return [p.ActiveExportedPowerInstantaneouskW, p.ActiveImportedPowerInstantaneouskW, p.VoltageInstantaneousV,
    p.CurrentInstantaneousA, p.PowerFactorInstantaneousMinus1to1].every((v) => num(v) === null);
}

/** SoC of the site's batteries, weighted by capacity when every capacity is known. */
function siteSoc(withBattery: InverterReading[]): number | null {
  const socs = withBattery.map((r) => num(r.dynamic.BatterySoCInstantaneous0to1));
  if (socs.length === 0 || socs.some((s) => s === null)) return null;
  const capacities = withBattery.map((r) => num(siteDetails(r)?.BatteryCapacitykWh ?? r.configuration?.BatteryCapacitykWh));
  const weights = capacities.every((c): c is number => c !== null && c > 0) ? capacities : socs.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  return fractionToPct(socs.reduce<number>((sum, s, i) => sum + (s as number) * weights[i], 0) / total);
}

/**
 * Lifetime totals, summed over the inverters. A total is null when any inverter that should
 * report it does not, so a partial sum never looks like a counter reset.
 */
function lifetimeTotals(readings: InverterReading[]): EnergyTotals {
  const totals = {} as EnergyTotals;
  for (const key of ENERGY_KEYS) {
    const relevant = BATTERY_KEYS.includes(key) ? readings.filter(hasBattery) : readings;
    totals[key] = round(sumAllOrNull(relevant.map((r) => num(r.dynamic[COUNTER_FIELDS[key]]))), 3);
  }
  return totals;
}

/** The worst of the inverters' statuses, spelt as the contract spells them ("OK", "Offline", "Fault"). */
function worstStatus(statuses: unknown[]): string | null {
  const known = statuses.map(text).filter((s): s is string => s !== null)
    .map((s) => STATUS_ORDER.find((known) => known.toLowerCase() === s.toLowerCase()) ?? s);
  if (known.length === 0) return null;
  return known.reduce((worst, s) => (STATUS_ORDER.indexOf(s) > STATUS_ORDER.indexOf(worst) ? s : worst));
}

function latest(timestamps: unknown[]): string | null {
  const valid = timestamps.filter((t): t is string => typeof t === 'string' && Number.isFinite(Date.parse(t)));
  if (valid.length === 0) return null;
  return valid.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

/** Sum of the values, or null when there are none or any is missing. */
function mean(values: (number | null)[]): number | null {
  const sum = sumOrNull(values);
  return sum === null ? null : sum / values.filter((v) => v !== null).length;
}
