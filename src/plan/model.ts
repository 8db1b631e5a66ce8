/**
 * The battery and the site through one slot, per command, as docs/planner.md defines them (the
 * inverter's own behaviour, as the simulator models it):
 * - auto: the battery absorbs PV surplus and covers the load, within its limits;
 * - conserve: the battery takes PV surplus but never discharges;
 * - charge at P: the battery takes P, PV first, the grid for the rest (up to the import limit);
 * - discharge at P: the battery gives P, to the load first, the rest exported up to the export
 *   limit (PV is reduced before the battery is);
 * - curtail: exports capped at 0 W (PV reduced), whatever the battery does.
 * The load is always served; the import limit only bounds charging from the grid.
 * SoC never leaves [min, capacity]. One battery power per slot: never charging and discharging at once.
 */
import type { Slot } from './slots';
import type { PlanCommandName } from './types';

export interface SiteModel {
  capacityKWh: number;
  minKWh: number;
  maxChargeW: number;
  maxDischargeW: number;
  /** Stored per kWh taken in. */
  etaIn: number;
  /** Given out per kWh stored. */
  etaOut: number;
  maxExportW: number;
  maxImportW: number;
  wearCentsPerKWh: number;
}

export interface Command {
  command: PlanCommandName;
  powerW: number | null;
  curtail: boolean;
}

export interface Outcome {
  /** AC side, + charging, − discharging. */
  batteryW: number;
  importW: number;
  exportW: number;
  socKWhEnd: number;
  costCents: number;
}

/** The battery power a command gives from `socKWh` in this slot, within every limit. */
export function batteryPowerW(slot: Slot, m: SiteModel, socKWh: number, command: PlanCommandName, powerW: number | null, curtail: boolean): number {
  const roomW = Math.max(0, m.capacityKWh - socKWh) / m.etaIn / slot.hours * 1000;
  const availW = Math.max(0, socKWh - m.minKWh) * m.etaOut / slot.hours * 1000;
  const surplusW = slot.pvW - slot.loadW;
  switch (command) {
    case 'auto':
      return surplusW >= 0 ? Math.min(surplusW, m.maxChargeW, roomW) : -Math.min(-surplusW, m.maxDischargeW, availW);
    case 'conserve':
      return surplusW > 0 ? Math.min(surplusW, m.maxChargeW, roomW) : 0;
    case 'charge':
      return Math.max(0, Math.min(powerW ?? 0, m.maxChargeW, roomW, m.maxImportW + surplusW));
    case 'discharge': {
      const capW = curtail ? 0 : m.maxExportW;
      return -Math.max(0, Math.min(powerW ?? 0, m.maxDischargeW, availW, slot.loadW + capW));
    }
  }
}

/** Stored energy change (kWh) for a battery power held through the slot. */
export function storedChangeKWh(slot: Slot, m: SiteModel, batteryW: number): number {
  const kwh = batteryW * slot.hours / 1000;
  return kwh >= 0 ? kwh * m.etaIn : kwh / m.etaOut;
}

/** Grid cost of the slot (c) with the battery at `batteryW`, plus wear on what it discharges. */
export function slotCostCents(slot: Slot, m: SiteModel, batteryW: number, curtail: boolean): number {
  const netW = slot.loadW - slot.pvW + batteryW;
  const grid = netW >= 0
    ? netW * slot.generalCents
    : Math.min(-netW, curtail ? 0 : m.maxExportW) * slot.feedInCents;
  const wear = batteryW < 0 ? -batteryW * m.wearCentsPerKWh : 0;
  return (grid + wear) * slot.hours / 1000;
}

/** The SoC at the end of the slot with the battery at `batteryW`, never below min (or the start, if below) nor above full. */
export function socAfter(slot: Slot, m: SiteModel, socKWh: number, batteryW: number): number {
  return Math.min(m.capacityKWh, Math.max(Math.min(socKWh, m.minKWh), socKWh + storedChangeKWh(slot, m, batteryW)));
}

export function applyCommand(slot: Slot, m: SiteModel, socKWh: number, cmd: Command): Outcome {
  const batteryW = batteryPowerW(slot, m, socKWh, cmd.command, cmd.powerW, cmd.curtail);
  const netW = slot.loadW - slot.pvW + batteryW;
  const socKWhEnd = socAfter(slot, m, socKWh, batteryW);
  return {
    batteryW,
    importW: Math.max(0, netW),
    exportW: netW < 0 ? Math.min(-netW, cmd.curtail ? 0 : m.maxExportW) : 0,
    socKWhEnd,
    costCents: slotCostCents(slot, m, batteryW, cmd.curtail),
  };
}

/** Exports should be capped at 0 W whenever exporting costs money. */
export function curtailFor(slot: Slot): boolean {
  return slot.feedInCents > 0;
}
