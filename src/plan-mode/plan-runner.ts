/**
 * One plan-mode tick of `redback-control` (docs/plan-mode.md): Amber's answer (or Home
 * Assistant's sensors) in, the battery's state from the account (shared with the read nodes),
 * the load/PV forecast from the flow or the learnt profile, `planBattery`, and the plan's command
 * for now through the control node's own safe path, only when the decision changes. Every
 * failure leaves the inverter on Auto and says why; nothing is sent on a guess.
 */
import type { RedbackAccount } from '../account/account';
import type { InverterConfiguration, StaticView } from '../api/dto';
import type { RunResult } from '../control/control-runner';
import { limitsFromStatic, type InverterLimits } from '../control/limits';
import { batteryPayload } from '../model/inverter-payloads';
import { hasBattery, type InverterReading } from '../model/inverter-reading';
import { sitePayload } from '../model/site-payload';
import { planBattery, type PlanNow, type PlanOptions, type PlanResult } from '../plan';
import type { NodeStatusView } from '../util/node-status';
import type { AmberIntervalOut } from './amber-shape';
import { chooseForecast } from './forecast-choice';
import { homeAssistantToAmber, isHomeAssistantPrices } from './ha-prices';
import { learnReading, newProfile, restoreProfile, type LoadPvProfile } from './load-profile';
import { decisionKey, planDecision, sendReason, type ControlPayload, type SendReason } from './plan-command';
import { pointAt, priceSeries } from './amber-series';
import { planMessage, planSummary, type PlanMessage, type PlanSummary } from './plan-output';
import { planByHandStatus, planFallbackStatus, planStatus } from './plan-status';
import { buildPlannerInput } from './planner-input';
import { checkCurrentInterval } from './price-freshness';
import { billReading, billView, newBill, restoreBill, type BillState, type PlanBill } from './running-bill';

/**
 * What a change of command must gain over holding the one in force for 30 minutes. Above the
 * planner's own default so that a day on the real months stays well under 48 changes
 * (test/reliability/plan-mode-week.test.ts).
 */
export const PLAN_MODE_SWITCH_COST_CENTS = 15;

/** A reading a read node took this recently is used as it is (one request per inverter and minute). */
export const SHARED_READING_MS = 60_000;

/**
 * A shared reading whose own time is older than this by the plan's clock is read again. Redback
 * stamps a minute's record some seconds into the minute, so a read node polling every minute
 * leaves readings up to about 2 minutes old, which are shared as they are.
 */
export const REREAD_AGE_MS = 3 * 60_000;

const AUTO_KEY = decisionKey({ command: 'auto', powerW: null, curtail: false });

/** What the plan mode sends commands through: the control node's runner (validated, serialised, journalled). */
export interface PlanControl {
  handle(payload: unknown): Promise<RunResult>;
}

/** Where the node keeps the plan mode's memory (its context: a persistent store keeps it across restarts). */
export interface PlanMemory {
  get(): unknown;
  set(value: unknown): void;
}

export type PlanAccount = Pick<RedbackAccount, 'sites' | 'staticData' | 'configuration' | 'recentDynamic'>;

export interface PlanRunnerOptions {
  account: PlanAccount;
  control: PlanControl;
  memory: PlanMemory;
  /** Empty: the account's only (first) inverter. */
  serial: string;
  dryRun: boolean;
  now?: () => number;
  /** For times in the status and the profile's slots; undefined = the host's zone. */
  zone?: string;
  options?: PlanOptions;
  sharedReadingMs?: number;
}

/** The command in force as the plan mode sent it. */
export interface SentPlan {
  key: string;
  endsAtMs: number | null;
  now: Pick<PlanNow, 'command' | 'powerW' | 'curtail'>;
}

export interface PlanState {
  profile: LoadPvProfile;
  lastSent: SentPlan | null;
  bill: BillState;
}

