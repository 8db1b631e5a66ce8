/**
 * The closed loop: every 5 minutes of a real month a policy sees what it could know then (the
 * Amber answer, the SoC, yesterday's load and PV or the plan mode's profile learnt from the steps
 * already run), chooses a command, and the site runs it for 5 minutes against the true load, PV
 * and price (src/plan/model.ts: the same command semantics as the planner's, with no wear in the
 * bill).
 */
import { amberAnswer, type ForecastCondition } from './amber-feed';
import { amberFeedIn, amberGeneral, type Household, type PriceMonth } from './pricing-data';
import { decide, type Decision, type PriceSettings } from '../../src/control/amber-policy';
import { readAmberPrices } from '../../src/control/price-input';
import { planSlots } from '../../src/plan/dp';
import { applyCommand, type Command, type SiteModel } from '../../src/plan/model';
import type { Slot } from '../../src/plan/slots';
import { planBattery, type PlanForecastSlot, type PlanPrevious } from '../../src/plan';
import { learnReading, newProfile, profileForecast, type LoadPvProfile } from '../../src/plan-mode/load-profile';

const FIVE_MIN_MS = 300_000;
const HALF_HOUR_MS = 1_800_000;
const DAY_MS = 86_400_000;
/** The household's zone: pricing-data.ts's localOffsetMs (eastern Australia's daylight saving) as an IANA zone. */
export const SITE_ZONE = 'Australia/Sydney';

export interface Site {
  label: string;
  capacityKWh: number;
  powerW: number;
  pvKWp: number;
  minSocPct: number;
  roundTripEfficiency: number;
  maxExportW: number;
  maxImportW: number;
  startSocPct: number;
}

/**
 * The planner's load/PV forecast: the same time yesterday, the truth, or the plan mode's learnt
 * profile (src/plan-mode/load-profile.ts) fed every finished step's true load and PV.
 */
export type LoadForecast = 'yesterday' | 'true' | 'profile';

export type Policy =
  | { kind: 'none' }
  | { kind: 'auto' }
  | { kind: 'threshold'; chargeBelowCents: number; dischargeAboveCents: number }
  | { kind: 'planner'; condition: ForecastCondition; loadForecast: LoadForecast; switchCostCents?: number; wearCentsPerKWh?: number; forecastSpread?: number }
  | { kind: 'optimum' };

export interface MonthRun {
  /** The bill, c. */
  billCents: number;
  /** The bill less the stored energy gained over the month, valued the same for every policy. */
  costCents: number;
  dischargeKWh: number;
  commandChanges: number;
  days: number;
  planMs: number[];
}

export function siteModel(site: Site, wearCentsPerKWh = 0): SiteModel {
  const eta = Math.sqrt(site.roundTripEfficiency);
  return {
    capacityKWh: site.capacityKWh,
    minKWh: site.capacityKWh * site.minSocPct / 100,
    maxChargeW: site.powerW,
    maxDischargeW: site.powerW,
    etaIn: eta,
    etaOut: eta,
    maxExportW: site.maxExportW,
    maxImportW: site.maxImportW,
    wearCentsPerKWh,
  };
}

/** The month's 5-minute slots as they really were. */
export function trueSlots(month: PriceMonth, house: Household, site: Site): Slot[] {
  return Array.from(month.spotCents, (spot, k) => {
    const startMs = month.startMs + k * FIVE_MIN_MS;
    return {
      startMs,
      endMs: startMs + FIVE_MIN_MS,
      hours: 1 / 12,
      generalCents: amberGeneral(spot),
      feedInCents: amberFeedIn(spot, startMs),
      loadW: house.loadW(startMs),
      pvW: house.pvW(startMs, site.pvKWp),
    };
  });
}

/** Stored energy left at the end of the month, c/kWh: the month's median import price through the losses. */
export function monthEndValue(slots: readonly Slot[], site: Site): number {
  const prices = slots.map((s) => s.generalCents).sort((a, b) => a - b);
  return Math.max(0, prices[Math.floor(prices.length / 2)] * Math.sqrt(site.roundTripEfficiency));
}

function sameCommand(a: Command | null, b: Command): boolean {
  return a !== null && a.command === b.command && a.powerW === b.powerW && a.curtail === b.curtail;
}

/** Load and PV for the next 24 h as they were at the same time the day before, per half-hour. */
function yesterdayForecast(house: Household, site: Site, nowMs: number, truth: boolean): PlanForecastSlot[] {
  const rows: PlanForecastSlot[] = [];
  const first = Math.floor(nowMs / HALF_HOUR_MS) * HALF_HOUR_MS;
  for (let t = first; t < nowMs + DAY_MS; t += HALF_HOUR_MS) {
    const from = truth ? t : t - DAY_MS;
    rows.push({
      start: new Date(Math.max(t, nowMs)).toISOString(),
      end: new Date(t + HALF_HOUR_MS).toISOString(),
      loadW: house.loadW(from),
      pvW: house.pvW(from, site.pvKWp),
    });
  }
  return rows;
}

