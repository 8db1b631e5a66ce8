/** What one poll knows about one inverter: its dynamic data, and its static data and configuration when known. */
import type { DynamicData, InverterConfiguration, InverterStatic, SiteDetails, StaticView } from '../api/dto';
import { num } from './units';

export interface InverterReading {
  siteId: string;
  serial: string;
  dynamic: DynamicData;
  static: StaticView | null;
  configuration: InverterConfiguration | null;
}

/** The inverter's own node in static data: the one whose Id is the serial, else the first inverter node. */
export function inverterStatic(reading: InverterReading): InverterStatic | null {
  const nodes = (reading.static?.Nodes ?? []).map((n) => n?.StaticData).filter((s): s is InverterStatic => !!s);
  return nodes.find((s) => s.Id === reading.serial)
    ?? nodes.find((s) => typeof s.Type === 'string' && s.Type.toLowerCase() === 'inverter')
    ?? null;
}

export function siteDetails(reading: InverterReading): SiteDetails | null {
  return reading.static?.StaticData?.SiteDetails ?? null;
}

/**
 * Whether the inverter has a battery. `BatteryCount` can read 0 on a system that has one (a cloud
 * bug seen in the wild), so a reported SoC or a battery block that reports a value also counts.
 * A battery block of nulls does not: how v2.21 shows a battery-less system is an open question
 * (docs/redback-cloud.md §9), and an object of nulls is one of the candidates.
 */
export function hasBattery(reading: InverterReading): boolean {
  const count = inverterStatic(reading)?.BatteryCount;
  if (typeof count === 'number' && count > 0) return true;
  const d = reading.dynamic;
  return num(d.BatterySoCInstantaneous0to1) !== null || batteryBlockReports(d.Battery);
}

function batteryBlockReports(battery: DynamicData['Battery']): boolean {
  if (!battery) return false;
  if (num(battery.VoltageV) !== null || num(battery.CurrentNegativeIsChargingA) !== null) return true;
  return (battery.Modules ?? []).some((m) => !!m && [m.SoC0To1, m.VoltageV, m.CurrentNegativeIsChargingA, m.PowerNegativeIsChargingkW]
    .some((v) => num(v) !== null));
}
