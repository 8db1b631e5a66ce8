/**
 * What leaving the inverter on Auto would cost over the plan's horizon, by the meaning of Auto in
 * docs/plan-mode.md: the battery absorbs PV surplus and covers the load within its
 * limits and minimum SoC; the rest is exported (up to the export limit) or imported.
 */
import type { PlanForecastSlot, PlanInput } from '../plan';
import { meanForecastPower, readForecast } from '../plan/slots';
import { DEFAULT_ROUND_TRIP_EFFICIENCY } from '../plan/defaults';
import { pointAt, type PricePoint } from './amber-series';

export interface Window {
  startMs: number;
  endMs: number;
}

export interface AutoResult {
  costCents: number;
  socPctEnd: number;
  gridImportKWh: number;
  gridExportKWh: number;
  /** Energy the battery gave, kWh (before losses on the way out). */
  dischargedKWh: number;
}

export function simulateAuto(input: PlanInput, series: PricePoint[], windows: Window[]): AutoResult {
  const b = input.battery;
  let storedKWh = (b.socPct / 100) * b.capacityKWh;
  const maxExportW = input.site?.maxExportW;
  let cost = 0;
  let imported = 0;
  let exported = 0;
  let discharged = 0;
  for (const w of windows) {
    const hours = (w.endMs - w.startMs) / 3_600_000;
    if (hours <= 0) continue;
    const price = pointAt(series, w.startMs);
    const { loadW, pvW } = meanPower(input.forecast, w.startMs, w.endMs);
    const step = autoStep(storedKWh, (pvW * hours) / 1000, (loadW * hours) / 1000, hours, { ...b, maxExportW });
    storedKWh = step.storedKWh;
    discharged += step.dischargedKWh;
    imported += step.importKWh;
    exported += step.exportKWh;
    cost += step.importKWh * (price?.generalCents ?? 0) + step.exportKWh * (price?.feedInCents ?? 0);
  }
  return { costCents: cost, socPctEnd: (storedKWh / b.capacityKWh) * 100, gridImportKWh: imported, gridExportKWh: exported, dischargedKWh: discharged };
}

/** The battery and site as Auto sees them. */
export interface AutoBattery {
  capacityKWh: number;
  minSocPct: number;
  maxChargeW: number;
  maxDischargeW: number;
  roundTripEfficiency?: number;
  /** The site's export limit, W; undefined = no limit. */
  maxExportW?: number;
}

/**
 * One window on Auto: the battery takes the PV surplus and covers the shortfall within its power
 * limits, its room and its minimum SoC; the rest is exported (up to the limit) or imported.
 */
export function autoStep(
  storedKWh: number, pvKWh: number, loadKWh: number, hours: number, b: AutoBattery,
): { storedKWh: number; importKWh: number; exportKWh: number; dischargedKWh: number } {
  const oneWay = Math.sqrt(b.roundTripEfficiency ?? DEFAULT_ROUND_TRIP_EFFICIENCY);
  const surplus = pvKWh - loadKWh;
  if (surplus >= 0) {
    const room = Math.max(0, b.capacityKWh - storedKWh) / oneWay;
    const charged = Math.min(surplus, (b.maxChargeW * hours) / 1000, room);
    const exportCap = b.maxExportW === undefined ? Infinity : (b.maxExportW * hours) / 1000;
    return { storedKWh: storedKWh + charged * oneWay, importKWh: 0, exportKWh: Math.min(surplus - charged, exportCap), dischargedKWh: 0 };
  }
  const floorKWh = (b.minSocPct / 100) * b.capacityKWh;
  const available = Math.max(0, storedKWh - floorKWh) * oneWay;
  const discharged = Math.min(-surplus, (b.maxDischargeW * hours) / 1000, available);
  return { storedKWh: storedKWh - discharged / oneWay, importKWh: -surplus - discharged, exportKWh: 0, dischargedKWh: discharged };
}

/**
 * Mean load and PV over a window from the forecast slots, time-weighted; where no slot covers it,
 * no PV and the mean of the given loads (or 500 W), exactly as the planner assumes.
 */
export function meanPower(forecast: readonly PlanForecastSlot[] | null | undefined, startMs: number, endMs: number): { loadW: number; pvW: number } {
  return meanForecastPower(readForecast(forecast ?? []), startMs, endMs);
}
