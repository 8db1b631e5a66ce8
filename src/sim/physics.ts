/**
 * Minute-by-minute physics of one simulated inverter: PV, house load, battery and grid.
 *
 * A snapshot is the reading taken at the start of its minute: SoC and lifetime counters as they
 * stand at that instant, and the powers that flow during the minute. Stepping to the next minute
 * first books the current minute's energy (no losses), then works out the next minute's powers.
 * Powers are whole watts internally, so the balance pv + import + discharge = load + export +
 * charge holds exactly.
 */
import {
  ControlInput, EnergyCounters, InverterDef, InverterMode, InverterSnapshot, ModuleReading,
  PhaseReading, PhysicsOverrides, SiteDef,
} from './types';
import { noise } from './noise';
import { clearSkyFraction, loadProfileFactor, localDayIndex, localMinuteOfDay } from './profiles';

const MINUTE_MS = 60_000;
/** W for one minute, expressed in kWh: W / 60000. */
const W_MINUTES_PER_KWH = 60_000;
/** When more than this is missing, the sim restarts this far before the target instead of stepping the whole gap. */
const MAX_CATCH_UP_MS = 7 * 86_400_000;

type Status = InverterSnapshot['status'];

interface Flows {
  pvW: number;
  loadW: number;
  /** Positive = discharging. 0 without a battery. */
  batteryW: number;
  /** Positive = import. */
  gridW: number;
}

const CHARGE_MODES: ReadonlySet<InverterMode> = new Set(['ChargeBattery', 'ForceChargeBattery', 'BuyPower']);
const DISCHARGE_MODES: ReadonlySet<InverterMode> = new Set(['DischargeBattery', 'ForceDischargeBattery', 'SellPower']);
/**
 * Modes whose battery target follows PV and load; they soak up an export excess by charging harder
 * before PV is curtailed. (Auto and Conserve already charge all the surplus they can, so for them
 * this never changes anything.)
 */
const ABSORBING_MODES: ReadonlySet<InverterMode> = new Set(['Auto', 'NoMode', 'Conserve', 'ImportPower', 'ExportPower']);
/** Modes that may discharge further to keep grid import under an envelope's ceiling. */
const IMPORT_RELIEF_MODES: ReadonlySet<InverterMode> = new Set([
  'Auto', 'NoMode', 'ImportPower', 'ExportPower', ...DISCHARGE_MODES,
]);

export class InverterSim {
  readonly def: InverterDef;
  readonly site: SiteDef;
  private minuteMs: number;
  private control: ControlInput;
  private pvOverrideW: number | null = null;
  private loadOverrideW: number | null = null;
  private soc: number;
  private counters: EnergyCounters;
  private status: Status = 'OK';
  private flows: Flows;
  private readonly keys: { sky: string; passing: string; load: string; grid: string; serial: string };

  constructor(def: InverterDef, site: SiteDef, startMs: number) {
    if (!Number.isFinite(startMs)) throw new RangeError(`invalid start time: ${startMs}`);
    this.def = def;
    this.site = site;
    // Weather and house load are per site, so inverters sharing a site see the same sky and house.
    this.keys = {
      sky: `${site.siteId}:sky`,
      passing: `${site.siteId}:passing`,
      load: `${site.siteId}:load`,
      grid: `${site.siteId}:grid`,
      serial: def.serial,
    };
    this.minuteMs = floorMinute(startMs);
    this.control = { mode: { mode: 'Auto', powerW: 0 }, envelope: null };
    this.soc = def.battery ? clamp(def.initialSoc0to1, 0, 1) : 0;
    this.counters = { ...def.initialCounters };
    this.flows = this.computeFlows();
  }

  /**
   * Steps whole simulated minutes so that the snapshot describes the latest minute that has begun
   * at or before nowMs. `control(minuteStartMs)` gives the mode and envelope for each minute.
   * Never steps backwards.
   */
  advanceTo(nowMs: number, control: (minuteStartMs: number) => ControlInput): void {
    if (!Number.isFinite(nowMs)) throw new RangeError(`invalid time: ${nowMs}`);
    const target = floorMinute(nowMs);
    if (target <= this.minuteMs) return;
    if (target - this.minuteMs > MAX_CATCH_UP_MS) {
      // The energy of the skipped stretch is not booked.
      this.minuteMs = target - MAX_CATCH_UP_MS;
      this.control = copyControl(control(this.minuteMs));
      this.flows = this.computeFlows();
    }
    while (this.minuteMs < target) {
      this.bookMinute();
      this.minuteMs += MINUTE_MS;
      this.control = copyControl(control(this.minuteMs));
      this.flows = this.computeFlows();
    }
  }

