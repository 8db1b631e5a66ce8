/**
 * The price policy: one command for the current price interval, decided in the order battery
 * automations use (docs/planner.md and docs/messages.md describe the Amber feed): charge, discharge, curtail, auto.
 */
import type { ControlCommand } from './command';
import { describeValue } from '../util/objects';
import { PriceError, type PriceInput } from './price-input';

export interface PriceSettings {
  /** Charge when the general price is at or below this (c/kWh); null = never. */
  chargeBelowCents: number | null;
  /** Discharge when feed-in earns at least this (c/kWh), or on a spike; null = never. */
  dischargeAboveCents: number | null;
  dischargeMinSocPct: number;
  curtailWhenFeedInFree: boolean;
  powerW: number;
  actOnEstimates: boolean;
  source: 'amber' | 'homeassistant';
}

export type DecisionCommand = 'charge' | 'discharge' | 'curtail' | 'auto';

export interface Decision {
  command: DecisionCommand;
  /** Watts for charge and discharge; 0 for curtail (export limit 0) and auto. */
  powerW: number;
  reason: string;
  prices: {
    generalCents: number;
    feedInCents: number | null;
    /** -feedInCents: positive = the user earns this for each kWh exported. */
    feedInEarnsCents: number | null;
    estimate: boolean;
    spike: boolean;
  };
  intervalEndMs: number;
  /** The rest of the interval from the decision, rounded up, at least 1. */
  durationMinutes: number;
}

const MINUTE_MS = 60_000;

/**
 * `nowMs` is needed for the rest of the interval. Prices for an interval that has not started or
 * has already ended are refused (PriceError) rather than acted on.
 *
 * Estimates, when not acted on: within the same interval the previous decision is returned as it
 * is (the same object); otherwise the decision is auto for this interval. A command carried into a
 * new interval on an unconfirmed price (which could be a spike) is riskier than self-consumption.
 */
export function decide(prices: PriceInput, settings: PriceSettings, socPct: number | null, previous: Decision | null, nowMs: number): Decision {
  checkSettings(settings);
  if (nowMs < prices.startMs || nowMs >= prices.endMs) {
    throw new PriceError(`the prices are for ${new Date(prices.startMs).toISOString()} to ${new Date(prices.endMs).toISOString()}, not for now (${new Date(nowMs).toISOString()})`);
  }
  const make = (command: DecisionCommand, powerW: number, reason: string): Decision => ({
    command,
    powerW,
    reason,
    prices: {
      generalCents: prices.generalCents,
      feedInCents: prices.feedInCents,
      feedInEarnsCents: prices.feedInCents === null ? null : -prices.feedInCents + 0,
      estimate: prices.estimate,
      spike: prices.spike,
    },
    intervalEndMs: prices.endMs,
    durationMinutes: restMinutes(prices.endMs, nowMs),
  });

  if (prices.estimate && !settings.actOnEstimates) {
    if (previous !== null && previous.intervalEndMs === prices.endMs) return previous;
    return make('auto', 0, 'waiting for a firm price (the current price is an estimate)');
  }

  const general = prices.generalCents;
  if (settings.chargeBelowCents !== null && general <= settings.chargeBelowCents) {
    return make('charge', settings.powerW, `general price ${c(general)} is at or below the charge price ${c(settings.chargeBelowCents)}`);
  }

  const notes: string[] = [];
  const why = dischargeReason(prices, settings);
  if (why !== null) {
    if (socPct === null) notes.push(`not discharging (${why}): battery SoC unknown`);
    else if (socPct <= settings.dischargeMinSocPct) notes.push(`not discharging (${why}): SoC ${socPct}% is at or below the minimum ${settings.dischargeMinSocPct}%`);
    else return make('discharge', settings.powerW, `${why}; SoC ${socPct}% is above the minimum ${settings.dischargeMinSocPct}%`);
  }

  const feedIn = prices.feedInCents;
  if (settings.curtailWhenFeedInFree && feedIn !== null && feedIn >= 0) {
    const cost = feedIn === 0 ? 'exporting earns nothing' : `exporting costs ${c(feedIn)}`;
    return make('curtail', 0, [...notes, `${cost}: export limited to 0 W`].join('; '));
  }
  return make('auto', 0, [...notes, 'no price rule applies: self-consumption'].join('; '));
}

function dischargeReason(prices: PriceInput, settings: PriceSettings): string | null {
  if (settings.dischargeAboveCents === null) return null;
  if (prices.spike) return 'price spike';
  if (prices.feedInCents === null) return null;
  const earns = -prices.feedInCents + 0;
  return earns >= settings.dischargeAboveCents ? `feed-in earns ${c(earns)}, at or above the discharge price ${c(settings.dischargeAboveCents)}` : null;
}

/**
 * True when the two decisions would send the same thing. Timed commands end with their interval,
 * so a decision for a new interval differs; auto has no end, so two autos are always the same.
 */
export function sameDecision(a: Decision | null, b: Decision | null): boolean {
  if (a === null || b === null) return false;
  if (a.command !== b.command) return false;
  if (a.command === 'auto') return true;
  return a.powerW === b.powerW && a.intervalEndMs === b.intervalEndMs;
}

/**
 * The command to execute for a decision, starting now and lasting the rest of the interval
 * (rounded up, so it may end up to 59 s after the interval; the next interval's command replaces
 * it). Starting now rather than on the minute keeps a start in the past away from the cloud.
 * A decision whose interval has ended is refused. Run the command through checkLimits like any other.
 */
export function commandFor(decision: Decision, defaults: { serial: string | null; nowMs: number }): ControlCommand {
  const restMs = decision.intervalEndMs - defaults.nowMs;
  if (restMs <= 0) throw new PriceError(`the decision was for an interval that ended at ${new Date(decision.intervalEndMs).toISOString()}`);
  const base = { durationMinutes: restMinutes(decision.intervalEndMs, defaults.nowMs), startAtMs: defaults.nowMs, serial: defaults.serial };
  switch (decision.command) {
    case 'charge':
    case 'discharge':
      return { command: decision.command, powerW: decision.powerW, exportLimitW: 0, ...base };
    case 'curtail':
      return { command: 'curtail', powerW: null, exportLimitW: 0, ...base };
    case 'auto':
      // The policy stepping back must not cancel a charge someone started from another node.
      return { command: 'auto', powerW: null, exportLimitW: 0, ownOnly: true, ...base };
  }
}

function checkSettings(s: PriceSettings): void {
  for (const [field, value] of [['chargeBelowCents', s.chargeBelowCents], ['dischargeAboveCents', s.dischargeAboveCents]] as const) {
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new PriceError(`the ${field} setting must be a number of c/kWh or empty, got ${describeValue(value)}`);
    }
  }
  if (typeof s.dischargeMinSocPct !== 'number' || !(s.dischargeMinSocPct >= 0 && s.dischargeMinSocPct <= 100)) {
    throw new PriceError(`the dischargeMinSocPct setting must be from 0 to 100, got ${describeValue(s.dischargeMinSocPct)}`);
  }
  if (!Number.isSafeInteger(s.powerW) || s.powerW < 1) {
    throw new PriceError(`the powerW setting must be a whole number of watts, 1 or more, got ${describeValue(s.powerW)}`);
  }
}

function restMinutes(endMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((endMs - nowMs) / MINUTE_MS));
}

function c(cents: number): string {
  return `${cents} c/kWh`;
}
