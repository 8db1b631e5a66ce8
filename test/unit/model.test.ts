/**
 * The model: cloud DTOs -> the `redback-read` site, inverter and battery payloads.
 *
 * Contract: design.md, `redback-read`. Cloud facts: docs/redback-cloud.md §4.
 * Every expected number below is worked out by hand from the literal it comes from; the
 * arithmetic is in the comment next to it.
 */
import should from 'should';
import { fixtureBatteryLessDynamic, fixtureConfiguration, fixtureDynamic, fixtureStatic } from '../helpers/fixtures';
import type { DynamicData, PhaseData, StaticView } from '../../src/api/dto';
import { batteryPayload, inverterPayload } from '../../src/model/inverter-payloads';
import { hasBattery, inverterStatic, type InverterReading } from '../../src/model/inverter-reading';
import { ENERGY_KEYS, type SitePayload } from '../../src/model/payloads';
import { sitePayload } from '../../src/model/site-payload';
import { fractionToPct, kwToW, num, sumOrNull, text } from '../../src/model/units';

const SITE = 'S1234123412341';
const SERIAL = 'RB12341234123412';

/** A value of the wrong type where the DTO promises a number or string (the cloud is not to be trusted). */
function junk<T>(value: unknown): T {
  return value as T;
}

function fixtureReading(overrides: Partial<InverterReading> = {}): InverterReading {
  return {
    siteId: SITE,
    serial: SERIAL,
    dynamic: fixtureDynamic(),
    static: fixtureStatic(),
    configuration: fixtureConfiguration(),
    ...overrides,
  };
}

/** The static view of an inverter with the given node facts and site details (the rest of the site static left out). */
function staticView(serial: string, node: Record<string, unknown>, details: Record<string, unknown> = {}): StaticView {
  return {
    StaticData: { Id: SITE, Type: 'Site', SiteDetails: details },
    Nodes: [{ StaticData: { Id: serial, Type: 'Inverter', ...node }, Nodes: null }],
  } as unknown as StaticView;
}

function nullPhase(id: string): PhaseData {
  return {
    Id: id, ActiveExportedPowerInstantaneouskW: null, ActiveImportedPowerInstantaneouskW: null,
    VoltageInstantaneousV: null, CurrentInstantaneousA: null, PowerFactorInstantaneousMinus1to1: null,
  };
}

/** Every dynamic field null (the required timestamp too: the cloud has been seen to send nulls everywhere). */
function allNullDynamic(): DynamicData {
  return {
    TimestampUtc: junk<string>(null),
    SiteId: null, Phases: null, FrequencyInstantaneousHz: null, BatterySoCInstantaneous0to1: null,
    PvPowerInstantaneouskW: null, InverterTemperatureC: null, BatteryPowerNegativeIsChargingkW: null,
    PvAllTimeEnergykWh: null, ExportAllTimeEnergykWh: null, ImportAllTimeEnergykWh: null,
    LoadAllTimeEnergykWh: null, BatteryChargeAllTimeEnergykWh: null, BatteryDischargeAllTimeEnergykWh: null,
    Status: null, Inverters: null, PVs: null, Battery: null,
  };
}

const NULL_TOTALS = {
  pvKWh: null, loadKWh: null, gridImportKWh: null, gridExportKWh: null, batteryChargeKWh: null, batteryDischargeKWh: null,
};

describe('model: units', () => {
  it('num keeps finite numbers and turns everything else into null, never 0', () => {
    should(num(0)).equal(0);
    should(num(-1.5)).equal(-1.5);
    for (const bad of [null, undefined, NaN, Infinity, -Infinity, '1.5', '', true, {}, []]) should(num(bad)).be.null();
  });

  it('kwToW rounds to whole watts; fractionToPct gives percent; both keep null null', () => {
    should(kwToW(1.416)).equal(1416); // 1.416 kW x 1000
    should(kwToW(0.347)).equal(347);
    should(kwToW(-2.3456)).equal(-2346); // -2345.6 W rounds to -2346
    should(kwToW(0.0004)).equal(0); // 0.4 W rounds to 0: a reported tiny value, not a missing one
    should(kwToW(null)).be.null();
    should(kwToW('1.4')).be.null();
    should(fractionToPct(0.98)).equal(98); // 0.98 x 100
    should(fractionToPct(0.1)).equal(10);
    should(fractionToPct(0)).equal(0);
    should(fractionToPct(1)).equal(100);
    should(fractionToPct(undefined)).be.null();
  });

  it('sumOrNull is null only when nothing is present; text trims and turns blank into null', () => {
    should(sumOrNull([])).be.null();
    should(sumOrNull([null, null])).be.null();
    should(sumOrNull([0, null])).equal(0);
    should(sumOrNull([1, 2, null])).equal(3);
    should(text(' ST10000 ')).equal('ST10000');
    should(text('   ')).be.null();
    should(text('')).be.null();
    should(text(42)).be.null();
    should(text(null)).be.null();
  });
});

