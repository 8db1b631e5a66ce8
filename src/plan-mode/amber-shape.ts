/** One interval of Amber's `/sites/{id}/prices/current` answer, as the plan mode produces it from other sources. */
export interface AmberIntervalOut {
  type: 'ActualInterval' | 'CurrentInterval' | 'ForecastInterval';
  date?: string;
  duration: number;
  startTime: string;
  endTime: string;
  nemTime: string;
  /** c/kWh; feed-in is what the user pays (negative = earns). */
  perKwh: number;
  spotPerKwh?: number;
  renewables?: number;
  channelType: 'general' | 'feedIn';
  spikeStatus?: 'none' | 'potential' | 'spike';
  descriptor?: string;
  estimate?: boolean;
  advancedPrice?: { low: number; predicted: number; high: number };
  range?: { min: number; max: number };
}
