/** Amber `/prices/current` answers for the planner tests, in Amber's format (start one second past the minute). */
import type { AmberPriceInterval, PlanBatteryInput } from '../../src/plan';

export interface Step {
  minutes: number;
  general: number;
  feedIn: number;
  predictedGeneral?: number;
  predictedFeedIn?: number;
  estimate?: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** Consecutive intervals from `startIso`; the first is the CurrentInterval. */
export function amberAnswer(startIso: string, steps: Step[]): AmberPriceInterval[] {
  const out: AmberPriceInterval[] = [];
  let t = Date.parse(startIso);
  steps.forEach((step, i) => {
    const end = t + step.minutes * 60_000;
    for (const channelType of ['general', 'feedIn'] as const) {
      const predicted = channelType === 'general' ? step.predictedGeneral : step.predictedFeedIn;
      out.push({
        type: i === 0 ? 'CurrentInterval' : 'ForecastInterval',
        duration: step.minutes,
        startTime: iso(t + 1000),
        endTime: iso(end),
        perKwh: channelType === 'general' ? step.general : step.feedIn,
        channelType,
        spikeStatus: 'none',
        descriptor: 'neutral',
        ...(i === 0 ? { estimate: step.estimate ?? false } : {}),
        ...(predicted === undefined ? {} : { advancedPrice: { low: predicted - 1, predicted, high: predicted + 1 } }),
      });
    }
    t = end;
  });
  return out;
}

/** `count` equal steps. */
export function flat(count: number, minutes: number, general: number, feedIn: number): Step[] {
  return Array.from({ length: count }, () => ({ minutes, general, feedIn }));
}

export const BATTERY: PlanBatteryInput = { socPct: 50, capacityKWh: 10, minSocPct: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 0.81 };

/** A constant load/PV forecast over a day from `startIso`. */
export function steadyForecast(startIso: string, loadW: number, pvW: number, hours = 48): { start: string; end: string; loadW: number; pvW: number }[] {
  const start = Date.parse(startIso);
  return [{ start: iso(start), end: iso(start + hours * 3_600_000), loadW, pvW }];
}