describe('model: the reference fixture (three-phase ST10000, v2.21, 4 modules)', () => {
  it('gives the site payload worked out by hand', () => {
    const site = sitePayload(SITE, [fixtureReading()]);
    should(site).eql({
      siteId: SITE,
      timestamp: '2024-12-10T22:47:40Z',
      status: 'OK',
      pvPowerW: 1416, // 1.416 kW x 1000
      // (0 + 0 + 0) kW imported
      gridImportPowerW: 0,
      // (0.33 + 0.347 + 0.422) kW x 1000 = 330 + 347 + 422 = 1099 W
      gridExportPowerW: 1099,
      batteryPowerW: 0, // 0 kW, reported (not missing)
      // pv + battery + import - export = 1416 + 0 + 0 - 1099 = 317
      loadPowerW: 317,
      batterySocPct: 98, // 0.98 x 100
      frequencyHz: 50.02,
      phases: [
        { id: 'A', voltageV: 233.1, currentA: 1.42, powerFactor: 0.79, importPowerW: 0, exportPowerW: 330 },
        { id: 'B', voltageV: 235.3, currentA: 1.47, powerFactor: 0.785, importPowerW: 0, exportPowerW: 347 },
        { id: 'C', voltageV: 236.1, currentA: 1.79, powerFactor: 0.829, importPowerW: 0, exportPowerW: 422 },
      ],
      // the lifetime counters exactly as the cloud reports them
      energy: {
        pvKWh: 5413.9,
        loadKWh: 3157.7,
        gridImportKWh: 175.108,
        gridExportKWh: 2612.829,
        batteryChargeKWh: 8856.1,
        batteryDischargeKWh: 8235.3,
      },
    });
  });

  it('gives the inverter payload from dynamic + static data', () => {
    should(inverterPayload(fixtureReading())).eql({
      siteId: SITE,
      serial: SERIAL,
      model: 'ST10000',
      softwareVersion: '2.16.32211.1',
      firmwareVersion: '080819',
      temperatureC: 45.9,
      mode: 'Auto',
      modePowerW: 0,
      pvStrings: [
        { voltageV: 384.5, currentA: 12.4, powerW: 4767 }, // 4.767 kW x 1000
        { voltageV: 384.4, currentA: 12.4, powerW: 4788 }, // 4.788 kW x 1000
      ],
      // SiteDetails: BatteryMaxCharge/Discharge 10 kW, InverterMaxExport/Import 10 kW -> 10 x 1000 W
      limits: { maxChargeW: 10000, maxDischargeW: 10000, maxExportW: 10000, maxImportW: 10000 },
    });
  });

  it('gives the battery payload, min SoC from the configuration and module models from static data', () => {
    const module = (model: string, voltageV: number) => ({ socPct: 98, voltageV, currentA: 0, powerW: 0, model });
    should(batteryPayload(fixtureReading())).eql({
      siteId: SITE,
      serial: SERIAL,
      socPct: 98, // 0.98 x 100
      powerW: 0,
      voltageV: 200.2,
      currentA: 0,
      capacityKWh: 14.22,
      usableCapacityKWh: 12.798,
      minSocPct: 10, // MinSoC0to1 0.1 x 100
      // BatteryModels ["RB600","Unknown","Unknown","Unknown"], "Unknown" passed through as the cloud says it
      modules: [module('RB600', 50.09), module('Unknown', 50.02), module('Unknown', 50.06), module('Unknown', 50.03)],
      cabinets: [{ temperatureC: 0, fanState: 'Off' }],
    });
  });

  it('keeps the sign of battery power: negative = charging, in the site and battery payloads', () => {
    const reading = fixtureReading();
    reading.dynamic.BatteryPowerNegativeIsChargingkW = -2.5;
    reading.dynamic.PvPowerInstantaneouskW = 4.1;
    reading.dynamic.Battery!.CurrentNegativeIsChargingA = -12.5;
    reading.dynamic.Battery!.Modules![0].PowerNegativeIsChargingkW = -0.625;
    const site = sitePayload(SITE, [reading]);
    should(site.batteryPowerW).equal(-2500); // -2.5 kW x 1000
    // 4100 + (-2500) + 0 - 1099 = 501
    should(site.loadPowerW).equal(501);
    const battery = batteryPayload(reading)!;
    should(battery.powerW).equal(-2500);
    should(battery.currentA).equal(-12.5);
    should(battery.modules[0].powerW).equal(-625);
  });

  it('adds imports on every phase and subtracts exports in the load', () => {
    const reading = fixtureReading();
    reading.dynamic.PvPowerInstantaneouskW = 0.2;
    reading.dynamic.BatteryPowerNegativeIsChargingkW = 0.75;
    reading.dynamic.Phases = reading.dynamic.Phases!.map((p, i) => ({
      ...p,
      ActiveExportedPowerInstantaneouskW: i === 2 ? 0.05 : 0,
      ActiveImportedPowerInstantaneouskW: i === 2 ? 0 : 0.4 + i * 0.1, // A 0.4 kW, B 0.5 kW
    }));
    const site = sitePayload(SITE, [reading]);
    should(site.gridImportPowerW).equal(900); // 400 + 500 + 0
    should(site.gridExportPowerW).equal(50); // 0 + 0 + 50
    // 200 + 750 + 900 - 50 = 1800
    should(site.loadPowerW).equal(1800);
    should(site.phases.map((p) => [p.importPowerW, p.exportPowerW])).eql([[400, 0], [500, 0], [0, 50]]);
  });

  it('passes on a lifetime total that went down exactly as reported (no smoothing)', () => {
    const reading = fixtureReading();
    reading.dynamic.PvAllTimeEnergykWh = 0.4; // was 5413.9: the cloud reset the counter
    const site = sitePayload(SITE, [reading]);
    should(site.energy.pvKWh).equal(0.4);
    should(site.energy.loadKWh).equal(3157.7);
  });

  it('falls back to the configuration for limits and capacities when static data is missing', () => {
    const reading = fixtureReading({ static: null });
    const config = reading.configuration!;
    config.BatteryMaxChargePowerkW = 5;
    config.BatteryMaxDischargePowerkW = 4.6;
    config.InverterMaxExportPowerkW = 5;
    config.InverterMaxImportPowerkW = 6.25;
    config.BatteryCapacitykWh = 10.24;
    config.UsableBatteryCapacitykWh = 9.216;
    const inverter = inverterPayload(reading);
    should(inverter.model).be.null();
    should(inverter.softwareVersion).be.null();
    should(inverter.firmwareVersion).be.null();
    // 5 -> 5000, 4.6 -> 4600, 5 -> 5000, 6.25 -> 6250
    should(inverter.limits).eql({ maxChargeW: 5000, maxDischargeW: 4600, maxExportW: 5000, maxImportW: 6250 });
    const battery = batteryPayload(reading)!; // SoC 0.98 reported: a battery even without static data
    should(battery.capacityKWh).equal(10.24);
    should(battery.usableCapacityKWh).equal(9.216);
    should(battery.modules.map((m) => m.model)).eql([null, null, null, null]);
  });

  it('prefers the static data to the configuration for limits and capacities (issue 4: static facts, configuration for min SoC)', () => {
    const reading = fixtureReading();
    const config = reading.configuration!;
    config.BatteryMaxChargePowerkW = 3;
    config.InverterMaxExportPowerkW = 2.5;
    config.BatteryCapacitykWh = 28.44;
    config.UsableBatteryCapacitykWh = 25.596;
    should(inverterPayload(reading).limits).eql({ maxChargeW: 10000, maxDischargeW: 10000, maxExportW: 10000, maxImportW: 10000 });
    const battery = batteryPayload(reading)!;
    should(battery.capacityKWh).equal(14.22);
    should(battery.usableCapacityKWh).equal(12.798);
  });

  it('leaves limits, capacity and min SoC null when neither static data nor configuration has them', () => {
    const reading = fixtureReading({ static: null, configuration: null });
    should(inverterPayload(reading).limits).eql({ maxChargeW: null, maxDischargeW: null, maxExportW: null, maxImportW: null });
    const battery = batteryPayload(reading)!;
    should(battery.capacityKWh).be.null();
    should(battery.usableCapacityKWh).be.null();
    should(battery.minSocPct).be.null();
  });

  it('finds the inverter node by serial and the mode by serial', () => {
    const other = 'RB99999999999999';
    const reading = fixtureReading();
    const view = reading.static!;
    view.Nodes = [
      { StaticData: { Id: other, Type: 'Inverter', ModelName: 'SH5000', BatteryCount: 0 }, Nodes: null },
      ...view.Nodes!,
    ];
    reading.dynamic.Inverters = [
      { SerialNumber: other, PowerMode: { InverterMode: 'ChargeBattery', PowerW: 3000 } },
      { SerialNumber: SERIAL, PowerMode: { InverterMode: 'Conserve', PowerW: 0 } },
    ];
    should(inverterStatic(reading)!.ModelName).equal('ST10000');
    const inverter = inverterPayload(reading);
    should(inverter.model).equal('ST10000');
    should(inverter.mode).equal('Conserve');
    should(inverter.modePowerW).equal(0);
  });
});

