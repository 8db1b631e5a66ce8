/**
 * Definitions of the simulated Redback cloud: accounts, sites, inverters, and the per-minute
 * state the physics produces. Units follow the cloud: kW, kWh, SoC as 0..1, battery power
 * negative when charging.
 */

export interface AccountDef {
  clientId: string;
  clientSecret: string;
  /** Portal login. */
  email: string;
  password: string;
  sites: SiteDef[];
}

export interface SiteDef {
  siteId: string;
  nmi: string | null;
  /** Fixed offset of the site's local time from UTC, in minutes (Brisbane: 600). */
  utcOffsetMinutes: number;
  phases: 1 | 3;
  location: {
    addressLineOne: string;
    suburb: string;
    state: string;
    postCode: string;
    latitude: number;
    longitude: number;
  };
  /** `SiteDetails.SiteExportLimitkW`; null when the cloud reports none. */
  siteExportLimitKW: number | null;
  commissioningDate: string;
  inverters: InverterDef[];
}

export interface BatteryDef {
  moduleCount: number;
  moduleModel: string;
  /** `BatteryModels` as the cloud lists it, e.g. ["RB600","Unknown","Unknown","Unknown"]. */
  batteryModels: string[];
  capacityKWh: number;
  maxChargeKW: number;
  maxDischargeKW: number;
  voltageType: 'HV' | 'LV';
  /** Nominal pack voltage, V. */
  nominalVoltageV: number;
  cabinetCount: number;
  minSoc0to1: number;
  minOffgridSoc0to1: number;
}

export interface InverterDef {
  serial: string;
  model: string;
  softwareVersion: string;
  firmwareVersion: string;
  systemType: string;
  /** Total PV array size, kW. 0 for none. */
  panelKW: number;
  pvStringCount: number;
  inverterMaxExportKW: number;
  inverterMaxImportKW: number;
  battery: BatteryDef | null;
  /** Share of the site's house load this inverter supplies (0..1). */
  loadShare: number;
  /** Average house load, kW, before the daily profile is applied. */
  baseLoadKW: number;
  initialSoc0to1: number;
  initialCounters: EnergyCounters;
}

/** Lifetime totals, kWh. */
export interface EnergyCounters {
  pvKWh: number;
  loadKWh: number;
  importKWh: number;
  exportKWh: number;
  batteryChargeKWh: number;
  batteryDischargeKWh: number;
}

/** Inverter modes as the cloud reports them (`InverterModeValuePublic`). */
export const INVERTER_MODES = [
  'NoMode', 'Auto', 'ChargeBattery', 'DischargeBattery', 'ImportPower', 'ExportPower', 'Conserve',
  'Offgrid', 'Hibernate', 'BuyPower', 'SellPower', 'ForceChargeBattery', 'ForceDischargeBattery', 'Stop',
] as const;
export type InverterMode = typeof INVERTER_MODES[number];

/** Modes a schedule may request (Swagger "Supported power modes"). */
export const SCHEDULE_MODES: readonly InverterMode[] = [
  'ChargeBattery', 'DischargeBattery', 'Auto', 'ImportPower', 'ExportPower', 'Conserve', 'Offgrid',
  'Hibernate', 'BuyPower', 'SellPower', 'ForceChargeBattery', 'ForceDischargeBattery',
];

/** Modes the portal's Set form accepts. */
export const PORTAL_MODES: readonly InverterMode[] = [
  'Auto', 'ChargeBattery', 'DischargeBattery', 'ImportPower', 'ExportPower', 'Conserve',
];

export interface PowerMode {
  mode: InverterMode;
  powerW: number;
}

/** Ceilings from an active operating envelope, W / VA. */
export interface EnvelopeLimits {
  maxImportW: number | null;
  maxExportW: number | null;
  maxChargeW: number | null;
  maxDischargeW: number | null;
  maxGenerationVA: number | null;
}

/** What the controls (schedules, portal Set, envelopes) ask of one inverter at one instant. */
export interface ControlInput {
  mode: PowerMode;
  envelope: EnvelopeLimits | null;
}

/** Forces PV or load to a fixed value (kW) so tests can work numbers out by hand. */
export interface PhysicsOverrides {
  pvKW?: number | null;
  loadKW?: number | null;
}

export interface PhaseReading {
  id: 'A' | 'B' | 'C';
  exportKW: number | null;
  importKW: number | null;
  voltageV: number | null;
  currentA: number | null;
  powerFactor: number | null;
}

export interface ModuleReading {
  currentA: number;
  voltageV: number;
  powerKW: number;
  soc0to1: number;
}

/** One inverter's reading at the start of a simulated minute: SoC and counters as they stand then, and the powers that flow during that minute. */
export interface InverterSnapshot {
  serial: string;
  siteId: string;
  /** Start of the minute this reading belongs to, ms since the epoch. */
  timestampMs: number;
  status: 'OK' | 'Offline' | 'Fault';
  pvKW: number;
  loadKW: number;
  /** Negative = charging; null without a battery. */
  batteryKW: number | null;
  soc0to1: number | null;
  gridImportKW: number;
  gridExportKW: number;
  frequencyHz: number;
  temperatureC: number;
  phases: PhaseReading[];
  pvStrings: { currentA: number; voltageV: number; powerKW: number }[];
  battery: {
    currentA: number;
    voltageV: number;
    voltageType: 'HV' | 'LV';
    modules: ModuleReading[];
    cabinets: { temperatureC: number; fanState: 'Off' | 'On' | 'Error' }[];
  } | null;
  counters: EnergyCounters;
  mode: PowerMode;
}
