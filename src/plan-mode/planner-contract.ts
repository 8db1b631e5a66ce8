/**
 * The planner's input and result (`planBattery` in `src/plan/`) as the product contract fixes
 * them (docs/plan-mode.md), declared here so the plan mode does not depend on how it is written.
 * Powers in W, energy in kWh, prices in c/kWh as Amber gives them.
 */
export type PlannedCommand = 'charge' | 'discharge' | 'conserve' | 'auto';

export interface PlannerBattery {
  socPct: number;
  /** Usable capacity. */
  capacityKWh: number;
  minSocPct: number;
  maxChargeW: number;
  maxDischargeW: number;
  roundTripEfficiency?: number;
}

export interface PlannerForecastSlot {
  start: string;
  end: string;
  loadW: number;
  pvW: number;
}

export interface PlannerPrevious {
  command: PlannedCommand;
  powerW: number | null;
  curtail: boolean;
}

export interface PlannerInput {
  now: string;
  /** Amber's `/sites/{id}/prices/current` answer, unchanged. */
  prices: unknown[];
  battery: PlannerBattery;
  previous?: PlannerPrevious;
  site?: { maxExportW: number; maxImportW: number };
  forecast?: PlannerForecastSlot[];
  options?: { wearCentsPerKWh?: number; horizonHours?: number };
}

export interface PlannerNow {
  command: PlannedCommand;
  powerW: number | null;
  curtail: boolean;
  until: string;
}

export interface PlannerInterval {
  start: string;
  end: string;
  command: PlannedCommand;
  powerW: number | null;
  curtail: boolean;
  socPctEnd: number;
  gridImportKWh: number;
  gridExportKWh: number;
  costCents: number;
}

export interface PlannerResult {
  now: PlannerNow;
  intervals: PlannerInterval[];
  expectedCostCents: number;
}

/** The round-trip efficiency the planner assumes when none is given. */
export const DEFAULT_ROUND_TRIP_EFFICIENCY = 0.9;
/** The planner's load where no forecast covers a time and none is given at all. */
export const DEFAULT_LOAD_W = 500;