describe('model: battery-less inverters', () => {
  /** An SI5000-like grid-tie inverter: single phase, one PV string, no battery (docs/redback-cloud.md §4.6). */
  function batteryLessReading(battery: DynamicData['Battery'] | 'absent' = null): InverterReading {
    const dynamic = fixtureBatteryLessDynamic();
    if (battery !== 'absent') dynamic.Battery = battery;
    return {
      siteId: 'S3',
      serial: 'RB30000000000003',
      dynamic,
      static: staticView('RB30000000000003', { ModelName: 'SI5000', BatteryCount: 0, BatteryModels: [], SoftwareVersion: '1.2.3', FirmwareVersion: '010101' },
        { BatteryCapacitykWh: null, UsableBatteryCapacitykWh: null, BatteryMaxChargePowerkW: null, BatteryMaxDischargePowerkW: null, InverterMaxExportPowerkW: 5, InverterMaxImportPowerkW: 5 }),
      configuration: null,
    };
  }

  for (const [label, battery] of [
    ['Battery null', null],
    ['Battery absent', 'absent'],
    // docs/redback-cloud.md §9: the v2.21 Battery block of a battery-less system may be an object of nulls
    ['Battery an object of nulls', { CurrentNegativeIsChargingA: null, VoltageV: null, VoltageType: null, NumberOfModules: 0, Cabinets: [], Modules: [] }],
    ['Battery with null modules', { CurrentNegativeIsChargingA: null, VoltageV: null, VoltageType: null, NumberOfModules: null, Cabinets: null, Modules: [{ CurrentNegativeIsChargingA: null, VoltageV: null, PowerNegativeIsChargingkW: null, SoC0To1: null }] }],
  ] as [string, DynamicData['Battery'] | 'absent'][]) {
    it(`has no battery message and no battery power (${label})`, () => {
      const reading = batteryLessReading(battery);
      should(hasBattery(reading)).be.false();
      should(batteryPayload(reading)).be.null();
      const site = sitePayload('S3', [reading]);
      should(site.batteryPowerW).be.null();
      should(site.batterySocPct).be.null();
      // no battery counts 0 in the load: 3200 + 0 + 0 - 1100 = 2100
      should(site.loadPowerW).equal(2100);
    });
  }

  it('gives the site, inverter and energy figures of a battery-less inverter', () => {
    const reading = batteryLessReading();
    should(sitePayload('S3', [reading])).eql({
      siteId: 'S3',
      timestamp: '2026-03-01T02:00:07Z',
      status: 'OK',
      pvPowerW: 3200,
      loadPowerW: 2100, // 3200 + 0 (no battery) + 0 - 1100
      gridImportPowerW: 0,
      gridExportPowerW: 1100,
      batteryPowerW: null,
      batterySocPct: null,
      frequencyHz: 49.98,
      phases: [{ id: 'A', voltageV: 245, currentA: 13.2, powerFactor: 0.99, importPowerW: 0, exportPowerW: 1100 }],
      // battery lifetime totals are not invented for an inverter without a battery
      energy: { pvKWh: 1200.5, loadKWh: 811, gridImportKWh: 310.75, gridExportKWh: 700.25, batteryChargeKWh: null, batteryDischargeKWh: null },
    });
    should(inverterPayload(reading)).eql({
      siteId: 'S3',
      serial: 'RB30000000000003',
      model: 'SI5000',
      softwareVersion: '1.2.3',
      firmwareVersion: '010101',
      temperatureC: 51.5,
      mode: 'Auto',
      modePowerW: 0,
      pvStrings: [{ voltageV: 400, currentA: 8.1, powerW: 3200 }],
      limits: { maxChargeW: null, maxDischargeW: null, maxExportW: 5000, maxImportW: 5000 },
    });
  });

  it('ignores battery counters a battery-less inverter reports as 0 (they are not its battery)', () => {
    const reading = batteryLessReading();
    reading.dynamic.BatteryChargeAllTimeEnergykWh = 0;
    reading.dynamic.BatteryDischargeAllTimeEnergykWh = 0;
    reading.dynamic.BatteryPowerNegativeIsChargingkW = 0;
    const site = sitePayload('S3', [reading]);
    should(site.energy.batteryChargeKWh).be.null();
    should(site.energy.batteryDischargeKWh).be.null();
    should(site.batteryPowerW).be.null();
    should(site.loadPowerW).equal(2100);
  });

  it('does not take a NaN SoC for a battery', () => {
    const reading = batteryLessReading();
    reading.dynamic.BatterySoCInstantaneous0to1 = NaN;
    should(hasBattery(reading)).be.false();
    should(batteryPayload(reading)).be.null();
  });
});

