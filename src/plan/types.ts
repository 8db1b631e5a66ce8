/** The planner's public types: what planBattery takes and what it answers (docs/planner.md). */

/** One interval of Amber's `/sites/{id}/prices/current` answer, as Amber sends it. */
export interface AmberPriceInterval {
  type?: 'ActualInterval' | 'CurrentInterval' | 'ForecastInterval' | string;
  channelType?: 'general' | 'feedIn' | 'controlledLoad' | string;
  /** `…:00:01Z`: Amber's start carries one second; the interval starts on the minute. */
  startTime?: string;
  endTime?: string;
  duration?: number;
  /** c/kWh including GST, what the user pays; on feedIn negative = the user earns. */
  perKwh?: number;
  estimate?: boolean;
  advancedPrice?: { low?: number; predicted?: number; high?: number } | null;
  [field: string]: unknown;
}

export interface PlanBatteryInput {
  /** Percent of the usable capacity. */
  socPct: number;
  /** Usable capacity. */
  capacityKWh: number;
  /** Percent of the usable capacity; never crossed. */
  minSocPct: number;
  maxChargeW: number;
  maxDischargeW: number;
  /** Default 0.9, split evenly: √ of it each way. */
  roundTripEfficiency?: number;
}

/** What the planner can tell the inverter to do. */
export type PlanCommandName = 'charge' | 'discharge' | 'conserve' | 'auto';

/** The command in force: the `now` of the last result that was acted on. */
export interface PlanPrevious {
  command: PlanCommandName;
  powerW: number | null;
  curtail: boolean;
  [field: string]: unknown;
}

export interface PlanSiteInput {
  /** 0 = no export allowed. Default: no limit. */
  maxExportW?: number;
  /** 0 = the battery never charges from the grid. Default: no limit. */
  maxImportW?: number;
}

/** Mean house load and PV power over [start, end). */
export interface PlanForecastSlot {
  start: string;
  end: string;
  loadW: number;
  pvW: number;
}

export interface PlanOptions {
  /** Cost per kWh discharged (battery wear), default 0. */
  wearCentsPerKWh?: number;
  /** Default 24. */
  horizonHours?: number;
  /**
   * What a change of command must gain over holding `previous` for 30 minutes (c). Default: one
   * SoC step of the plan (0.05 kWh) at the horizon's mean import price.
   */
  switchCostCents?: number | null;
  /**
   * How far the load and PV may be from the forecast, as a fraction: the command for now is
   * scored at (1 − it, 1, 1 + it) × each, the rest of the horizon replanned with the error kept
   * in the same direction (docs/planner.md); default 0.5; 0 trusts the forecast.
   */
  forecastSpread?: number;
}

export interface PlanInput {
  /** ISO time with a zone; the plan starts here. */
  now: string;
  prices: readonly AmberPriceInterval[];
  battery: PlanBatteryInput;
  previous?: PlanPrevious | null;
  site?: PlanSiteInput | null;
  forecast?: readonly PlanForecastSlot[] | null;
  options?: PlanOptions | null;
}

export interface PlanNow {
  command: PlanCommandName;
  /** Whole W for charge/discharge, else null. */
  powerW: number | null;
  /** True when exports should be capped at 0 W (exporting costs money). */
  curtail: boolean;
  /** The end of the current price interval (ISO, UTC). */
  until: string;
}

export interface PlanInterval {
  start: string;
  end: string;
  command: PlanCommandName;
  powerW: number | null;
  curtail: boolean;
  socPctEnd: number;
  gridImportKWh: number;
  gridExportKWh: number;
  costCents: number;
}

export interface PlanResult {
  now: PlanNow;
  /** One row per price interval over the horizon; the first starts at `now`. */
  intervals: PlanInterval[];
  /** The plan's cost over the horizon, less the change in stored energy valued at the planner's end value. */
  expectedCostCents: number;
}