export function runMonth(month: PriceMonth, house: Household, site: Site, policy: Policy, slots = trueSlots(month, house, site)): MonthRun {
  const model = siteModel(site);
  const endValue = monthEndValue(slots, site);
  const noBattery: SiteModel = { ...model, capacityKWh: 0, minKWh: 0 };
  const startKWh = site.capacityKWh * site.startSocPct / 100;
  const optimum = policy.kind === 'optimum'
    ? planSlots(slots, model, startKWh, { endValueCentsPerKWh: endValue, switchCostCents: 0, previous: null, forecastSpread: 0 })
    : null;
  const thresholdSettings: PriceSettings | null = policy.kind === 'threshold'
    ? {
      chargeBelowCents: policy.chargeBelowCents,
      dischargeAboveCents: policy.dischargeAboveCents,
      dischargeMinSocPct: site.minSocPct,
      curtailWhenFeedInFree: true,
      powerW: site.powerW,
      actOnEstimates: true,
      source: 'amber',
    }
    : null;
  let soc = startKWh;
  let bill = 0;
  let dischargeKWh = 0;
  let changes = 0;
  let last: Command | null = null;
  let lastDecision: Decision | null = null;
  const planMs: number[] = [];
  let profile: LoadPvProfile | null = policy.kind === 'planner' && policy.loadForecast === 'profile' ? newProfile(SITE_ZONE) : null;
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k];
    const nowMs = slot.startMs;
    // What a read node saw during the step just finished (never the current or a later one).
    if (profile !== null && k > 0) {
      const done = slots[k - 1];
      profile = learnReading(profile, { timestamp: new Date(done.startMs).toISOString(), loadPowerW: done.loadW, pvPowerW: done.pvW });
    }
    let cmd: Command;
    switch (policy.kind) {
      case 'none':
      case 'auto':
        cmd = { command: 'auto', powerW: null, curtail: false };
        break;
      case 'optimum':
        cmd = optimum![k].command;
        break;
      case 'threshold': {
        const prices = readAmberPrices(amberAnswer(month, k, 'realistic'), nowMs);
        lastDecision = decide(prices, thresholdSettings!, soc / site.capacityKWh * 100, lastDecision, nowMs);
        const d = lastDecision;
        cmd = d.command === 'charge' || d.command === 'discharge'
          ? { command: d.command, powerW: d.powerW, curtail: false }
          : { command: 'auto', powerW: null, curtail: d.command === 'curtail' };
        break;
      }
      case 'planner': {
        const input = {
          now: new Date(nowMs).toISOString(),
          prices: amberAnswer(month, k, policy.condition),
          battery: {
            socPct: soc / site.capacityKWh * 100,
            capacityKWh: site.capacityKWh,
            minSocPct: site.minSocPct,
            maxChargeW: site.powerW,
            maxDischargeW: site.powerW,
            roundTripEfficiency: site.roundTripEfficiency,
          },
          previous: last as PlanPrevious | null,
          site: { maxExportW: site.maxExportW, maxImportW: site.maxImportW },
          forecast: profile !== null ? profileForecast(profile, nowMs) : yesterdayForecast(house, site, nowMs, policy.loadForecast === 'true'),
          options: { switchCostCents: policy.switchCostCents, wearCentsPerKWh: policy.wearCentsPerKWh, forecastSpread: policy.forecastSpread },
        };
        const t = performance.now();
        const result = planBattery(input);
        planMs.push(performance.now() - t);
        cmd = { command: result.now.command, powerW: result.now.powerW, curtail: result.now.curtail };
        break;
      }
    }
    if (k > 0 && !sameCommand(last, cmd)) changes++;
    last = cmd;
    const outcome = applyCommand(slot, policy.kind === 'none' ? noBattery : model, policy.kind === 'none' ? 0 : soc, cmd);
    bill += outcome.costCents;
    if (outcome.batteryW < 0) dischargeKWh += -outcome.batteryW * slot.hours / 1000;
    if (policy.kind !== 'none') soc = outcome.socKWhEnd;
  }
  const gained = policy.kind === 'none' ? 0 : soc - startKWh;
  return {
    billCents: bill,
    costCents: bill - endValue * gained,
    dischargeKWh,
    commandChanges: changes,
    days: slots.length / 288,
    planMs,
  };
}