describe('model: the BatteryCount 0 bug (docs/redback-cloud.md §4.6)', () => {
  it('still gives a battery message when BatteryCount is 0 but the SoC is reported', () => {
    const reading = fixtureReading();
    (reading.static!.Nodes![0].StaticData).BatteryCount = 0;
    reading.dynamic.BatteryPowerNegativeIsChargingkW = -1.25;
    reading.dynamic.PvPowerInstantaneouskW = 3;
    should(hasBattery(reading)).be.true();
    const battery = batteryPayload(reading);
    should(battery).not.be.null();
    should(battery!.socPct).equal(98);
    should(battery!.powerW).equal(-1250);
    should(battery!.modules).have.length(4);
    const site = sitePayload(SITE, [reading]);
    should(site.batterySocPct).equal(98);
    should(site.batteryPowerW).equal(-1250);
    // 3000 + (-1250) + 0 - 1099 = 651
    should(site.loadPowerW).equal(651);
    should(site.energy.batteryChargeKWh).equal(8856.1);
  });

  it('also with v2 data (no Battery block), from the SoC alone', () => {
    const reading = fixtureReading();
    (reading.static!.Nodes![0].StaticData).BatteryCount = 0;
    delete reading.dynamic.Battery;
    const battery = batteryPayload(reading)!;
    should(battery.socPct).equal(98);
    should(battery.voltageV).be.null();
    should(battery.currentA).be.null();
    should(battery.modules).eql([]);
    should(battery.cabinets).eql([]);
  });

  it('and from a Battery block with values when the SoC is missing', () => {
    const reading = fixtureReading();
    (reading.static!.Nodes![0].StaticData).BatteryCount = 0;
    reading.dynamic.BatterySoCInstantaneous0to1 = null;
    const battery = batteryPayload(reading)!;
    should(battery.socPct).be.null();
    should(battery.voltageV).equal(200.2);
  });
});

describe('model: single-phase sites (docs/redback-cloud.md §4.6, both shapes)', () => {
  /** An SH5000-like reading: phase A only, discharging battery. */
  function singlePhase(extraPhases: PhaseData[]): InverterReading {
    const reading = fixtureReading();
    reading.dynamic.Phases = [
      { Id: 'A', ActiveExportedPowerInstantaneouskW: 0, ActiveImportedPowerInstantaneouskW: 0.512, VoltageInstantaneousV: 241.3, CurrentInstantaneousA: 5.6, PowerFactorInstantaneousMinus1to1: 0.97 },
      ...extraPhases,
    ];
    reading.dynamic.PvPowerInstantaneouskW = 0.8;
    reading.dynamic.BatteryPowerNegativeIsChargingkW = 1.2;
    reading.dynamic.BatterySoCInstantaneous0to1 = 0.42;
    return reading;
  }

  const expectedPhases = [{ id: 'A', voltageV: 241.3, currentA: 5.6, powerFactor: 0.97, importPowerW: 512, exportPowerW: 0 }];

  for (const [label, extra] of [
    ['only phase A', []],
    ['B and C present with every value null', [nullPhase('B'), nullPhase('C')]],
    ['B and C present with only an Id', [{ Id: 'B' }, { Id: 'C' }]],
  ] as [string, PhaseData[]][]) {
    it(`reports phase A alone and the load from it (${label})`, () => {
      const site = sitePayload(SITE, [singlePhase(extra)]);
      should(site.phases).eql(expectedPhases);
      should(site.gridImportPowerW).equal(512); // 0.512 kW
      should(site.gridExportPowerW).equal(0);
      // 800 + 1200 + 512 - 0 = 2512
      should(site.loadPowerW).equal(2512);
      should(site.batterySocPct).equal(42);
    });
  }

  it('keeps B and C when they report zeros (zeros are values, not missing)', () => {
    const zero = (id: string): PhaseData => ({ Id: id, ActiveExportedPowerInstantaneouskW: 0, ActiveImportedPowerInstantaneouskW: 0,
      VoltageInstantaneousV: 0, CurrentInstantaneousA: 0, PowerFactorInstantaneousMinus1to1: 0 });
    const site = sitePayload(SITE, [singlePhase([zero('B'), zero('C')])]);
    should(site.phases.map((p) => p.id)).eql(['A', 'B', 'C']);
    should(site.phases[1]).eql({ id: 'B', voltageV: 0, currentA: 0, powerFactor: 0, importPowerW: 0, exportPowerW: 0 });
    should(site.gridImportPowerW).equal(512); // 512 + 0 + 0
    should(site.loadPowerW).equal(2512);
  });
});

