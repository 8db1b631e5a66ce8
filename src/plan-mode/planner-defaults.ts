/** What the planner (`planBattery`, src/plan/) assumes when the input leaves it out (docs/planner.md). */

/** The round-trip efficiency the planner assumes when none is given. */
export const DEFAULT_ROUND_TRIP_EFFICIENCY = 0.9;
/** The planner's load where no forecast covers a time and none is given at all. */
export const DEFAULT_LOAD_W = 500;
