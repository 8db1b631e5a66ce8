import should from 'should';
import { InverterSim } from '../../src/sim/physics';
import { noise } from '../../src/sim/noise';
import { clearSkyFraction, loadProfileFactor, localDayIndex, localMinuteOfDay } from '../../src/sim/profiles';
import type { ControlInput, InverterDef, SiteDef } from '../../src/sim/types';
import { MIN, START, auto, ctl, defaultInverters, programme, step } from '../helpers/inverter-sim';

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const fixed = (c: ControlInput) => (): ControlInput => c;

function site(phases: 1 | 3 = 3, siteExportLimitKW: number | null = null): SiteDef {
  return {
    siteId: 'Stest1', nmi: null, utcOffsetMinutes: 600, phases, siteExportLimitKW, commissioningDate: '2024-01-01',
    location: { addressLineOne: '1 Test St', suburb: 'Brisbane', state: 'QLD', postCode: '4000', latitude: -27.5, longitude: 153 },
    inverters: [],
  };
}

/** A 10 kWh battery inverter, so SoC steps come out as round numbers. */
function inverter(extra: Partial<InverterDef> = {}): InverterDef {
  return {
    serial: 'RB00000000000001', model: 'ST10000', softwareVersion: '1', firmwareVersion: '1', systemType: 'Hybrid',
    panelKW: 10, pvStringCount: 2, inverterMaxExportKW: 10, inverterMaxImportKW: 10,
    battery: {
      moduleCount: 4, moduleModel: 'RB600', batteryModels: ['RB600'], capacityKWh: 10, maxChargeKW: 5,
      maxDischargeKW: 5, voltageType: 'HV', nominalVoltageV: 200, cabinetCount: 1, minSoc0to1: 0.1,
      minOffgridSoc0to1: 0.05,
    },
    loadShare: 1, baseLoadKW: 1, initialSoc0to1: 0.5,
    initialCounters: {
      pvKWh: 100, loadKWh: 100, importKWh: 100, exportKWh: 100, batteryChargeKWh: 100, batteryDischargeKWh: 100,
    },
    ...extra,
  };
}

describe('sim noise and profiles', () => {
  it('noise is deterministic, in [0,1) and depends on key and n', () => {
    noise('abc', 5).should.equal(noise('abc', 5));
    noise('abc', 5).should.not.equal(noise('abc', 6));
    noise('abc', 5).should.not.equal(noise('abd', 5));
    noise('abc', 2 ** 32 + 5).should.not.equal(noise('abc', 5));
    let sum = 0;
    for (let n = -500; n < 500; n++) {
      const v = noise('k', n);
      v.should.be.aboveOrEqual(0).and.below(1);
      sum += v;
    }
    (sum / 1000).should.be.within(0.45, 0.55);
  });

  it('clear sky is 0 at night, peaks at 1 at noon and is symmetric', () => {
    clearSkyFraction(0).should.equal(0);
    clearSkyFraction(5 * 60 + 59).should.equal(0);
    clearSkyFraction(18 * 60 + 1).should.equal(0);
    clearSkyFraction(12 * 60).should.be.approximately(1, 1e-12);
    clearSkyFraction(9 * 60).should.be.approximately(clearSkyFraction(15 * 60), 1e-12);
    clearSkyFraction(9 * 60).should.be.below(clearSkyFraction(11 * 60));
  });

  it('load is low overnight, bumps in the morning and peaks in the evening', () => {
    const at = (h: number) => loadProfileFactor(h * 60);
    at(3).should.be.within(0.45, 0.6);
    at(7).should.be.above(at(4) + 0.4);
    at(19.5).should.be.above(at(7));
    at(19.5).should.be.above(1.5);
    let sum = 0;
    for (let m = 0; m < 1440; m++) sum += loadProfileFactor(m);
    (sum / 1440).should.be.within(0.85, 1.15);
  });

  it('local minute and day follow the UTC offset', () => {
    localMinuteOfDay(START, 600).should.equal(600);
    localMinuteOfDay(START + 14 * HOUR + 30 * MIN + 59_999, 600).should.equal(30);
    localMinuteOfDay(START, 570).should.equal(570);
    localDayIndex(START + 14 * HOUR, 600).should.equal(localDayIndex(START, 600) + 1);
    localMinuteOfDay(-MIN, 0).should.equal(1439);
  });
});

