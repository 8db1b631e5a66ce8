/** The simulated inverter stepped minute by minute, and the invariants every minute must keep. */
import should from 'should';
import type { InverterSim } from '../../src/sim/physics';
import { localMinuteOfDay } from '../../src/sim/profiles';
import { defaultAccount } from '../../src/sim/scenarios';
import type { ControlInput, EnergyCounters, EnvelopeLimits, InverterDef, InverterMode, InverterSnapshot, SiteDef } from '../../src/sim/types';

export const MIN = 60_000;
export const START = Date.parse('2026-01-15T00:00:00Z');
const COUNTER_KEYS: (keyof EnergyCounters)[] = [
  'pvKWh', 'loadKWh', 'importKWh', 'exportKWh', 'batteryChargeKWh', 'batteryDischargeKWh',
];
export const DISCHARGE_BY_COMMAND: InverterMode[] = ['DischargeBattery', 'ForceDischargeBattery', 'SellPower', 'ExportPower'];

export function ctl(mode: InverterMode, powerW = 0, envelope: Partial<EnvelopeLimits> | null = null): ControlInput {
  return {
    mode: { mode, powerW },
    envelope: envelope && {
      maxImportW: null, maxExportW: null, maxChargeW: null, maxDischargeW: null, maxGenerationVA: null, ...envelope,
    },
  };
}
export const auto = (): ControlInput => ctl('Auto');

/** Every inverter of the default account with its site. */
export function defaultInverters(): { def: InverterDef; site: SiteDef }[] {
  return defaultAccount().sites.flatMap((site) => site.inverters.map((def) => ({ def, site })));
}

export function step(sim: InverterSim, control: (t: number) => ControlInput = auto): InverterSnapshot {
  sim.advanceTo(sim.snapshot().timestampMs + MIN, control);
  return sim.snapshot();
}

/** Steps minute by minute and hands every snapshot to `check`. */
export function run(sim: InverterSim, minutes: number, control: (t: number) => ControlInput,
  check: (s: InverterSnapshot, prev: InverterSnapshot) => void): void {
  let prev = sim.snapshot();
  for (let i = 0; i < minutes; i++) {
    const s = step(sim, control);
    check(s, prev);
    prev = s;
  }
}

/** Whole watts, so the balance can be compared exactly. */
const w = (kW: number | null): number => Math.round((kW ?? 0) * 1000);

export function assertInvariants(s: InverterSnapshot, prev: InverterSnapshot, def: InverterDef, site: SiteDef): void {
  for (const k of COUNTER_KEYS) s.counters[k].should.be.aboveOrEqual(prev.counters[k], k);
  // The step books the previous minute's flows (counters are rounded to 3 decimals on both sides).
  const booked: Record<keyof EnergyCounters, number> = {
    pvKWh: prev.pvKW, loadKWh: prev.loadKW, importKWh: prev.gridImportKW, exportKWh: prev.gridExportKW,
    batteryChargeKWh: Math.max(-(prev.batteryKW ?? 0), 0), batteryDischargeKWh: Math.max(prev.batteryKW ?? 0, 0),
  };
  for (const k of COUNTER_KEYS) (s.counters[k] - prev.counters[k]).should.be.approximately(booked[k] / 60, 0.0011, k);
  if (def.battery) {
    s.soc0to1!.should.be.approximately(prev.soc0to1! - prev.batteryKW! / 60 / def.battery.capacityKWh, 0.0001 + 1e-9);
  }
  const b = w(s.batteryKW);
  (w(s.pvKW) + w(s.gridImportKW) + Math.max(b, 0))
    .should.equal(w(s.loadKW) + w(s.gridExportKW) + Math.max(-b, 0), 'power balance');
  (s.gridImportKW === 0 || s.gridExportKW === 0).should.be.true();
  s.pvKW.should.be.aboveOrEqual(0);
  s.loadKW.should.be.aboveOrEqual(0);
  // Phases carry the grid flow exactly.
  s.phases.reduce((t, p) => t + w(p.importKW), 0).should.equal(w(s.gridImportKW));
  s.phases.reduce((t, p) => t + w(p.exportKW), 0).should.equal(w(s.gridExportKW));
  s.phases.map((p) => p.id).should.eql(site.phases === 3 ? ['A', 'B', 'C'] : ['A']);
  s.pvStrings.length.should.equal(def.pvStringCount);
  s.pvStrings.reduce((t, p) => t + w(p.powerKW), 0).should.equal(w(s.pvKW));
  s.frequencyHz.should.be.within(49.95, 50.05);
  if (!def.battery) {
    should(s.batteryKW).be.null();
    should(s.soc0to1).be.null();
    should(s.battery).be.null();
    s.counters.batteryChargeKWh.should.equal(def.initialCounters.batteryChargeKWh);
    s.counters.batteryDischargeKWh.should.equal(def.initialCounters.batteryDischargeKWh);
    return;
  }
  s.soc0to1!.should.be.within(0, 1);
  s.soc0to1!.should.be.aboveOrEqual(def.battery.minSoc0to1, 'SoC may not fall below the minimum');
  Math.abs(s.batteryKW!).should.be.belowOrEqual(Math.max(def.battery.maxChargeKW, def.battery.maxDischargeKW));
  s.battery!.modules.length.should.equal(def.battery.moduleCount);
  s.battery!.modules.reduce((t, m) => t + w(m.powerKW), 0).should.equal(b);
  s.battery!.cabinets.length.should.equal(def.battery.cabinetCount);
  if (s.battery!.currentA !== 0) Math.sign(s.battery!.currentA).should.equal(Math.sign(b));
}

/** A daily programme in local time: charge, discharge, export, import, conserve, an export ban at noon. */
export function programme(site: SiteDef): (t: number) => ControlInput {
  return (t) => {
    const h = localMinuteOfDay(t, site.utcOffsetMinutes) / 60;
    if (h < 2) return ctl('ChargeBattery', 3000);
    if (h < 4) return ctl('DischargeBattery', 5000);
    if (h < 6) return ctl('ExportPower', 2000);
    if (h < 8) return ctl('ImportPower', 2000);
    if (h < 10) return ctl('Conserve');
    if (h >= 11 && h < 13) return ctl('Auto', 0, { maxExportW: 0 });
    if (h >= 17 && h < 19) return ctl('ForceDischargeBattery', 10000);
    return ctl('Auto');
  };
}
