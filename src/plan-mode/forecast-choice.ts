/** The planner's load/PV forecast: the flow's `msg.forecast` when it gives one, else the learnt profile. */
import { parseFlowForecast } from './flow-forecast';
import { profileForecast, type LoadPvProfile } from './load-profile';
import type { PlanForecastSlot } from '../plan';

export interface ForecastChoice {
  forecast: PlanForecastSlot[];
  source: 'flow' | 'profile';
}

/** Throws PlanInputError when `msgForecast` is given but malformed: a bad forecast is never silently replaced. */
export function chooseForecast(msgForecast: unknown, profile: LoadPvProfile, nowMs: number, hours = 24): ForecastChoice {
  if (msgForecast !== undefined && msgForecast !== null) return { forecast: parseFlowForecast(msgForecast), source: 'flow' };
  return { forecast: profileForecast(profile, nowMs, hours), source: 'profile' };
}
