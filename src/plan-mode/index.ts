/** The plan mode's pure pieces (no Node-RED): what the control node wires around `planBattery`. */
export { DEFAULT_LOAD_W, DEFAULT_ROUND_TRIP_EFFICIENCY } from '../plan/defaults';
export type {
  AmberPriceInterval, PlanBatteryInput, PlanCommandName, PlanForecastSlot, PlanInput, PlanInterval, PlanNow, PlanOptions, PlanPrevious, PlanResult, PlanSiteInput,
} from '../plan';
export { PlanInputError } from './plan-input-error';
export type { AmberIntervalOut } from './amber-shape';
export { priceSeries, pointAt, type PricePoint } from './amber-series';
export { isHomeAssistantPrices, homeAssistantToAmber } from './ha-prices';
export {
  newProfile, learnReading, profileForecast, profileLoadAt, restoreProfile, SLOTS, SLOT_MINUTES,
  type LoadPvProfile, type ProfileSlot, type SiteReading,
} from './load-profile';
export { parseFlowForecast, MAX_FORECAST_SLOTS } from './flow-forecast';
export {
  isSolcastForecast, solcastToForecast, SOLCAST_ESTIMATES, SOLCAST_PERIOD_MINUTES, type SolcastEstimate, type SolcastSlot,
} from './solcast-forecast';
export { chooseForecast, type ForecastChoice } from './forecast-choice';
export { buildPlannerInput, MAX_READING_AGE_MS, type BatteryState, type InverterLimitsPayload, type PlanInputSources } from './planner-input';
export { simulateAuto, meanPower, type AutoResult, type Window } from './auto-simulation';
export { planMessage, planSummary, storedEnergyValue, type PlanMessage, type PlanRow, type PlanSummary } from './plan-output';
export { planStatus, planStatusText, planFallbackStatus } from './plan-status';
export {
  planDecision, sendReason, decisionKey, DEFAULT_GRACE_MINUTES, DEFAULT_RENEW_BELOW_MINUTES,
  type ControlPayload, type PlanDecision, type DecisionOptions, type SentDecision, type SendReason,
} from './plan-command';
export { minuteOfDay, clockText } from './zone-clock';
export {
  newBill, restoreBill, billReading, billView, MAX_BILL_GAP_MS,
  type BillState, type BillReading, type BillPrice, type BillBattery, type PlanBill,
} from './running-bill';
