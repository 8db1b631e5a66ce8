/**
 * The simulator's state written in the cloud's JSON: PascalCase names, kW/kWh, SoC 0..1, the
 * documented casing quirks (`NMI` in site static, `SoC0To1` in modules, `Houseload`/`HouseLoad`)
 * and 7-digit fractional seconds in static timestamps.
 */
import type { EnvelopeRecord, InverterEntry, ScheduleRecord } from './cloud';
import { formatTimeSpan } from './timespan';
import type { InverterSnapshot, SiteDef } from './types';

export type DynamicVersion = 'v2' | 'v2.21';

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2022-12-12T06:04:02.0155057Z`: .NET's round-trip format with 7 fractional digits. */
export function isoTicks(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** `yyyyMMddTHHmmssZ`, the cloud's timestamp format in paths. */
export function pathTimestamp(ms: number): string {
  return isoSeconds(ms).replace(/[-:]/g, '');
}

export function siteNodeDto(site: SiteDef): Record<string, unknown> {
  return {
    Id: site.siteId,
    Nmi: site.nmi,
    Type: 'Site',
    Nodes: [
      ...site.inverters.map((i) => ({ SerialNumber: i.serial, Id: i.serial, Nmi: site.nmi, Type: 'Inverter', Nodes: null })),
      { Id: 'Houseload', Nmi: null, Type: 'Houseload', Nodes: null },
    ],
  };
}

export function staticDto(entry: InverterEntry, snapshot: InverterSnapshot): Record<string, unknown> {
  const { site, def } = entry;
  const battery = def.battery;
  return {
    StaticData: {
      TimestampUtc: isoTicks(snapshot.timestampMs - 45_000),
      Location: {
        Latitude: site.location.latitude,
        Longitude: site.location.longitude,
        AddressLineOne: site.location.addressLineOne,
        AddressLineTwo: null,
        Suburb: site.location.suburb,
        State: site.location.state,
        Country: 'Australia ',
        PostCode: site.location.postCode,
      },
      TechnologyProvider: 'Redback Technologies',
      RemoteAccessConnection: { Type: 'ETHERNET', CustomerChoice: true },
      ApprovedCapacityW: null,
      SolarRetailer: { Name: 'Simulated Solar Pty Ltd', ABN: '81231231231' },
      SiteDetails: {
        GenerationHardLimitVA: null,
        GenerationSoftLimitVA: null,
        ExportHardLimitkW: null,
        ExportHardLimitW: null,
        ExportSoftLimitkW: null,
        ExportSoftLimitW: null,
        ...limitsDto(entry),
        PanelModel: ' ',
        PanelSizekW: def.panelKW,
      },
      CommissioningDate: site.commissioningDate,
      NMI: site.nmi,
      LatestDynamicDataUtc: dynamicTimestamp(entry, snapshot),
      Status: snapshot.status,
      Id: site.siteId,
      Type: 'Site',
      DynamicDataMetadata: DYNAMIC_METADATA,
    },
    Nodes: [
      {
        StaticData: {
          ModelName: def.model,
          BatteryCount: battery ? battery.moduleCount : 0,
          SoftwareVersion: def.softwareVersion,
          FirmwareVersion: def.firmwareVersion,
          BatteryModels: battery ? [...battery.batteryModels] : [],
          Id: def.serial,
          Type: 'Inverter',
          DynamicDataMetadata: null,
        },
        Nodes: null,
      },
      { StaticData: { Id: 'HouseLoad', Type: 'Houseload', DynamicDataMetadata: null }, Nodes: null },
    ],
  };
}

const DYNAMIC_METADATA = Object.fromEntries(
  [
    ['ActiveExportedPowerInstantaneouskW', true], ['ActiveImportedPowerInstantaneouskW', true],
    ['VoltageInstantaneousV', true], ['CurrentInstantaneousA', true], ['PowerFactorInstantaneousMinus1to1', true],
    ['FrequencyInstantaneousHz', true], ['BatterySoCInstantaneous0to1', false], ['PvPowerInstantaneouskW', false],
    ['InverterTemperatureC', true], ['BatteryPowerNegativeIsChargingkW', false], ['PvAllTimeEnergykWh', false],
    ['ExportAllTimeEnergykWh', true], ['ImportAllTimeEnergykWh', true], ['LoadAllTimeEnergykWh', false],
  ].map(([name, measured]) => [`${name}Metadata`, { Measured: measured }]),
);

/** The cloud stamps each minute's record some seconds into the minute; fixed per inverter. */
export function dynamicTimestamp(entry: InverterEntry, snapshot: InverterSnapshot): string {
  let seconds = 0;
  for (const ch of entry.def.serial) seconds = (seconds * 31 + ch.charCodeAt(0)) % 60;
  return isoSeconds(snapshot.timestampMs + seconds * 1000);
}

export function dynamicDto(entry: InverterEntry, s: InverterSnapshot, version: DynamicVersion): Record<string, unknown> {
  const hasBattery = entry.def.battery !== null;
  const data: Record<string, unknown> = {
    TimestampUtc: dynamicTimestamp(entry, s),
    SiteId: entry.site.siteId,
    Phases: s.phases.map((p) => ({
      Id: p.id,
      ActiveExportedPowerInstantaneouskW: p.exportKW,
      ActiveImportedPowerInstantaneouskW: p.importKW,
      VoltageInstantaneousV: p.voltageV,
      CurrentInstantaneousA: p.currentA,
      PowerFactorInstantaneousMinus1to1: p.powerFactor,
    })),
    FrequencyInstantaneousHz: s.frequencyHz,
    BatterySoCInstantaneous0to1: s.soc0to1,
    PvPowerInstantaneouskW: s.pvKW,
    InverterTemperatureC: s.temperatureC,
    BatteryPowerNegativeIsChargingkW: s.batteryKW,
    PvAllTimeEnergykWh: s.counters.pvKWh,
    ExportAllTimeEnergykWh: s.counters.exportKWh,
    ImportAllTimeEnergykWh: s.counters.importKWh,
    LoadAllTimeEnergykWh: s.counters.loadKWh,
    Status: s.status,
    Inverters: [{ SerialNumber: entry.def.serial, PowerMode: { InverterMode: s.mode.mode, PowerW: s.mode.powerW } }],
  };
  if (version === 'v2') return data;
  return {
    ...data,
    BatteryChargeAllTimeEnergykWh: hasBattery ? s.counters.batteryChargeKWh : null,
    BatteryDischargeAllTimeEnergykWh: hasBattery ? s.counters.batteryDischargeKWh : null,
    PVs: s.pvStrings.map((p) => ({ CurrentA: p.currentA, VoltageV: p.voltageV, PowerkW: p.powerKW })),
    Battery: s.battery
      ? {
          CurrentNegativeIsChargingA: s.battery.currentA,
          VoltageV: s.battery.voltageV,
          VoltageType: s.battery.voltageType,
          NumberOfModules: s.battery.modules.length,
          Cabinets: s.battery.cabinets.map((c) => ({ TemperatureC: c.temperatureC, FanState: c.fanState })),
          Modules: s.battery.modules.map((m) => ({
            CurrentNegativeIsChargingA: m.currentA,
            VoltageV: m.voltageV,
            PowerNegativeIsChargingkW: m.powerKW,
            SoC0To1: m.soc0to1,
          })),
        }
      : null,
  };
}

/** The time-travel links a `?metadata=true` call adds; `base` is the path up to `/Dynamic`. */
export function dynamicMetadata(base: string, snapshotMs: number): Record<string, unknown> {
  const links = (direction: 1 | -1): Record<string, string> => {
    const steps: [string, number, number][] = [['1m', 1, 1], ['10m', 10, 2], ['1h', 60, 5], ['1d', 1440, 60], ['1w', 10080, 60]];
    return Object.fromEntries(
      steps.map(([key, minutes, period]) => [
        key,
        `${base}/LatestBeforeUtc/${pathTimestamp(snapshotMs + direction * minutes * 60_000)}/${period}?metadata=true`,
      ]),
    );
  };
  return {
    Latest: `${base}?metadata=True`,
    Permalink: `${base}/At/${pathTimestamp(snapshotMs)}?metadata=True`,
    Back: links(-1),
    Forward: links(1),
  };
}

/** The limits and capacities that static `SiteDetails` and the configuration both carry. */
function limitsDto({ site, def }: InverterEntry): Record<string, unknown> {
  const battery = def.battery;
  return {
    SiteExportLimitkW: site.siteExportLimitKW,
    BatteryMaxChargePowerkW: battery ? battery.maxChargeKW : null,
    BatteryMaxDischargePowerkW: battery ? battery.maxDischargeKW : null,
    BatteryCapacitykWh: battery ? battery.capacityKWh : null,
    UsableBatteryCapacitykWh: battery ? round(battery.capacityKWh * (1 - battery.minSoc0to1), 3) : null,
    SystemType: def.systemType,
    InverterMaxExportPowerkW: def.inverterMaxExportKW,
    InverterMaxImportPowerkW: def.inverterMaxImportKW,
  };
}

export function configurationDto(entry: InverterEntry): Record<string, unknown> {
  const { site, def } = entry;
  const battery = def.battery;
  return {
    SiteId: site.siteId,
    Nmi: site.nmi,
    SerialNumber: def.serial,
    GenerationHardLimitVA: null,
    GenerationSoftLimitVA: null,
    ExportHardLimitkW: null,
    ExportSoftLimitkW: null,
    ...limitsDto(entry),
    MinSoC0to1: battery ? battery.minSoc0to1 : null,
    MinOffgridSoC0to1: battery ? battery.minOffgridSoc0to1 : null,
  };
}

export function scheduleDto(s: ScheduleRecord, withSerial: boolean): Record<string, unknown> {
  return {
    ScheduleId: s.scheduleId,
    SiteId: s.siteId,
    ...(withSerial ? { SerialNumber: s.serial } : {}),
    UserNotes: s.userNotes,
    StartTimeUtc: isoSeconds(s.startMs),
    Duration: formatTimeSpan(s.durationMs),
    DesiredMode: { InverterMode: s.mode.mode, ArgumentInWatts: s.mode.powerW },
  };
}

export function envelopeDto(e: EnvelopeRecord, status: string): Record<string, unknown> {
  return {
    EventId: e.eventId,
    Nmi: e.nmi,
    SiteId: e.siteId,
    StartAtUtc: isoSeconds(e.startMs),
    EndAtUtc: isoSeconds(e.endMs),
    MaxImportPowerW: e.maxImportW,
    MaxExportPowerW: e.maxExportW,
    MaxDischargePowerW: e.maxDischargeW,
    MaxChargePowerW: e.maxChargeW,
    MaxGenerationPowerVA: e.maxGenerationVA,
    IsNetworkLevel: false,
    ReportedStartUtc: status === 'Scheduled' ? null : isoSeconds(e.startMs),
    ReportedFinishUtc: status === 'ReportFinished' ? isoSeconds(e.endMs) : null,
    Status: status,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