  snapshot(): InverterSnapshot {
    const f = this.flows;
    const bat = this.def.battery;
    const minuteIndex = Math.floor(this.minuteMs / MINUTE_MS);
    const panelW = this.def.panelKW * 1000;
    const heat = panelW > 0 ? f.pvW / panelW : 0;
    const c = this.counters;
    return {
      serial: this.def.serial,
      siteId: this.site.siteId,
      timestampMs: this.minuteMs,
      status: this.status,
      pvKW: f.pvW / 1000,
      loadKW: f.loadW / 1000,
      batteryKW: bat ? f.batteryW / 1000 : null,
      soc0to1: bat ? round(this.soc, 4) : null,
      gridImportKW: Math.max(f.gridW, 0) / 1000,
      gridExportKW: Math.max(-f.gridW, 0) / 1000,
      frequencyHz: round(49.95 + 0.1 * noise(`${this.keys.grid}:hz`, minuteIndex), 2),
      temperatureC: round(30 + 15 * heat + 2 * noise(`${this.keys.serial}:temp`, minuteIndex), 1),
      phases: this.phaseReadings(minuteIndex),
      pvStrings: this.stringReadings(minuteIndex),
      battery: bat ? this.batteryReading(minuteIndex) : null,
      counters: {
        pvKWh: round(c.pvKWh, 3),
        loadKWh: round(c.loadKWh, 3),
        importKWh: round(c.importKWh, 3),
        exportKWh: round(c.exportKWh, 3),
        batteryChargeKWh: round(c.batteryChargeKWh, 3),
        batteryDischargeKWh: round(c.batteryDischargeKWh, 3),
      },
      mode: { ...this.control.mode },
    };
  }

  /** Replaces both overrides (a missing or null value clears that one) and recomputes the current minute. */
  setOverrides(o: PhysicsOverrides): void {
    this.pvOverrideW = overrideW(o.pvKW, 'pvKW');
    this.loadOverrideW = overrideW(o.loadKW, 'loadKW');
    this.flows = this.computeFlows();
  }

  setSoc(soc0to1: number): void {
    if (!Number.isFinite(soc0to1)) throw new RangeError(`invalid SoC: ${soc0to1}`);
    if (!this.def.battery) return;
    this.soc = clamp(soc0to1, 0, 1);
    this.flows = this.computeFlows();
  }

