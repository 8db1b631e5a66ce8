/** How the simulated Amber feed forecasts (docs/amber-sim.md). */
export interface ForecastModel {
  /** Noise key; the same seed gives the same forecasts. */
  seed: string;
  /** How far ahead forecasts stay 5-minute and true. */
  nearTermMinutes: number;
  /** Relative noise of a far forecast a day ahead (half of it soon after the near term). */
  farNoise: number;
  /** Chance that a far forecast misses a spike that comes. */
  spikeMissRate: number;
  /** Chance that a far evening forecast shows a spike that never comes. */
  phantomSpikeRate: number;
  /** The current interval's price is an estimate for its first 30 s to this many seconds (seeded per interval). */
  estimateMaxSeconds: number;
}

export const DEFAULT_FORECAST_MODEL: ForecastModel = {
  seed: 'amber', nearTermMinutes: 60, farNoise: 0.25, spikeMissRate: 0.5, phantomSpikeRate: 0.03, estimateMaxSeconds: 180,
};
