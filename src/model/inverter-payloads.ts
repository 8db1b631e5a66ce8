/** Inverter and battery messages from one inverter's reading. */
import { hasBattery, inverterStatic, siteDetails, type InverterReading } from './inverter-reading';
import type { BatteryPayload, InverterPayload } from './payloads';
import { fractionToPct, kwToW, num, text } from './units';

export function inverterPayload(reading: InverterReading): InverterPayload {
  const d = reading.dynamic;
  const info = inverterStatic(reading);
  const details = siteDetails(reading);
  const config = reading.configuration;
  // The inverter's own entry; an entry without a serial is taken as this inverter's, never another's.
  const entries = d.Inverters ?? [];
  const mode = entries.find((i) => i?.SerialNumber === reading.serial)
    ?? (entries.length === 1 && !entries[0]?.SerialNumber ? entries[0] : undefined);
  return {
    siteId: reading.siteId,
    serial: reading.serial,
    model: text(info?.ModelName),
    softwareVersion: text(info?.SoftwareVersion),
    firmwareVersion: text(info?.FirmwareVersion),
    temperatureC: num(d.InverterTemperatureC),
    mode: text(mode?.PowerMode?.InverterMode),
    modePowerW: num(mode?.PowerMode?.PowerW),
    pvStrings: (d.PVs ?? []).map((pv) => ({
      voltageV: num(pv?.VoltageV),
      currentA: num(pv?.CurrentA),
      powerW: kwToW(pv?.PowerkW),
    })),
    limits: {
      maxChargeW: kwToW(details?.BatteryMaxChargePowerkW ?? config?.BatteryMaxChargePowerkW),
      maxDischargeW: kwToW(details?.BatteryMaxDischargePowerkW ?? config?.BatteryMaxDischargePowerkW),
      maxExportW: kwToW(details?.InverterMaxExportPowerkW ?? config?.InverterMaxExportPowerkW),
      maxImportW: kwToW(details?.InverterMaxImportPowerkW ?? config?.InverterMaxImportPowerkW),
    },
  };
}

/** The battery message, or null for an inverter without a battery. */
export function batteryPayload(reading: InverterReading): BatteryPayload | null {
  if (!hasBattery(reading)) return null;
  const d = reading.dynamic;
  const details = siteDetails(reading);
  const config = reading.configuration;
  const models = inverterStatic(reading)?.BatteryModels ?? [];
  return {
    siteId: reading.siteId,
    serial: reading.serial,
    socPct: fractionToPct(d.BatterySoCInstantaneous0to1),
    powerW: kwToW(d.BatteryPowerNegativeIsChargingkW),
    voltageV: num(d.Battery?.VoltageV),
    currentA: num(d.Battery?.CurrentNegativeIsChargingA),
    capacityKWh: num(details?.BatteryCapacitykWh ?? config?.BatteryCapacitykWh),
    usableCapacityKWh: num(details?.UsableBatteryCapacitykWh ?? config?.UsableBatteryCapacitykWh),
    minSocPct: fractionToPct(config?.MinSoC0to1),
    modules: (d.Battery?.Modules ?? []).map((m, i) => ({
      socPct: fractionToPct(m?.SoC0To1),
      voltageV: num(m?.VoltageV),
      currentA: num(m?.CurrentNegativeIsChargingA),
      powerW: kwToW(m?.PowerNegativeIsChargingkW),
      model: text(models[i]),
    })),
    cabinets: (d.Battery?.Cabinets ?? []).map((c) => ({
      temperatureC: num(c?.TemperatureC),
      fanState: text(c?.FanState),
    })),
  };
}