describe('model: missing values stay missing', () => {
  for (const [label, pv] of [['null', null], ['absent', undefined], ['NaN', NaN], ['a string', '1.416']] as [string, unknown][]) {
    it(`a PV power that is ${label} gives pvPowerW and loadPowerW null, not 0`, () => {
      const reading = fixtureReading();
      if (pv === undefined) delete reading.dynamic.PvPowerInstantaneouskW;
      else reading.dynamic.PvPowerInstantaneouskW = junk<number>(pv);
      const site = sitePayload(SITE, [reading]);
      should(site.pvPowerW).be.null();
      should(site.loadPowerW).be.null();
      should(site.gridExportPowerW).equal(1099); // the grid is still known
    });
  }

  for (const [label, phases] of [
    ['null', null],
    ['absent', undefined],
    ['empty', []],
    ['all-null phases', [nullPhase('A'), nullPhase('B'), nullPhase('C')]],
  ] as [string, PhaseData[] | null | undefined][]) {
    it(`Phases ${label} gives grid powers and loadPowerW null, not 0`, () => {
      const reading = fixtureReading();
      if (phases === undefined) delete reading.dynamic.Phases;
      else reading.dynamic.Phases = phases;
      const site = sitePayload(SITE, [reading]);
      should(site.phases).eql([]);
      should(site.gridImportPowerW).be.null();
      should(site.gridExportPowerW).be.null();
      should(site.loadPowerW).be.null();
      should(site.pvPowerW).equal(1416);
    });
  }

  it('phases with import and export null give grid powers and loadPowerW null', () => {
    const reading = fixtureReading();
    for (const p of reading.dynamic.Phases!) {
      p.ActiveExportedPowerInstantaneouskW = null;
      p.ActiveImportedPowerInstantaneouskW = null;
    }
    const site = sitePayload(SITE, [reading]);
    should(site.phases).have.length(3); // voltages are still there
    should(site.gridImportPowerW).be.null();
    should(site.gridExportPowerW).be.null();
    should(site.loadPowerW).be.null();
  });

  it('a phase that reports values but not its export leaves the export total null, not a sum of the others', () => {
    const reading = fixtureReading();
    reading.dynamic.Phases![1].ActiveExportedPowerInstantaneouskW = null; // B: voltage etc. still reported
    const site = sitePayload(SITE, [reading]);
    should(site.phases).have.length(3);
    should(site.phases[1].exportPowerW).be.null();
    should(site.gridExportPowerW).be.null(); // not 330 + 422 = 752
    should(site.gridImportPowerW).equal(0); // every phase reports its import: 0 + 0 + 0
    should(site.loadPowerW).be.null(); // not 1416 - 752 = 664
  });

  it('a battery inverter whose battery power is not reported gives loadPowerW null, not pv + grid', () => {
    const reading = fixtureReading();
    reading.dynamic.BatteryPowerNegativeIsChargingkW = null;
    const site = sitePayload(SITE, [reading]);
    should(site.batteryPowerW).be.null();
    should(site.loadPowerW).be.null();
    should(batteryPayload(reading)!.powerW).be.null();
  });

  it('every dynamic field null: payload fields null, arrays empty, nothing throws', () => {
    const bare = fixtureReading({ dynamic: allNullDynamic(), static: null, configuration: null });
    const site = sitePayload(SITE, [bare]);
    should(site).eql({
      siteId: SITE, timestamp: null, status: null, pvPowerW: null, loadPowerW: null, gridImportPowerW: null,
      gridExportPowerW: null, batteryPowerW: null, batterySocPct: null, frequencyHz: null, phases: [], energy: NULL_TOTALS,
    });
    should(inverterPayload(bare)).eql({
      siteId: SITE, serial: SERIAL, model: null, softwareVersion: null, firmwareVersion: null, temperatureC: null,
      mode: null, modePowerW: null, pvStrings: [],
      limits: { maxChargeW: null, maxDischargeW: null, maxExportW: null, maxImportW: null },
    });
    should(batteryPayload(bare)).be.null(); // nothing says there is a battery

    // with the static data saying there are 4 batteries: a battery message, all of it null but the static facts
    const known = fixtureReading({ dynamic: allNullDynamic() });
    should(batteryPayload(known)).eql({
      siteId: SITE, serial: SERIAL, socPct: null, powerW: null, voltageV: null, currentA: null,
      capacityKWh: 14.22, usableCapacityKWh: 12.798, minSocPct: 10, modules: [], cabinets: [],
    });
    const knownSite = sitePayload(SITE, [known]);
    should(knownSite.batterySocPct).be.null();
    should(knownSite.batteryPowerW).be.null();
    should(knownSite.energy).eql(NULL_TOTALS);
  });

  it('null entries and null values inside the arrays do not throw', () => {
    const reading = fixtureReading();
    const d = reading.dynamic;
    d.Phases = [junk<PhaseData>(null), nullPhase('A'), junk<PhaseData>({ Id: null })];
    d.Inverters = [junk<{ SerialNumber: string }>(null), { SerialNumber: null, PowerMode: null }];
    d.PVs = [junk<{ CurrentA: number }>(null), { CurrentA: null, VoltageV: null, PowerkW: null }];
    d.Battery = {
      CurrentNegativeIsChargingA: null, VoltageV: null, VoltageType: null, NumberOfModules: null,
      Cabinets: [junk<{ TemperatureC: number }>(null), { TemperatureC: null, FanState: null }],
      Modules: [junk<{ SoC0To1: number }>(null), { CurrentNegativeIsChargingA: null, VoltageV: null, PowerNegativeIsChargingkW: null, SoC0To1: null }],
    };
    reading.static!.Nodes = [junk<{ StaticData: never }>(null), { StaticData: junk<never>(null) }, ...reading.static!.Nodes!];
    reading.static!.Nodes![2].StaticData.BatteryModels = [null, 'Unknown'];
    const site = sitePayload(SITE, [reading]);
    should(site.phases).eql([]);
    const inverter = inverterPayload(reading);
    should(inverter.model).equal('ST10000');
    should(inverter.mode).be.null();
    should(inverter.modePowerW).be.null();
    const nullString = { voltageV: null, currentA: null, powerW: null };
    should(inverter.pvStrings).eql([nullString, nullString]);
    const battery = batteryPayload(reading)!;
    const nullModule = { socPct: null, voltageV: null, currentA: null, powerW: null };
    should(battery.modules).eql([{ ...nullModule, model: null }, { ...nullModule, model: 'Unknown' }]);
    should(battery.cabinets).eql([{ temperatureC: null, fanState: null }, { temperatureC: null, fanState: null }]);
  });

  it('NaN, Infinity and strings in numeric fields become null', () => {
    const reading = fixtureReading();
    const d = reading.dynamic;
    d.BatterySoCInstantaneous0to1 = junk<number>('0.98');
    d.BatteryPowerNegativeIsChargingkW = NaN;
    d.FrequencyInstantaneousHz = Infinity;
    d.InverterTemperatureC = junk<number>('45.9');
    d.PvAllTimeEnergykWh = junk<number>('5413.9');
    d.ImportAllTimeEnergykWh = NaN;
    d.Phases![0].VoltageInstantaneousV = junk<number>('233.1');
    d.Phases![0].ActiveExportedPowerInstantaneouskW = NaN;
    d.Phases![1].CurrentInstantaneousA = -Infinity;
    d.Inverters![0].PowerMode!.PowerW = junk<number>('0');
    d.PVs![0].PowerkW = junk<number>('4.767');
    d.Battery!.VoltageV = NaN;
    d.Battery!.Modules![0].SoC0To1 = junk<number>('0.98');
    d.Battery!.Cabinets![0].TemperatureC = NaN;
    reading.configuration!.MinSoC0to1 = junk<number>('0.1');

    const site = sitePayload(SITE, [reading]);
    should(site.batterySocPct).be.null();
    should(site.batteryPowerW).be.null();
    should(site.frequencyHz).be.null();
    should(site.energy.pvKWh).be.null();
    should(site.energy.gridImportKWh).be.null();
    should(site.energy.loadKWh).equal(3157.7);
    should(site.phases[0].voltageV).be.null();
    should(site.phases[0].exportPowerW).be.null();
    should(site.phases[1].currentA).be.null();
    // export: A unreadable, so the total is unknown (not 347 + 422); import 0 + 0 + 0
    should(site.gridExportPowerW).be.null();
    should(site.gridImportPowerW).equal(0);
    should(site.loadPowerW).be.null();

    const inverter = inverterPayload(reading);
    should(inverter.temperatureC).be.null();
    should(inverter.modePowerW).be.null();
    should(inverter.pvStrings[0]).eql({ voltageV: 384.5, currentA: 12.4, powerW: null });

    const battery = batteryPayload(reading)!; // BatteryCount 4 says there is one
    should(battery.socPct).be.null();
    should(battery.powerW).be.null();
    should(battery.voltageV).be.null();
    should(battery.minSocPct).be.null();
    should(battery.modules[0].socPct).be.null();
    should(battery.modules[0].voltageV).equal(50.09);
    should(battery.cabinets[0].temperatureC).be.null();

    // nothing anywhere is NaN or a string where a number belongs
    const numbersOnly = (v: unknown): void => {
      if (typeof v === 'number') should(Number.isFinite(v)).be.true();
      else if (Array.isArray(v)) v.forEach(numbersOnly);
      else if (v && typeof v === 'object') Object.values(v).forEach(numbersOnly);
    };
    numbersOnly(site);
    numbersOnly(inverter);
    numbersOnly(battery);
  });

  it('trims padded strings and turns blank ones into null', () => {
    const reading = fixtureReading();
    const node = reading.static!.Nodes![0].StaticData;
    node.ModelName = ' ST10000 ';
    node.SoftwareVersion = '   ';
    node.FirmwareVersion = '';
    node.BatteryModels = [' RB600 ', ' ', '', 'Unknown '];
    reading.dynamic.Inverters![0].PowerMode!.InverterMode = ' Auto ';
    reading.dynamic.Battery!.Cabinets = [{ TemperatureC: 21.5, FanState: ' On ' }, { TemperatureC: 22, FanState: '  ' }];
    const inverter = inverterPayload(reading);
    should(inverter.model).equal('ST10000');
    should(inverter.softwareVersion).be.null();
    should(inverter.firmwareVersion).be.null();
    should(inverter.mode).equal('Auto');
    const battery = batteryPayload(reading)!;
    should(battery.modules.map((m) => m.model)).eql(['RB600', null, null, 'Unknown']);
    should(battery.cabinets).eql([{ temperatureC: 21.5, fanState: 'On' }, { temperatureC: 22, fanState: null }]);
  });

  it('a blank or padded site status is trimmed, blank -> null', () => {
    const reading = fixtureReading();
    reading.dynamic.Status = '  ';
    should(sitePayload(SITE, [reading]).status).be.null();
    reading.dynamic.Status = 'Offline ';
    should(sitePayload(SITE, [reading]).status).equal('Offline');
  });

  it('a malformed timestamp is null; a valid one is passed on as the cloud wrote it', () => {
    const reading = fixtureReading();
    reading.dynamic.TimestampUtc = 'not a time';
    should(sitePayload(SITE, [reading]).timestamp).be.null();
    reading.dynamic.TimestampUtc = '2022-12-12T06:04:02.0155057Z';
    should(sitePayload(SITE, [reading]).timestamp).equal('2022-12-12T06:04:02.0155057Z');
  });
});

