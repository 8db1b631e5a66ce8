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
  const oneWay = Math.sqrt(b.roundTripEfficiency ?? DEFAULT_ROUND_TRIP_EFFICIENCY);
  const floorKWh = (b.minSocPct / 100) * b.capacityKWh;
  let storedKWh = (b.socPct / 100) * b.capacityKWh;
  const maxExportW = input.site?.maxExportW ?? Infinity;
  let cost = 0;
  let imported = 0;
  let exported = 0;
  let discharged = 0;
  for (const w of windows) {
    const hours = (w.endMs - w.startMs) / 3_600_000;
    if (hours <= 0) continue;
    const price = pointAt(series, w.startMs);
    const { loadW, pvW } = meanPower(input.forecast, w.startMs, w.endMs);
    const surplusW = pvW - loadW;
    let importW = 0;
    let exportW = 0;
    if (surplusW >= 0) {
      const roomW = (Math.max(0, b.capacityKWh - storedKWh) * 1000) / (oneWay * hours);
      const chargeW = Math.min(surplusW, b.maxChargeW, roomW);
      storedKWh += (chargeW * hours * oneWay) / 1000;
      exportW = Math.min(surplusW - chargeW, maxExportW);
    } else {
      const availableW = (Math.max(0, storedKWh - floorKWh) * oneWay * 1000) / hours;
      const dischargeW = Math.min(-surplusW, b.maxDischargeW, availableW);
      storedKWh -= (dischargeW * hours) / 1000 / oneWay;
      discharged += (dischargeW * hours) / 1000;
      importW = -surplusW - dischargeW;
    }
    const importKWh = (importW * hours) / 1000;
    const exportKWh = (exportW * hours) / 1000;
    imported += importKWh;
    exported += exportKWh;
    cost += importKWh * (price?.generalCents ?? 0) + exportKWh * (price?.feedInCents ?? 0);
  }
  return { costCents: cost, socPctEnd: (storedKWh / b.capacityKWh) * 100, gridImportKWh: imported, gridExportKWh: exported, dischargedKWh: discharged };
}

/**
 * Mean load and PV over a window from the forecast slots, time-weighted; where no slot covers it,
 * no PV and the mean of the given loads (or 500 W), exactly as the planner assumes.
 */
export function meanPower(forecast: readonly PlanForecastSlot[] | null | undefined, startMs: number, endMs: number): { loadW: number; pvW: number } {
  return meanForecastPower(readForecast(forecast ?? []), startMs, endMs);
}
