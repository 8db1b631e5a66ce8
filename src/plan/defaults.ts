/** What the planner assumes when its input leaves something out (docs/planner.md). */

/** The round-trip efficiency when the battery gives none, split evenly: √ of it each way. */
export const DEFAULT_ROUND_TRIP_EFFICIENCY = 0.9;
/** The house load where no forecast covers a time and none is given at all. */
export const DEFAULT_LOAD_W = 500;
/** How far the load and PV of the interval now may be from the forecast, as a fraction (docs/planner.md). */
export const DEFAULT_FORECAST_SPREAD = 0.5;