describe('model: a two-inverter site', () => {
  const SERIAL_1 = 'RB24050600002201';
  const SERIAL_2 = 'RB24050600002202';

  /** Inverter 1: 10 kWh battery at 50 %, charging 1 kW; inverter 2: 5 kWh at 80 %, discharging 0.5 kW. */
  function twoInverters(): [InverterReading, InverterReading] {
    const one: InverterReading = {
      siteId: 'S2',
      serial: SERIAL_1,
      dynamic: {
        TimestampUtc: '2026-03-01T02:00:10Z', SiteId: 'S2', Status: 'OK',
        Phases: [
          { Id: 'A', ActiveExportedPowerInstantaneouskW: 0.4, ActiveImportedPowerInstantaneouskW: 0, VoltageInstantaneousV: 240, CurrentInstantaneousA: 6.1, PowerFactorInstantaneousMinus1to1: 0.9 },
          { Id: 'B', ActiveExportedPowerInstantaneouskW: 0.3, ActiveImportedPowerInstantaneouskW: 0, VoltageInstantaneousV: 242, CurrentInstantaneousA: 5.2, PowerFactorInstantaneousMinus1to1: 0.95 },
          { Id: 'C', ActiveExportedPowerInstantaneouskW: 0.2, ActiveImportedPowerInstantaneouskW: 0, VoltageInstantaneousV: 238, CurrentInstantaneousA: 4, PowerFactorInstantaneousMinus1to1: 0.85 },
        ],
        FrequencyInstantaneousHz: 50.01,
        BatterySoCInstantaneous0to1: 0.5,
        PvPowerInstantaneouskW: 3,
        InverterTemperatureC: 40,
        BatteryPowerNegativeIsChargingkW: -1,
        PvAllTimeEnergykWh: 1000.5, LoadAllTimeEnergykWh: 800.25, ImportAllTimeEnergykWh: 100.125,
        ExportAllTimeEnergykWh: 300.5, BatteryChargeAllTimeEnergykWh: 200.1, BatteryDischargeAllTimeEnergykWh: 150.2,
        Inverters: [{ SerialNumber: SERIAL_1, PowerMode: { InverterMode: 'Auto', PowerW: 0 } }],
      },
      static: staticView(SERIAL_1, { ModelName: 'ST10000', BatteryCount: 3 }, { BatteryCapacitykWh: 10 }),
      configuration: null,
    };
    const two: InverterReading = {
      siteId: 'S2',
      serial: SERIAL_2,
      dynamic: {
        TimestampUtc: '2026-03-01T02:00:40Z', SiteId: 'S2', Status: 'OK',
        // phases listed out of order on purpose
        Phases: [
          { Id: 'C', ActiveExportedPowerInstantaneouskW: 0, ActiveImportedPowerInstantaneouskW: 0.05, VoltageInstantaneousV: 239, CurrentInstantaneousA: 1, PowerFactorInstantaneousMinus1to1: 0.8 },
          { Id: 'A', ActiveExportedPowerInstantaneouskW: 0.1, ActiveImportedPowerInstantaneouskW: 0, VoltageInstantaneousV: 241, CurrentInstantaneousA: 2, PowerFactorInstantaneousMinus1to1: 0.7 },
          { Id: 'B', ActiveExportedPowerInstantaneouskW: 0.05, ActiveImportedPowerInstantaneouskW: 0, VoltageInstantaneousV: 243, CurrentInstantaneousA: 1.5, PowerFactorInstantaneousMinus1to1: 0.75 },
        ],
        FrequencyInstantaneousHz: 50.03,
        BatterySoCInstantaneous0to1: 0.8,
        PvPowerInstantaneouskW: 1.5,
        InverterTemperatureC: 42,
        BatteryPowerNegativeIsChargingkW: 0.5,
        PvAllTimeEnergykWh: 2000.25, LoadAllTimeEnergykWh: 1500.5, ImportAllTimeEnergykWh: 50.25,
        ExportAllTimeEnergykWh: 600.75, BatteryChargeAllTimeEnergykWh: 100.2, BatteryDischargeAllTimeEnergykWh: 90.3,
        Inverters: [{ SerialNumber: SERIAL_2, PowerMode: { InverterMode: 'DischargeBattery', PowerW: 500 } }],
      },
      static: staticView(SERIAL_2, { ModelName: 'ST10000', BatteryCount: 3 }, { BatteryCapacitykWh: 5 }),
      configuration: null,
    };
    return [one, two];
  }

  it('sums powers, weights SoC by capacity, averages voltages and power factors, sums currents', () => {
    const site = sitePayload('S2', twoInverters());
    should(site).eql({
      siteId: 'S2',
      timestamp: '2026-03-01T02:00:40Z', // the later of :10 and :40
      status: 'OK',
      pvPowerW: 4500, // 3000 + 1500
      batteryPowerW: -500, // -1000 + 500
      // export: A 400 + 100 = 500, B 300 + 50 = 350, C 200 + 0 = 200 -> 1050
      gridExportPowerW: 1050,
      // import: A 0 + 0, B 0 + 0, C 0 + 50 -> 50
      gridImportPowerW: 50,
      // 4500 + (-500) + 50 - 1050 = 3000
      loadPowerW: 3000,
      // (0.5 x 10 + 0.8 x 5) / (10 + 5) = (5 + 4) / 15 = 0.6 -> 60 %
      batterySocPct: 60,
      frequencyHz: 50.01, // the first inverter that reports one
      phases: [
        // voltage (240 + 241) / 2, current 6.1 + 2, PF (0.9 + 0.7) / 2
        { id: 'A', voltageV: 240.5, currentA: 8.1, powerFactor: 0.8, importPowerW: 0, exportPowerW: 500 },
        // (242 + 243) / 2, 5.2 + 1.5, (0.95 + 0.75) / 2
        { id: 'B', voltageV: 242.5, currentA: 6.7, powerFactor: 0.85, importPowerW: 0, exportPowerW: 350 },
        // (238 + 239) / 2, 4 + 1, (0.85 + 0.8) / 2
        { id: 'C', voltageV: 238.5, currentA: 5, powerFactor: 0.825, importPowerW: 50, exportPowerW: 200 },
      ],
      energy: {
        pvKWh: 3000.75, // 1000.5 + 2000.25
        loadKWh: 2300.75, // 800.25 + 1500.5
        gridImportKWh: 150.375, // 100.125 + 50.25
        gridExportKWh: 901.25, // 300.5 + 600.75
        batteryChargeKWh: 300.3, // 200.1 + 100.2
        batteryDischargeKWh: 240.5, // 150.2 + 90.3
      },
    });
  });

  it('lists phases A, B, C in that order whatever order the cloud used', () => {
    const [one, two] = twoInverters(); // inverter 2 lists C, A, B
    should(sitePayload('S2', [two, one]).phases.map((p) => p.id)).eql(['A', 'B', 'C']);
    should(sitePayload('S2', [two]).phases.map((p) => p.id)).eql(['A', 'B', 'C']);
  });

  it('gives one inverter and one battery message per inverter', () => {
    const [one, two] = twoInverters();
    should(inverterPayload(one)).have.properties({ serial: SERIAL_1, mode: 'Auto', modePowerW: 0, temperatureC: 40 });
    should(inverterPayload(two)).have.properties({ serial: SERIAL_2, mode: 'DischargeBattery', modePowerW: 500, temperatureC: 42 });
    should(batteryPayload(one)).have.properties({ serial: SERIAL_1, socPct: 50, powerW: -1000, capacityKWh: 10 });
    should(batteryPayload(two)).have.properties({ serial: SERIAL_2, socPct: 80, powerW: 500, capacityKWh: 5 });
  });

  it('a lifetime total is null when one inverter does not report it (a partial sum would look like a reset)', () => {
    const [one, two] = twoInverters();
    two.dynamic.LoadAllTimeEnergykWh = null;
    delete one.dynamic.BatteryDischargeAllTimeEnergykWh;
    const energy = sitePayload('S2', [one, two]).energy;
    should(energy.loadKWh).be.null();
    should(energy.batteryDischargeKWh).be.null();
    should(energy.pvKWh).equal(3000.75); // the others still summed
    should(energy.batteryChargeKWh).equal(300.3);
  });

  it('averages SoC plainly when a capacity is unknown, and gives null when a battery SoC is missing', () => {
    const [one, two] = twoInverters();
    two.static = staticView(SERIAL_2, { BatteryCount: 3 }, { BatteryCapacitykWh: null });
    // (0.5 + 0.8) / 2 = 0.65 -> 65 %
    should(sitePayload('S2', [one, two]).batterySocPct).equal(65);
    two.dynamic.BatterySoCInstantaneous0to1 = null;
    should(sitePayload('S2', [one, two]).batterySocPct).be.null();
  });

  it('takes the SoC capacity from the configuration when static data lacks it', () => {
    const [one, two] = twoInverters();
    two.static = null;
    two.configuration = { BatteryCapacitykWh: 5 };
    should(sitePayload('S2', [one, two]).batterySocPct).equal(60); // as above: 9 / 15
  });

  it('with one battery-less inverter: battery figures and battery totals come from the other one', () => {
    const [one, two] = twoInverters();
    two.static = staticView(SERIAL_2, { ModelName: 'SI5000', BatteryCount: 0 });
    two.dynamic.BatterySoCInstantaneous0to1 = null;
    two.dynamic.BatteryPowerNegativeIsChargingkW = null;
    two.dynamic.BatteryChargeAllTimeEnergykWh = null;
    two.dynamic.BatteryDischargeAllTimeEnergykWh = null;
    should(batteryPayload(two)).be.null();
    const site = sitePayload('S2', [one, two]);
    should(site.batterySocPct).equal(50); // inverter 1 alone
    should(site.batteryPowerW).equal(-1000);
    // 4500 + (-1000) + 50 - 1050 = 2500
    should(site.loadPowerW).equal(2500);
    should(site.energy.batteryChargeKWh).equal(200.1);
    should(site.energy.batteryDischargeKWh).equal(150.2);
  });

  it('status is the worst of the inverters: Fault > Offline > OK', () => {
    const status = (...statuses: (string | null)[]): string | null => {
      const readings = statuses.map((s) => {
        const r = fixtureReading();
        r.dynamic.Status = s;
        return r;
      });
      return sitePayload(SITE, readings).status;
    };
    should(status('OK', 'Offline')).equal('Offline');
    should(status('Offline', 'OK')).equal('Offline');
    should(status('OK', 'Fault', 'Offline')).equal('Fault');
    should(status('Fault', 'OK')).equal('Fault');
    should(status('OK', null)).equal('OK');
    should(status(null, null)).be.null();
  });

  it('takes the latest timestamp, whatever the order and fraction digits', () => {
    const [one, two] = twoInverters();
    one.dynamic.TimestampUtc = '2026-03-01T02:00:40.5000000Z';
    two.dynamic.TimestampUtc = '2026-03-01T02:00:40Z';
    should(sitePayload('S2', [one, two]).timestamp).equal('2026-03-01T02:00:40.5000000Z');
    should(sitePayload('S2', [two, one]).timestamp).equal('2026-03-01T02:00:40.5000000Z');
    two.dynamic.TimestampUtc = junk<string>(null);
    should(sitePayload('S2', [two, one]).timestamp).equal('2026-03-01T02:00:40.5000000Z');
  });

  it('an offline inverter with every value null leaves the other one\'s readings (and totals null)', () => {
    const [one, two] = twoInverters();
    two.dynamic = { ...allNullDynamic(), Status: 'Offline' };
    const site: SitePayload = sitePayload('S2', [one, two]);
    should(site.status).equal('Offline');
    should(site.timestamp).equal('2026-03-01T02:00:10Z');
    should(site.phases.map((p) => p.voltageV)).eql([240, 242, 238]);
    for (const key of ENERGY_KEYS) should(site.energy[key]).be.null();
  });
});