describe('InverterSim', () => {
  it('ChargeBattery at 3 kW with pv 0 and load 1 draws 4 kW and adds 3/60/capacity SoC a minute', () => {
    const { def, site: s } = defaultInverters()[0];
    const cap = def.battery!.capacityKWh;
    const sim = new InverterSim(def, s, START);
    sim.setOverrides({ pvKW: 0, loadKW: 1 });
    sim.setSoc(0.2);
    const control = fixed(ctl('ChargeBattery', 3000));
    // This step books the minute that was still in Auto: 1 kW from the battery.
    const soc0 = 0.2 - 1 / 60 / cap;
    const before = step(sim, control).counters;
    for (let n = 1; n <= 60; n++) {
      const snap = step(sim, control);
      snap.batteryKW!.should.equal(-3);
      snap.gridImportKW.should.equal(4);
      snap.gridExportKW.should.equal(0);
      snap.pvKW.should.equal(0);
      snap.loadKW.should.equal(1);
      snap.soc0to1!.should.be.approximately(soc0 + (n * 3) / 60 / cap, 0.00005 + 1e-12);
      snap.phases.forEach((p) => p.importKW!.should.be.approximately(4 / 3, 0.001));
    }
    const after = sim.snapshot().counters;
    (after.importKWh - before.importKWh).should.be.approximately(4, 0.002);
    (after.batteryChargeKWh - before.batteryChargeKWh).should.be.approximately(3, 0.002);
    (after.loadKWh - before.loadKWh).should.be.approximately(1, 0.002);
    after.pvKWh.should.equal(before.pvKWh);
  });

  it('books exactly 0.005 SoC a minute on a 10 kWh battery and stops at full', () => {
    const sim = new InverterSim(inverter(), site(), START);
    sim.setOverrides({ pvKW: 0, loadKW: 1 });
    const control = fixed(ctl('ChargeBattery', 3000));
    step(sim, control);
    sim.setSoc(0.98);
    sim.snapshot().should.match({ soc0to1: 0.98, batteryKW: -3, gridImportKW: 4 });
    step(sim, control).soc0to1!.should.equal(0.985);
    step(sim, control).soc0to1!.should.equal(0.99);
    step(sim, control).soc0to1!.should.equal(0.995);
    let s = step(sim, control);
    s.soc0to1!.should.equal(1);
    s.batteryKW!.should.equal(0);
    s.gridImportKW.should.equal(1);
    s = step(sim, control);
    s.soc0to1!.should.equal(1);
  });

  it('stops discharging at the minimum SoC, with a partial last minute', () => {
    const sim = new InverterSim(inverter(), site(), START);
    sim.setOverrides({ pvKW: 0, loadKW: 0 });
    const control = fixed(ctl('DischargeBattery', 5000));
    step(sim, control);
    sim.setSoc(0.11);
    // 0.01 of 10 kWh is 0.1 kWh = 6 kW for one minute, capped at 5 kW.
    sim.snapshot().should.match({ batteryKW: 5, gridExportKW: 5 });
    // 5 kW for a minute leaves 1/600 of 10 kWh above the minimum: 1 kW for the last minute.
    let s = step(sim, control);
    s.soc0to1!.should.be.approximately(0.11 - 5 / 60 / 10, 0.00005 + 1e-12);
    s.should.match({ batteryKW: 1, gridExportKW: 1 });
    s = step(sim, control);
    s.should.match({ soc0to1: 0.1, batteryKW: 0, gridExportKW: 0 });
    step(sim, control).should.match({ soc0to1: 0.1, batteryKW: 0 });
  });

  it('follows Auto, Conserve, Import, Export, Offgrid and no-battery rules', () => {
    const sim = new InverterSim(inverter(), site(), START);
    const at = (pv: number, load: number, c: ControlInput) => {
      sim.setOverrides({ pvKW: pv, loadKW: load });
      return step(sim, fixed(c));
    };
    at(4, 1, ctl('Auto')).batteryKW!.should.equal(-3);
    at(8, 1, ctl('Auto')).should.match({ batteryKW: -5, gridExportKW: 2 });
    at(0, 2, ctl('Auto')).should.match({ batteryKW: 2, gridImportKW: 0 });
    at(0, 2, ctl('Conserve')).should.match({ batteryKW: 0, gridImportKW: 2 });
    at(3, 1, ctl('Conserve')).should.match({ batteryKW: -2, gridImportKW: 0 });
    at(1, 2, ctl('ImportPower', 3000)).should.match({ batteryKW: -2, gridImportKW: 3 });
    at(1, 2, ctl('ExportPower', 3000)).should.match({ batteryKW: 4, gridExportKW: 3 });
    at(1, 2, ctl('ExportPower', 8000)).should.match({ batteryKW: 5, gridExportKW: 4 });
    at(3, 1, ctl('Offgrid')).should.match({ batteryKW: 0, gridExportKW: 2 });
    at(3, 1, ctl('Stop')).batteryKW!.should.equal(0);
    at(0, 1, ctl('DischargeBattery', 20000)).batteryKW!.should.equal(5);
    at(2, 1, ctl('SellPower', 2000)).should.match({ batteryKW: 2, gridExportKW: 3 });
    at(2, 1, ctl('ForceDischargeBattery', 1000)).should.match({ batteryKW: 1, gridExportKW: 2 });
    at(2, 1, ctl('BuyPower', 4000)).should.match({ batteryKW: -4, gridImportKW: 3 });
    at(2, 1, ctl('ForceChargeBattery', 500)).should.match({ batteryKW: -0.5, gridExportKW: 0.5 });
    at(0, 1, ctl('NoMode')).should.match({ batteryKW: 1, gridImportKW: 0 });
    at(3, 1, ctl('Hibernate')).should.match({ batteryKW: 0, gridExportKW: 2 });

    const none = new InverterSim(inverter({ battery: null }), site(1), START);
    none.setOverrides({ pvKW: 3, loadKW: 1 });
    const s = step(none, fixed(ctl('ChargeBattery', 3000)));
    s.should.match({ batteryKW: null, soc0to1: null, battery: null, gridExportKW: 2 });
    s.phases.length.should.equal(1);
  });

  it('honours envelope limits', () => {
    const sim = new InverterSim(inverter(), site(), START);
    const at = (pv: number, load: number, c: ControlInput) => {
      sim.setOverrides({ pvKW: pv, loadKW: load });
      sim.setSoc(0.5);
      return step(sim, fixed(c));
    };
    // Auto soaks up an export ban by charging, then curtails PV.
    at(4, 1, ctl('Auto', 0, { maxExportW: 0 })).should.match({ pvKW: 4, batteryKW: -3, gridExportKW: 0 });
    at(8, 1, ctl('Auto', 0, { maxExportW: 0 })).should.match({ pvKW: 6, batteryKW: -5, gridExportKW: 0 });
    at(8, 1, ctl('Auto', 0, { maxExportW: 1000, maxChargeW: 2000 }))
      .should.match({ pvKW: 4, batteryKW: -2, gridExportKW: 1 });
    // ExportPower's target gives way to the envelope by charging before PV is curtailed.
    at(4, 1, ctl('ExportPower', 2000, { maxExportW: 0 })).should.match({ pvKW: 4, batteryKW: -3, gridExportKW: 0 });
    at(9, 1, ctl('ExportPower', 2000, { maxExportW: 500 })).should.match({ pvKW: 6.5, batteryKW: -5, gridExportKW: 0.5 });
    // A commanded discharge loses PV first, then its own excess.
    at(3, 1, ctl('DischargeBattery', 5000, { maxExportW: 0 })).should.match({ pvKW: 0, batteryKW: 1, gridExportKW: 0 });
    at(3, 1, ctl('DischargeBattery', 5000, { maxDischargeW: 1500 })).batteryKW!.should.equal(1.5);
    // Import ceiling: charging gives way first, then Auto discharges to cover the load.
    at(0, 1, ctl('ChargeBattery', 5000, { maxImportW: 3000 })).should.match({ batteryKW: -2, gridImportKW: 3 });
    at(0, 4, ctl('ChargeBattery', 5000, { maxImportW: 3000 })).should.match({ batteryKW: 0, gridImportKW: 4 });
    at(0, 4, ctl('ImportPower', 5000, { maxImportW: 3000 })).should.match({ batteryKW: 1, gridImportKW: 3 });
    at(6, 1, ctl('Auto', 0, { maxGenerationVA: 2500 })).should.match({ pvKW: 2.5, batteryKW: -1.5 });
  });

  it('clips export to the site limit shared among inverters', () => {
    const sim = new InverterSim(inverter({ battery: null, loadShare: 0.5 }), site(3, 5), START);
    sim.setOverrides({ pvKW: 8, loadKW: 1 });
    step(sim).should.match({ pvKW: 3.5, gridExportKW: 2.5 });
  });

  it('recomputes the current minute on setOverrides and setSoc without touching counters', () => {
    const sim = new InverterSim(inverter(), site(), START + 2 * HOUR);
    const before = sim.snapshot();
    sim.setOverrides({ pvKW: 0, loadKW: 2 });
    const after = sim.snapshot();
    after.timestampMs.should.equal(before.timestampMs);
    after.should.match({ pvKW: 0, loadKW: 2, batteryKW: 2, counters: before.counters });
    sim.setSoc(0.1);
    sim.snapshot().should.match({ soc0to1: 0.1, batteryKW: 0, gridImportKW: 2 });
    sim.setSoc(7);
    sim.snapshot().soc0to1!.should.equal(1);
    sim.setSoc(-1);
    sim.snapshot().soc0to1!.should.equal(0);
    sim.setOverrides({ loadKW: 2 });
    sim.snapshot().pvKW.should.be.above(0); // pv override cleared; 12:00 local
    (() => sim.setOverrides({ pvKW: -1 })).should.throw(RangeError);

    const none = new InverterSim(inverter({ battery: null }), site(), START);
    none.setSoc(0.5);
    should(none.snapshot().soc0to1).be.null();
  });

  it('continues from counters set by setCounters', () => {
    const sim = new InverterSim(inverter(), site(), START);
    sim.setOverrides({ pvKW: 3, loadKW: 1 });
    sim.setCounters({ pvKWh: 0, exportKWh: 0 });
    const reset = sim.snapshot().counters;
    reset.should.match({ pvKWh: 0, exportKWh: 0, loadKWh: 100, importKWh: 100 });
    // Auto with pv 3 and load 1 charges at 2 kW.
    step(sim).counters.should.eql({
      pvKWh: 0.05, exportKWh: 0, loadKWh: 100.017, importKWh: 100, batteryChargeKWh: 100.033, batteryDischargeKWh: 100,
    });
    step(sim).counters.should.eql({
      pvKWh: 0.1, exportKWh: 0, loadKWh: 100.033, importKWh: 100, batteryChargeKWh: 100.067, batteryDischargeKWh: 100,
    });
  });

  it('ignores advanceTo into the past or within the current minute', () => {
    const sim = new InverterSim(inverter(), site(), START + 30_000);
    sim.snapshot().timestampMs.should.equal(START);
    sim.advanceTo(START + 59_999, auto);
    sim.snapshot().timestampMs.should.equal(START);
    sim.advanceTo(START + 10 * MIN, auto);
    const at10 = sim.snapshot();
    sim.advanceTo(START, auto);
    sim.advanceTo(START + 9 * MIN, () => { throw new Error('must not be called'); });
    sim.snapshot().should.eql(at10);
    (() => sim.advanceTo(NaN, auto)).should.throw(RangeError);
  });

  it('asks control about every minute it steps, in order', () => {
    const sim = new InverterSim(inverter(), site(), START);
    const asked: number[] = [];
    sim.advanceTo(START + 3 * MIN + 5, (t) => { asked.push(t); return ctl('Conserve'); });
    asked.should.eql([START + MIN, START + 2 * MIN, START + 3 * MIN]);
    sim.snapshot().mode.should.eql({ mode: 'Conserve', powerW: 0 });
  });

  it('is deterministic and hands out copies', () => {
    for (const { def, site: s } of defaultInverters()) {
      const a = new InverterSim(def, s, START);
      const b = new InverterSim(def, s, START);
      const control = programme(s);
      a.advanceTo(START + DAY + 7 * HOUR, control);
      for (let t = START; t <= START + DAY + 7 * HOUR; t += 17 * MIN) b.advanceTo(t, control);
      b.advanceTo(START + DAY + 7 * HOUR, control);
      a.snapshot().should.eql(b.snapshot());
    }
    const sim = new InverterSim(inverter(), site(), START);
    const snap = sim.snapshot();
    snap.counters.pvKWh = -1;
    snap.phases[0].voltageV = 0;
    snap.mode.mode = 'Stop';
    sim.snapshot().should.not.eql(snap);
    sim.snapshot().counters.pvKWh.should.equal(100);
  });

  it('steps a day quickly and bridges a long gap by restarting a week back', () => {
    const { def, site: s } = defaultInverters()[0];
    const sim = new InverterSim(def, s, START);
    const t0 = process.hrtime.bigint();
    sim.advanceTo(START + DAY, auto);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    ms.should.be.below(50);

    const target = START + 90 * DAY + 5 * HOUR + 123;
    const asked: number[] = [];
    sim.advanceTo(target, (t) => { asked.push(t); return auto(); });
    sim.snapshot().timestampMs.should.equal(target - 123);
    asked.length.should.equal(7 * 1440 + 1);
    asked[0].should.equal(target - 123 - 7 * DAY);
  });

  it('reports readings in the expected ranges', () => {
    const { def, site: s } = defaultInverters()[0];
    const sim = new InverterSim(def, s, START);
    sim.setOverrides({ pvKW: 6, loadKW: 0.5 });
    const snap = step(sim, fixed(ctl('Auto')));
    snap.should.match({ serial: def.serial, siteId: s.siteId, status: 'OK', batteryKW: -5.5 });
    snap.battery!.voltageType.should.equal('HV');
    snap.battery!.voltageV.should.be.within(190, 210);
    snap.battery!.currentA.should.be.below(0);
    snap.battery!.modules.forEach((m) => {
      m.voltageV.should.be.within(47, 53);
      m.soc0to1.should.equal(snap.soc0to1);
    });
    snap.battery!.cabinets[0].fanState.should.equal('On');
    snap.battery!.cabinets[0].temperatureC.should.be.within(20, 35);
    snap.pvStrings.forEach((p) => {
      p.voltageV.should.be.within(350, 400);
      p.currentA.should.be.approximately((p.powerKW * 1000) / p.voltageV, 0.01);
    });
    snap.phases.forEach((p) => {
      p.voltageV!.should.be.within(230, 245);
      p.powerFactor!.should.be.within(0.75, 1);
    });
    snap.temperatureC.should.be.within(30, 50);
    sim.setStatus('Fault');
    sim.snapshot().status.should.equal('Fault');
  });
});