  setCounters(c: Partial<EnergyCounters>): void {
    for (const key of Object.keys(this.counters) as (keyof EnergyCounters)[]) {
      const v = c[key];
      if (v === undefined) continue;
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`invalid counter ${key}: ${v}`);
      this.counters[key] = v;
    }
  }

  setStatus(s: Status): void {
    this.status = s;
  }

  private bookMinute(): void {
    const { pvW, loadW, batteryW, gridW } = this.flows;
    const c = this.counters;
    c.pvKWh += pvW / W_MINUTES_PER_KWH;
    c.loadKWh += loadW / W_MINUTES_PER_KWH;
    c.importKWh += Math.max(gridW, 0) / W_MINUTES_PER_KWH;
    c.exportKWh += Math.max(-gridW, 0) / W_MINUTES_PER_KWH;
    c.batteryChargeKWh += Math.max(-batteryW, 0) / W_MINUTES_PER_KWH;
    c.batteryDischargeKWh += Math.max(batteryW, 0) / W_MINUTES_PER_KWH;
    const bat = this.def.battery;
    if (bat) this.soc = clamp(this.soc - batteryW / W_MINUTES_PER_KWH / bat.capacityKWh, 0, 1);
  }

  private computeFlows(): Flows {
    const env = this.control.envelope;
    const mode = this.control.mode.mode;
    const powerW = Math.max(0, Math.round(this.control.mode.powerW) || 0);
    const loadW = this.loadOverrideW ?? this.naturalLoadW();
    let pvW = Math.min(this.pvOverrideW ?? this.naturalPvW(), limitW(env?.maxGenerationVA));

    const bat = this.def.battery;
    let chargeMax = 0;
    let dischargeMax = 0;
    if (bat) {
      // Energy room for one minute at constant power, in whole W. The epsilon keeps float noise
      // (999.9999999 W) from losing a watt; the overshoot it allows is far below SoC's 4 decimals.
      const wMinutesPerUnitSoc = bat.capacityKWh * W_MINUTES_PER_KWH;
      const room = (socSpan: number) => Math.floor(socSpan * wMinutesPerUnitSoc + 1e-6);
      chargeMax = Math.max(0, Math.min(
        limitW(env?.maxChargeW), Math.round(bat.maxChargeKW * 1000), room(1 - this.soc)));
      dischargeMax = Math.max(0, Math.min(
        limitW(env?.maxDischargeW), Math.round(bat.maxDischargeKW * 1000), room(this.soc - bat.minSoc0to1)));
    }
    let batteryW = clamp(desiredBatteryW(mode, powerW, pvW, loadW), -chargeMax, dischargeMax);

    const exportLimit = Math.min(limitW(env?.maxExportW), this.siteExportLimitW());
    let excess = pvW + batteryW - loadW - exportLimit;
    if (excess > 0) {
      if (ABSORBING_MODES.has(mode)) {
        const more = Math.min(excess, batteryW + chargeMax);
        batteryW -= more;
        excess -= more;
      }
      const cut = Math.min(excess, pvW);
      pvW -= cut;
      excess -= cut;
      // Only a commanded discharge can still exceed the limit once PV is gone.
      if (excess > 0 && batteryW > 0) batteryW -= Math.min(excess, batteryW);
    }

    excess = loadW - pvW - batteryW - limitW(env?.maxImportW);
    if (excess > 0) {
      if (batteryW < 0) {
        const less = Math.min(excess, -batteryW);
        batteryW += less;
        excess -= less;
      }
      if (excess > 0 && IMPORT_RELIEF_MODES.has(mode) && batteryW < dischargeMax) {
        batteryW += Math.min(excess, dischargeMax - batteryW);
      }
    }
    batteryW ||= 0; // no -0 in readings
    return { pvW, loadW, batteryW, gridW: loadW - pvW - batteryW };
  }

  private naturalPvW(): number {
    const { panelKW } = this.def;
    const sky = clearSkyFraction(localMinuteOfDay(this.minuteMs, this.site.utcOffsetMinutes));
    if (sky <= 0 || panelKW <= 0) return 0;
    // Day-to-day cloudiness (squared: clear days are commoner) modulated by passing cloud that
    // drifts smoothly between 10-minute knots.
    const dayCloud = noise(this.keys.sky, localDayIndex(this.minuteMs, this.site.utcOffsetMinutes)) ** 2;
    const minute = Math.floor(this.minuteMs / MINUTE_MS);
    const knot = Math.floor(minute / 10);
    const s = smoothstep((minute - knot * 10) / 10);
    const passing = noise(this.keys.passing, knot) * (1 - s) + noise(this.keys.passing, knot + 1) * s;
    const cloud = 1 - 0.4 * dayCloud * (0.6 + 0.4 * passing);
    return Math.round(panelKW * 0.85 * sky * cloud * 1000);
  }

  private naturalLoadW(): number {
    const profile = loadProfileFactor(localMinuteOfDay(this.minuteMs, this.site.utcOffsetMinutes));
    const jitter = 0.9 + 0.2 * noise(this.keys.load, Math.floor(this.minuteMs / MINUTE_MS));
    return Math.max(0, Math.round(this.def.baseLoadKW * this.def.loadShare * profile * jitter * 1000));
  }

  private siteExportLimitW(): number {
    const limit = this.site.siteExportLimitKW;
    return limit === null ? Infinity : Math.max(0, Math.round(limit * this.def.loadShare * 1000));
  }

  private phaseReadings(minuteIndex: number): PhaseReading[] {
    const { gridW } = this.flows;
    const ids: PhaseReading['id'][] = this.site.phases === 3 ? ['A', 'B', 'C'] : ['A'];
    const parts = splitW(Math.abs(gridW), ids.length);
    return ids.map((id, i) => {
      const w = parts[i];
      const voltageV = round(230 + 15 * noise(`${this.keys.grid}:V${id}`, minuteIndex), 2);
      return {
        id,
        exportKW: gridW < 0 ? w / 1000 : 0,
        importKW: gridW > 0 ? w / 1000 : 0,
        voltageV,
        currentA: round(w / voltageV, 2),
        powerFactor: round(0.75 + 0.25 * noise(`${this.keys.serial}:pf${id}`, minuteIndex), 3),
      };
    });
  }

  private stringReadings(minuteIndex: number): InverterSnapshot['pvStrings'] {
    return splitW(this.flows.pvW, this.def.pvStringCount).map((w, i) => {
      // A string that produces nothing (night, curtailed to 0) reads 0 V.
      if (w === 0) return { currentA: 0, voltageV: 0, powerKW: 0 };
      const voltageV = round(350 + 50 * noise(`${this.keys.serial}:pv${i}`, minuteIndex), 2);
      return { currentA: round(w / voltageV, 2), voltageV, powerKW: w / 1000 };
    });
  }

  private batteryReading(minuteIndex: number): NonNullable<InverterSnapshot['battery']> {
    const bat = this.def.battery!;
    const { batteryW } = this.flows;
    const voltageV = round(bat.nominalVoltageV * (0.95 + 0.1 * this.soc), 2);
    const soc0to1 = round(this.soc, 4);
    const modules: ModuleReading[] = splitW(batteryW, bat.moduleCount).map((w, i) => {
      const v = round(voltageV / bat.moduleCount + 0.1 * (noise(`${this.keys.serial}:mod${i}`, minuteIndex) - 0.5), 2);
      return { currentA: round(w / v, 2), voltageV: v, powerKW: w / 1000, soc0to1 };
    });
    const ratedW = Math.max(bat.maxChargeKW, bat.maxDischargeKW, 0.001) * 1000;
    const cabinets = Array.from({ length: bat.cabinetCount }, (_, i) => ({
      temperatureC: round(22 + 8 * Math.min(1, Math.abs(batteryW) / ratedW)
        + 3 * noise(`${this.keys.serial}:cab${i}`, Math.floor(minuteIndex / 10)), 1),
      fanState: Math.abs(batteryW) > 2000 ? 'On' as const : 'Off' as const,
    }));
    return { currentA: round(batteryW / voltageV, 2), voltageV, voltageType: bat.voltageType, modules, cabinets };
  }
}