export type PlanTick =
  | {
    kind: 'planned';
    plan: PlanMessage;
    planSummary: PlanSummary;
    status: NodeStatusView;
    /** Why it was sent, or `unchanged`/`dryRun` when nothing was, `byHand` when a command from the flow came in meanwhile. */
    reason: SendReason | 'dryRun' | 'byHand';
    payloads: ControlPayload[];
    /** The runner's results of what was sent, in order. */
    sent: RunResult[];
    forecastSource: 'flow' | 'profile';
    /** The running bill against Auto's (running-bill.ts). */
    bill: PlanBill;
  }
  | {
    kind: 'fallback';
    /** Why the plan mode is not planning (or not sending the plan). */
    why: string;
    status: NodeStatusView;
    /** The Auto command sent to undo what the plan mode had set, if one was. */
    sent: RunResult[];
    plan?: PlanMessage;
    planSummary?: PlanSummary;
    bill?: PlanBill;
  };

export class PlanRunner {
  private readonly now: () => number;
  /** Counts the commands from the flow (commandByHand), so a tick under way knows one came in. */
  private byHand = 0;

  constructor(private readonly o: PlanRunnerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The memory as stored, or a fresh one (a damaged or foreign profile starts again flat). */
  state(): PlanState {
    const stored = this.o.memory.get() as Partial<PlanState> | undefined;
    const profile = stored?.profile === undefined ? newProfile(this.o.zone) : restoreProfile(stored.profile, this.o.zone).profile;
    const lastSent = isSentPlan(stored?.lastSent) ? stored.lastSent : null;
    return { profile, lastSent, bill: stored?.bill === undefined ? newBill() : restoreBill(stored.bill) };
  }

  /**
   * A command from the flow replaced the plan's: the plan mode no longer has a command in force,
   * so its next tick sends the plan's command again (`first`) and a tick under way sends nothing.
   */
  commandByHand(): void {
    this.byHand++;
    const state = this.state();
    state.lastSent = null;
    this.save(state);
  }

  /** One tick. Rejects only when the fallback to Auto itself fails. */
  async tick(payload: unknown, msgForecast: unknown): Promise<PlanTick> {
    const nowMs = this.now();
    const state = this.state();
    const byHandAtStart = this.byHand;
    const overridden = (): boolean => this.byHand !== byHandAtStart;

    let prices: readonly AmberIntervalOut[] | readonly unknown[];
    try {
      prices = readPrices(payload);
      checkCurrentInterval(prices, nowMs, this.o.zone);
    } catch (err) {
      return this.fallback(state, messageOf(err), overridden);
    }

    let reading: InverterReading;
    try {
      reading = await this.reading();
    } catch (err) {
      return this.fallback(state, `no reading of the battery: ${messageOf(err)}`, overridden);
    }
    const site = sitePayload(reading.siteId, [reading]);
    state.profile = learnReading(state.profile, site);
    this.save(state);

    let limits: InverterLimits;
    let result: PlanResult;
    let plan: PlanMessage;
    let summary: PlanSummary;
    let forecastSource: 'flow' | 'profile';
    let bill: PlanBill;
    try {
      if (reading.static === null) throw new Error("the inverter's static data (its limits) is not available");
      limits = limitsFromStatic(reading.static, reading.serial);
      const choice = chooseForecast(msgForecast, state.profile, nowMs);
      forecastSource = choice.source;
      const input = buildPlannerInput({
        nowMs,
        prices: prices as never,
        battery: batteryPayload(reading),
        limits,
        readingAt: site.timestamp,
        siteExportLimitW: limits.siteExportLimitW,
        forecast: choice.forecast,
        ...(state.lastSent ? { previous: { ...state.lastSent.now } } : {}),
        options: { switchCostCents: PLAN_MODE_SWITCH_COST_CENTS, ...this.o.options },
        ...(this.o.zone ? { zone: this.o.zone } : {}),
      });
      result = planBattery(input);
      plan = planMessage(result, input);
      summary = planSummary(result, input);
      const price = pointAt(priceSeries(prices), nowMs);
      state.bill = billReading(
        state.bill,
        { timestamp: site.timestamp, socPct: site.batterySocPct, energy: site.energy },
        { generalCents: price?.generalCents ?? null, feedInCents: price?.feedInCents ?? null },
        { ...input.battery, ...(input.site ? { maxExportW: input.site.maxExportW } : {}) },
      );
      this.save(state);
      bill = billView(state.bill, input.battery.capacityKWh);
    } catch (err) {
      return this.fallback(state, messageOf(err), overridden);
    }

    const socNow = batteryPayload(reading)?.socPct ?? plan.intervals[0]?.socPctStart ?? 0;
    const sentNow = holdPower(result.now, state.lastSent);
    let decision;
    try {
      decision = planDecision(sentNow, { nowMs, limits });
    } catch (err) {
      return this.fallback(state, `the plan's command was refused: ${messageOf(err)}`, overridden, { plan, planSummary: summary, bill });
    }
    const base = { kind: 'planned' as const, plan, planSummary: summary, payloads: [oneCommand(decision.payloads)], forecastSource, bill };
    // A command from the flow came in while this tick waited for the reading: it stays in force.
    if (overridden()) {
      state.lastSent = null;
      this.save(state);
      return { ...base, status: planByHandStatus(), reason: 'byHand', sent: [] };
    }
    if (this.o.dryRun) return { ...base, status: planStatus(result, socNow, this.o.zone, true), reason: 'dryRun', sent: [] };

    const reason = sendReason(state.lastSent, decision, Date.parse(result.now.until));
    if (reason === 'unchanged') return { ...base, status: planStatus(result, socNow, this.o.zone), reason, sent: [] };

    const sent: RunResult[] = [];
    try {
      for (const p of base.payloads) {
        const r = await this.o.control.handle(p);
        sent.push(r);
        // A command from the flow came in meanwhile and replaced this one: it is in charge now.
        if (r.kind === 'superseded') break;
      }
    } catch (err) {
      return this.fallback(state, `the command was refused: ${messageOf(err)}`, overridden, { plan, planSummary: summary, bill }, true);
    }
    // A command from the flow that came in while this one was sent replaced it (the control path keeps the latest).
    state.lastSent = overridden() ? null : { key: decision.key, endsAtMs: decision.endsAtMs, now: { command: sentNow.command, powerW: sentNow.powerW, curtail: sentNow.curtail } };
    this.save(state);
    return { ...base, status: planStatus(result, socNow, this.o.zone), reason, sent };
  }

  /**
   * Leaves the inverter on Auto: sends Auto when the plan mode had set something else (or a
   * command of its own failed and may have been applied), and says why.
   */
  private async fallback(
    state: PlanState, why: string, overridden: () => boolean,
    extra: { plan?: PlanMessage; planSummary?: PlanSummary; bill?: PlanBill } = {}, afterFailure = false,
  ): Promise<PlanTick> {
    const status = planFallbackStatus(why);
    // A command from the flow that came in meanwhile is in charge: it is not undone.
    if (overridden()) {
      state.lastSent = null;
      this.save(state);
      return { kind: 'fallback', why, status, sent: [], ...extra };
    }
    const mustUndo = !this.o.dryRun && (afterFailure || (state.lastSent !== null && state.lastSent.key !== AUTO_KEY));
    if (!mustUndo) return { kind: 'fallback', why, status, sent: [], ...extra };
    let result: RunResult;
    try {
      result = await this.o.control.handle({ command: 'auto' });
    } catch (err) {
      throw new Error(`${why}; and setting Auto failed: ${messageOf(err)}`);
    }
    state.lastSent = { key: AUTO_KEY, endsAtMs: null, now: { command: 'auto', powerW: null, curtail: false } };
    this.save(state);
    return { kind: 'fallback', why, status, sent: [result], ...extra };
  }

  private save(state: PlanState): void {
    if (!this.o.dryRun) this.o.memory.set(state);
    else this.o.memory.set({ ...state, lastSent: null });
  }

  /** The node's inverter: dynamic reading (shared), static data and configuration (cached by the account). */
  private async reading(): Promise<InverterReading> {
    const sites = await this.o.account.sites();
    const wanted = this.o.serial.trim().toUpperCase();
    const found = sites.flatMap((s) => s.inverters.map((i) => ({ siteId: s.siteId, serial: i.serial })))
      .find((t) => wanted === '' || t.serial.toUpperCase() === wanted);
    if (!found) throw new Error(wanted === '' ? 'the account has no inverter' : `inverter ${wanted} is not on this account`);
    let dynamic = await this.o.account.recentDynamic(found.serial, this.o.sharedReadingMs ?? SHARED_READING_MS);
    // The sharing window is wall time; on a faster clock (the demo's) a shared reading can be
    // too old to plan on by the plan's own clock: read it again rather than fall back.
    const takenMs = Date.parse(String(dynamic.TimestampUtc));
    if (Number.isFinite(takenMs) && this.now() - takenMs > REREAD_AGE_MS) dynamic = await this.o.account.recentDynamic(found.serial, 0);
    const staticView = await orNull<StaticView>(() => this.o.account.staticData(found.serial));
    const partial: InverterReading = { siteId: found.siteId, serial: found.serial, dynamic, static: staticView, configuration: null };
    const configuration = hasBattery(partial) ? await orNull<InverterConfiguration>(() => this.o.account.configuration(found.serial)) : null;
    const reading = { ...partial, configuration };
    if (batteryPayload(reading) === null) throw new Error(`inverter ${found.serial} reports no battery`);
    return reading;
  }
}

/** A power change smaller than this (W, or this share of the power in force) is not a change of command. */
export const POWER_HOLD_W = 3000;
export const POWER_HOLD_SHARE = 0.5;

/**
 * The plan's command for now, with the power in force kept when the plan only nudges it (the same
 * command and curtail, a power within POWER_HOLD_W or POWER_HOLD_SHARE): the planner's powers
 * follow the load forecast interval by interval, and each nudge would be one more command.
 */
export function holdPower(now: PlanNow, inForce: SentPlan | null): PlanNow {
  const held = inForce?.now;
  if (!held || held.command !== now.command || held.curtail !== now.curtail) return now;
  if (held.powerW === null || now.powerW === null) return now;
  const margin = Math.max(POWER_HOLD_W, held.powerW * POWER_HOLD_SHARE);
  return Math.abs(held.powerW - now.powerW) < margin ? { ...now, powerW: held.powerW } : now;
}

/**
 * The control path keeps one command of a node in force: each command replaces what the node
 * created before (docs/plan-mode.md). So the battery command is sent, and a curtail only when the
 * battery is on Auto (an envelope: self-consumption with exports capped).
 */
export function oneCommand(payloads: ControlPayload[]): ControlPayload {
  const battery = payloads[0];
  const curtail = payloads.find((p) => p.command === 'curtail');
  return battery.command === 'auto' && curtail ? curtail : battery;
}

/** Amber's answer as it is, or Home Assistant's Amber sensors turned back into it. */
function readPrices(payload: unknown): readonly unknown[] {
  if (Array.isArray(payload)) return payload;
  if (isHomeAssistantPrices(payload)) return homeAssistantToAmber(payload);
  throw new Error("msg.payload must be Amber's /prices/current answer (an array) or Home Assistant's Amber sensors ({general, generalForecast, …})");
}

async function orNull<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch {
    return null;
  }
}

function isSentPlan(value: unknown): value is SentPlan {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const now = v.now as Record<string, unknown> | undefined;
  return typeof v.key === 'string' && (v.endsAtMs === null || typeof v.endsAtMs === 'number')
    && typeof now === 'object' && now !== null && typeof now.command === 'string';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
