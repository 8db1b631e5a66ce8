/** The three message payloads `redback-read` emits, as the product contract names them. */
export interface EnergyTotals {
  pvKWh: number | null;
  loadKWh: number | null;
  gridImportKWh: number | null;
  gridExportKWh: number | null;
  batteryChargeKWh: number | null;
  batteryDischargeKWh: number | null;
}

export type EnergyKey = keyof EnergyTotals;
export const ENERGY_KEYS: readonly EnergyKey[] = [
  'pvKWh', 'loadKWh', 'gridImportKWh', 'gridExportKWh', 'batteryChargeKWh', 'batteryDischargeKWh',
];

export interface PhasePayload {
  id: string;
  voltageV: number | null;
  currentA: number | null;
  powerFactor: number | null;
  importPowerW: number | null;
  exportPowerW: number | null;
}

export interface SitePayload {
  siteId: string;
  timestamp: string | null;
  status: string | null;
  pvPowerW: number | null;
  loadPowerW: number | null;
  gridImportPowerW: number | null;
  gridExportPowerW: number | null;
  /** Negative = charging, as the cloud reports. */
  batteryPowerW: number | null;
  batterySocPct: number | null;
  frequencyHz: number | null;
  phases: PhasePayload[];
  /** Lifetime totals. */
  energy: EnergyTotals;
  energyToday?: EnergyTotals;
  energyMonth?: EnergyTotals;
  energyYear?: EnergyTotals;
  /** Present and true when a lifetime total went down since the previous reading. */
  counterReset?: boolean;
}

export interface InverterPayload {
  siteId: string;
  serial: string;
  model: string | null;
  softwareVersion: string | null;
  firmwareVersion: string | null;
  temperatureC: number | null;
  mode: string | null;
  modePowerW: number | null;
  pvStrings: { voltageV: number | null; currentA: number | null; powerW: number | null }[];
  limits: { maxChargeW: number | null; maxDischargeW: number | null; maxExportW: number | null; maxImportW: number | null };
}

export interface BatteryPayload {
  siteId: string;
  serial: string;
  socPct: number | null;
  /** Negative = charging. */
  powerW: number | null;
  voltageV: number | null;
  currentA: number | null;
  capacityKWh: number | null;
  usableCapacityKWh: number | null;
  minSocPct: number | null;
  modules: { socPct: number | null; voltageV: number | null; currentA: number | null; powerW: number | null; model: string | null }[];
  cabinets: { temperatureC: number | null; fanState: string | null }[];
}