/** Battery power (W, positive = discharge) a mode asks for, before any limit. */
function desiredBatteryW(mode: InverterMode, powerW: number, pvW: number, loadW: number): number {
  if (CHARGE_MODES.has(mode)) return -powerW;
  if (DISCHARGE_MODES.has(mode)) return powerW;
  switch (mode) {
    case 'Auto':
    case 'NoMode':
      return loadW - pvW;
    case 'Conserve':
      return Math.min(0, loadW - pvW);
    case 'ImportPower':
      return loadW - pvW - powerW;
    case 'ExportPower':
      return loadW - pvW + powerW;
    default:
      return 0;
  }
}

function copyControl(c: ControlInput): ControlInput {
  return { mode: { ...c.mode }, envelope: c.envelope ? { ...c.envelope } : null };
}

function overrideW(kW: number | null | undefined, name: string): number | null {
  if (kW === null || kW === undefined) return null;
  if (!Number.isFinite(kW) || kW < 0) throw new RangeError(`invalid ${name} override: ${kW}`);
  return Math.round(kW * 1000);
}

/** An envelope ceiling in whole W; null means none. */
function limitW(v: number | null | undefined): number {
  return v === null || v === undefined || !Number.isFinite(v) ? Infinity : Math.max(0, Math.round(v));
}

/** Splits whole watts into n whole-watt parts that add up exactly. */
function splitW(totalW: number, n: number): number[] {
  if (n <= 0) return [];
  const base = Math.trunc(totalW / n);
  const rest = totalW - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < Math.abs(rest) ? Math.sign(rest) : 0));
}

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function smoothstep(x: number): number {
  return x * x * (3 - 2 * x);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f || 0;
}
