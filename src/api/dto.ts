/**
 * The cloud's JSON as docs/redback-cloud.md describes it. Every field the cloud may leave out or send as
 * null is optional and nullable here; readers must not assume more.
 */
export interface Paged<T> {
  Page?: number;
  PageSize?: number;
  PageCount?: number;
  TotalCount?: number;
  Data: T[];
}

export interface EnergyNode {
  Id: string;
  Nmi?: string | null;
  Type: string;
  /** Present on inverter nodes in practice, though not in the Swagger model. */
  SerialNumber?: string | null;
  Nodes?: EnergyNode[] | null;
}

export interface SiteDetails {
  GenerationHardLimitVA?: number | null;
  GenerationSoftLimitVA?: number | null;
  ExportHardLimitkW?: number | null;
  ExportSoftLimitkW?: number | null;
  /** Deprecated; despite the name, kW. */
  ExportHardLimitW?: number | null;
  ExportSoftLimitW?: number | null;
  SiteExportLimitkW?: number | null;
  BatteryMaxChargePowerkW?: number | null;
  BatteryMaxDischargePowerkW?: number | null;
  BatteryCapacitykWh?: number | null;
  UsableBatteryCapacitykWh?: number | null;
  PanelModel?: string | null;
  PanelSizekW?: number | null;
  SystemType?: string | null;
  InverterMaxExportPowerkW?: number | null;
  InverterMaxImportPowerkW?: number | null;
}

export interface SiteStatic {
  Id: string;
  Type?: string;
  /** Upper case in site static data. */
  NMI?: string | null;
  Nmi?: string | null;
  TimestampUtc?: string | null;
  LatestDynamicDataUtc?: string | null;
  Status?: string | null;
  CommissioningDate?: string | null;
  SiteDetails?: SiteDetails | null;
}

export interface InverterStatic {
  Id: string;
  Type: string;
  ModelName?: string | null;
  BatteryCount?: number | null;
  SoftwareVersion?: string | null;
  FirmwareVersion?: string | null;
  BatteryModels?: (string | null)[] | null;
}

export interface StaticView {
  StaticData: SiteStatic;
  Nodes?: { StaticData: InverterStatic; Nodes?: unknown }[] | null;
}

export interface PhaseData {
  Id: string;
  ActiveExportedPowerInstantaneouskW?: number | null;
  ActiveImportedPowerInstantaneouskW?: number | null;
  VoltageInstantaneousV?: number | null;
  CurrentInstantaneousA?: number | null;
  PowerFactorInstantaneousMinus1to1?: number | null;
}

export interface DynamicData {
  TimestampUtc: string;
  SiteId?: string | null;
  Phases?: PhaseData[] | null;
  FrequencyInstantaneousHz?: number | null;
  BatterySoCInstantaneous0to1?: number | null;
  PvPowerInstantaneouskW?: number | null;
  InverterTemperatureC?: number | null;
  BatteryPowerNegativeIsChargingkW?: number | null;
  PvAllTimeEnergykWh?: number | null;
  ExportAllTimeEnergykWh?: number | null;
  ImportAllTimeEnergykWh?: number | null;
  LoadAllTimeEnergykWh?: number | null;
  BatteryChargeAllTimeEnergykWh?: number | null;
  BatteryDischargeAllTimeEnergykWh?: number | null;
  Status?: string | null;
  Inverters?: { SerialNumber?: string | null; PowerMode?: { InverterMode?: string | null; PowerW?: number | null } | null }[] | null;
  PVs?: { CurrentA?: number | null; VoltageV?: number | null; PowerkW?: number | null }[] | null;
  Battery?: {
    CurrentNegativeIsChargingA?: number | null;
    VoltageV?: number | null;
    VoltageType?: string | null;
    NumberOfModules?: number | null;
    Cabinets?: { TemperatureC?: number | null; FanState?: string | null }[] | null;
    Modules?: {
      CurrentNegativeIsChargingA?: number | null;
      VoltageV?: number | null;
      PowerNegativeIsChargingkW?: number | null;
      SoC0To1?: number | null;
    }[] | null;
  } | null;
}

export interface InverterConfiguration {
  SiteId?: string | null;
  Nmi?: string | null;
  SerialNumber?: string | null;
  SiteExportLimitkW?: number | null;
  BatteryMaxChargePowerkW?: number | null;
  BatteryMaxDischargePowerkW?: number | null;
  BatteryCapacitykWh?: number | null;
  UsableBatteryCapacitykWh?: number | null;
  SystemType?: string | null;
  InverterMaxExportPowerkW?: number | null;
  InverterMaxImportPowerkW?: number | null;
  MinSoC0to1?: number | null;
  MinOffgridSoC0to1?: number | null;
}

export interface PowerModeArgument {
  InverterMode: string;
  ArgumentInWatts: number;
}

export interface ScheduleDto {
  ScheduleId: string;
  SiteId?: string | null;
  SerialNumber?: string | null;
  UserNotes?: string | null;
  StartTimeUtc: string;
  Duration: string;
  DesiredMode?: PowerModeArgument | null;
}

export interface SchedulesBySerial {
  Schedules?: ScheduleDto[] | null;
  DailySchedules?: unknown[] | null;
}

export interface CreateScheduleRequest {
  SerialNumber: string;
  UserNotes: string;
  StartTimeUtc: string;
  Duration: string;
  DesiredMode: PowerModeArgument;
}

export interface EnvelopeLimits {
  MaxImportPowerW: number;
  MaxExportPowerW: number;
  MaxDischargePowerW: number;
  MaxChargePowerW: number;
  MaxGenerationPowerVA: number;
}

export interface CreateEnvelopeRequest extends EnvelopeLimits {
  EventId: string;
  SiteId: string;
  StartAtUtc: string;
  EndAtUtc: string;
}

export interface EnvelopeDto extends Partial<EnvelopeLimits> {
  EventId: string;
  SiteId?: string | null;
  Nmi?: string | null;
  StartAtUtc: string;
  EndAtUtc: string;
  IsNetworkLevel?: boolean;
  Status?: string | null;
}
