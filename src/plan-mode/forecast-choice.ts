/**
 * The planner's load/PV forecast: the flow's `msg.forecast` when it gives one (`[{start, end,
 * loadW, pvW}]`, or Solcast's sensors from Home Assistant, whose missing load comes from the
 * learnt profile), else the learnt profile.
 */
import { parseFlowForecast } from './flow-forecast';
import { profileForecast, profileLoadAt, type LoadPvProfile } from './load-profile';
import { isSolcastForecast, solcastToForecast } from './solcast-forecast';
import type { PlanForecastSlot } from '../plan';

export interface ForecastChoice {
  forecast: PlanForecastSlot[];
  source: 'flow' | 'profile';
}

/** Throws PlanInputError when `msgForecast` is given but malformed: a bad forecast is never silently replaced. */
export function chooseForecast(msgForecast: unknown, profile: LoadPvProfile, nowMs: number, hours = 24): ForecastChoice {
  if (isSolcastForecast(msgForecast)) {
    const slots = solcastToForecast(msgForecast).map((s) => ({ ...s, loadW: s.loadW ?? profileLoadAt(profile, Date.parse(s.start)) }));
    return { forecast: slots, source: 'flow' };
  }
  if (msgForecast !== undefined && msgForecast !== null) return { forecast: parseFlowForecast(msgForecast), source: 'flow' };
  return { forecast: profileForecast(profile, nowMs, hours), source: 'profile' };
}
