/**
 * What the plan mode puts on its output: `msg.plan` (one row per price interval: command, power,
 * SoC, prices, grid energy, cost) and `msg.planSummary` (expected cost, cycles, and the saving
 * against leaving the inverter on Auto over the same horizon).
 */
import { priceSeries, pointAt } from './amber-series';
import { simulateAuto } from './auto-simulation';
import { roundTo as round } from '../model/units';
import type { PlanCommandName, PlanInput, PlanResult } from '../plan';

export interface PlanRow {
  start: string;
  end: string;
  command: PlanCommandName;
  powerW: number | null;
  curtail: boolean;
  socPctStart: number;
  socPctEnd: number;
  /** The prices planned on, c/kWh (feed-in: what the user pays; negative = earns). */
  generalCents: number | null;
  feedInCents: number | null;
  gridImportKWh: number;
  gridExportKWh: number;
  costCents: number;
}

export interface PlanMessage {
  now: string;
  intervals: PlanRow[];
}

export interface PlanSummary {
  /** The planner's own figure (stored energy at the end valued as it chooses). */
  expectedCostCents: number;
  /** Sum of the intervals' costs. */
  planCostCents: number;
  /** Auto's cost over the same intervals, prices and forecast. */
  autoCostCents: number;
  /** Auto's cost less the plan's, the difference in stored energy at the end valued at storedEnergyCentsPerKWh. */
  savingCents: number;
  storedEnergyCentsPerKWh: number;
  /** Equivalent full cycles: energy discharged / usable capacity. */
  cycles: number;
  socPctStart: number;
  socPctEnd: number;
  autoSocPctEnd: number;
  horizonStart: string | null;
  horizonEnd: string | null;
}

export function planMessage(result: PlanResult, input: PlanInput): PlanMessage {
  const series = priceSeries(input.prices);
  let soc = input.battery.socPct;
  const intervals = result.intervals.map((row) => {
    const price = pointAt(series, Date.parse(row.start));
    const out: PlanRow = {
      start: row.start,
      end: row.end,
      command: row.command,
      powerW: row.powerW,
      curtail: row.curtail,
      socPctStart: round(soc, 2),
      socPctEnd: round(row.socPctEnd, 2),
      generalCents: price?.generalCents ?? null,
      feedInCents: price?.feedInCents ?? null,
      gridImportKWh: round(row.gridImportKWh, 4),
      gridExportKWh: round(row.gridExportKWh, 4),
      costCents: round(row.costCents, 3),
    };
    soc = row.socPctEnd;
    return out;
  });
  return { now: input.now, intervals };
}

export function planSummary(result: PlanResult, input: PlanInput): PlanSummary {
  const series = priceSeries(input.prices);
  const windows = result.intervals.map((r) => ({ startMs: Date.parse(r.start), endMs: Date.parse(r.end) }));
  const auto = simulateAuto(input, series, windows);
  const capacity = input.battery.capacityKWh;
  let soc = input.battery.socPct;
  let dischargedPct = 0;
  for (const r of result.intervals) {
    if (r.socPctEnd < soc) dischargedPct += soc - r.socPctEnd;
    soc = r.socPctEnd;
  }
  const planCost = result.intervals.reduce((sum, r) => sum + r.costCents, 0);
  const value = storedEnergyValue(series.map((p) => p.generalCents));
  const storedDifferenceKWh = ((soc - auto.socPctEnd) / 100) * capacity;
  const last = result.intervals[result.intervals.length - 1];
  return {
    expectedCostCents: round(result.expectedCostCents, 2),
    planCostCents: round(planCost, 2),
    autoCostCents: round(auto.costCents, 2),
    savingCents: round(auto.costCents - planCost + storedDifferenceKWh * value, 2),
    storedEnergyCentsPerKWh: round(value, 3),
    cycles: round(dischargedPct / 100, 3),
    socPctStart: input.battery.socPct,
    socPctEnd: round(soc, 2),
    autoSocPctEnd: round(auto.socPctEnd, 2),
    horizonStart: result.intervals[0]?.start ?? null,
    horizonEnd: last?.end ?? null,
  };
}

/** Stored energy is worth what it saves later, at worst: a low quartile of the import prices ahead (0 at least). */
export function storedEnergyValue(generalCents: number[]): number {
  if (generalCents.length === 0) return 0;
  const sorted = [...generalCents].sort((a, b) => a - b);
  return Math.max(0, sorted[Math.floor((sorted.length - 1) * 0.25)]);
}

