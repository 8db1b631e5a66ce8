/**
 * Everything a `redback-control` node does, without Node-RED: reads an input (a command, or
 * Amber prices when the price policy is on), validates it, runs it one at a time per inverter
 * (a burst collapses to the last), keeps the portal revert deadline across restarts, and checks
 * afterwards that the inverter reports the mode it was asked for.
 */
import type { RedbackAccount } from '../account/account';
import type { DynamicData } from '../api/dto';
import { num } from '../model/units';
import { closedError } from '../http/backoff';
import {
  commandFor, decide, sameDecision, type Decision, type PriceSettings,
} from './amber-policy';
import { readAmberPrices, readHomeAssistantPrices } from './price-input';
import { CommandError, parseCommand, type ControlCommand } from './command';
import type { StateStore } from './control-state';
import { isPlainObject } from '../util/objects';
import { ControlExecutor, type ControlOutcome, type ExecutorSettings } from './executor';
import { LatestWinsQueue, SUPERSEDED } from './latest-wins-queue';
import { findEnvelope } from './command-plan';
import { readBack, readBackEnvelope, type EnvelopeSeen, type ReadBackResult, type ReportedMode } from './read-back';
import { sleepOn, systemClock, type Clock } from '../util/clock';

export interface RunnerSettings extends ExecutorSettings {
  durationMinutes: number;
  /** null = the price policy is off and price input is refused. */
  prices: (PriceSettings & { haIntervalMinutes: number }) | null;
  /** Read-back: reads after a command and their spacing; default 3 × 60 s. */
  readBackChecks?: number;
  readBackIntervalMs?: number;
}

export type RunResult =
  | { kind: 'done'; outcome: ControlOutcome; decision?: Decision; readBack: Promise<ReadBackResult> | null }
  | { kind: 'unchanged'; decision: Decision }
  | { kind: 'superseded' };

export interface RevertRetry {
  /** 1 for the first retry after the failed revert. */
  attempt: number;
  inMs: number;
}

export interface RunnerEvents {
  /** The portal revert to Auto happened, or failed (`err`) and will be retried (`retry`). */
  reverted(err?: unknown, retry?: RevertRetry): void;
}

/** A failed revert to Auto is tried again after 5 s, 15 s, 30 s, then every minute. */
export const REVERT_RETRY_MS: readonly number[] = [5_000, 15_000, 30_000, 60_000];

export class ControlRunner {
  private readonly executor: ControlExecutor;
  private readonly queue = new LatestWinsQueue<RunResult>();
  private readonly abort = new AbortController();
  /** Cancels the armed revert (or its retry); null when none is armed. */
  private revertTimer: (() => void) | null = null;
  /** Stops the read-back under way; a new command replaces what the node sent before. */
  private readBackAbort: AbortController | null = null;
  /** The end of the chain of executor jobs (see exclusive()). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly account: RedbackAccount,
    private readonly settings: RunnerSettings,
    private readonly store: StateStore,
    private readonly events: RunnerEvents,
    private readonly clock: Clock = systemClock,
  ) {
    this.executor = new ControlExecutor(account, settings, store, () => clock.now(), (ms) => sleepOn(clock, ms));
  }

  private now(): number {
    return this.clock.now();
  }

  /**
   * Replays what a previous run (or a previous Node-RED) recorded: ended schedules and envelopes
   * are dropped without a request, a portal revert whose deadline has passed is sent at once, one
   * to come is armed.
   */
  start(): void {
    const state = this.store.load();
    const now = this.now();
    const live = <T extends { endAtMs: number | null }>(r: T): boolean => r.endAtMs === null || r.endAtMs > now;
    if (!state.schedules.every(live) || !state.envelopes.every(live)) {
      state.schedules = state.schedules.filter(live);
      state.envelopes = state.envelopes.filter(live);
      if (!this.settings.dryRun) this.store.save(state);
    }
    this.armRevert();
  }


  /** Handles one input payload. Rejects with CommandError/PriceError/RedbackError; nothing is sent on invalid input. */
  async handle(payload: unknown): Promise<RunResult> {
    if (this.abort.signal.aborted) throw closedError();
    if (this.isPriceInput(payload)) return this.handlePrices(payload);
    const cmd = parseCommand(payload, { durationMinutes: this.settings.durationMinutes }, this.now());
    return this.enqueue(cmd);
  }

  /**
   * When the node is deleted or disabled during a portal command nothing would revert it later:
   * set Auto now. Resolves false when there was nothing to revert.
   */
  async revertNow(): Promise<boolean> {
    const revert = this.store.load().portalRevert;
    if (!revert) return false;
    return this.exclusive(() => this.executor.revertPortal(revert));
  }

  /**
   * On close. A node that is deleted or disabled during a portal command has nothing to set Auto
   * later, so that happens now, waiting at most `budgetMs` (within Node-RED's close timeout).
   * Resolves with the revert's error, or null.
   */
  async shutdown(removed: boolean, budgetMs = 10_000): Promise<unknown> {
    let error: unknown = null;
    if (removed) {
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
      await Promise.race([this.revertNow().then(() => undefined, (err: unknown) => void (error = err)), budget]);
      clearTimeout(timer);
    }
    this.close();
    return error;
  }

  close(): void {
    this.abort.abort();
    this.queue.clear();
    this.revertTimer?.();
    this.revertTimer = null;
  }

  private isPriceInput(payload: unknown): boolean {
    if (Array.isArray(payload)) return true;
    return this.settings.prices?.source === 'homeassistant' && isPlainObject(payload) && 'general' in payload;
  }

  private async handlePrices(payload: unknown): Promise<RunResult> {
    const prices = this.settings.prices;
    if (!prices) throw new CommandError('payload', 'price data arrived but the price policy is off in this node');
    const now = this.now();
    const input = prices.source === 'homeassistant'
      ? readHomeAssistantPrices(payload, now, prices.haIntervalMinutes)
      : readAmberPrices(payload, now);
    const previous = this.store.load().decision;
    const soc = prices.dischargeAboveCents === null ? null : await this.socPct();
    const decision = decide(input, prices, soc, previous, this.now());
    if (sameDecision(decision, previous)) return { kind: 'unchanged', decision };
    const cmd = commandFor(decision, { serial: null, nowMs: this.now() });
    const result = await this.enqueue(cmd);
    if (result.kind === 'done') {
      if (!this.settings.dryRun) {
        const state = this.store.load();
        state.decision = decision;
        this.store.save(state);
      }
      return { ...result, decision };
    }
    return result;
  }

  private async enqueue(cmd: ControlCommand): Promise<RunResult> {
    const key = (cmd.serial ?? this.settings.serial).toUpperCase() || '*';
    const result = await this.queue.run(key, async (): Promise<RunResult> => {
      let outcome: ControlOutcome;
      try {
        outcome = await this.exclusive(() => this.executor.run(cmd));
      } finally {
        // The deadline is recorded before the Set is sent: armed also when its answer was lost.
        if (this.settings.method === 'portal' && !this.settings.dryRun) this.armRevert();
      }
      return { kind: 'done', outcome, readBack: this.startReadBack(outcome, cmd) };
    });
    return result === SUPERSEDED ? { kind: 'superseded' } : result;
  }

  private startReadBack(outcome: ControlOutcome, cmd: ControlCommand): Promise<ReadBackResult> | null {
    if (outcome.dryRun) return null;
    // The command replaced the previous one, whose read-back would now call it "never applied".
    this.readBackAbort?.abort();
    this.readBackAbort = null;
    if (outcome.mode === null && outcome.eventId === undefined) return null;
    const own = new AbortController();
    const onClose = (): void => own.abort();
    this.abort.signal.addEventListener('abort', onClose, { once: true });
    this.readBackAbort = own;
    const options = {
      checks: this.settings.readBackChecks,
      intervalMs: this.settings.readBackIntervalMs,
      delayMs: Math.max(0, cmd.startAtMs - this.now()),
      signal: own.signal,
      clock: this.clock,
    };
    const finish = (): void => {
      this.abort.signal.removeEventListener('abort', onClose);
      if (this.readBackAbort === own) this.readBackAbort = null;
    };
    if (outcome.eventId !== undefined) {
      const eventId = outcome.eventId;
      return readBackEnvelope(() => this.envelopeSeen(outcome.siteId, outcome.serial, eventId, outcome.exportLimitW ?? 0), { ...options, delayMs: 0 }).finally(finish);
    }
    const expected: ReportedMode = { mode: outcome.mode, powerW: outcome.powerW };
    return readBack(() => this.reportedMode(outcome.serial), expected, {
      ...options,
    }).finally(finish);
  }

  /** Whether the site lists the envelope, or failing that the site's export stays under the limit. */
  private async envelopeSeen(siteId: string, serial: string, eventId: string, exportLimitW: number): Promise<EnvelopeSeen> {
    const listed = findEnvelope(await this.account.api.envelopesBySite(siteId), eventId, this.now());
    if (listed) return { applied: true, detail: `envelope ${eventId} listed for site ${siteId} (${listed.Status ?? 'no status'})`, exportW: null };
    const exportW = exportPowerW(await this.account.dynamic(serial));
    if (exportW !== null && exportW <= exportLimitW) return { applied: true, detail: `export ${exportW} W is within the limit of ${exportLimitW} W`, exportW };
    return { applied: false, detail: `site ${siteId} lists no envelope ${eventId}${exportW === null ? '' : ` and exports ${exportW} W`}`, exportW };
  }

  private async reportedMode(serial: string): Promise<ReportedMode> {
    const data = await this.account.dynamic(serial);
    const entry = (data.Inverters ?? []).find((i) => i?.SerialNumber?.toUpperCase() === serial) ?? null;
    return { mode: entry?.PowerMode?.InverterMode ?? null, powerW: num(entry?.PowerMode?.PowerW) };
  }

  /** SoC of the node's inverter for the discharge rule; null when unknown (the rule then does not discharge). */
  private async socPct(): Promise<number | null> {
    const serial = this.settings.serial.trim().toUpperCase()
      || (await this.account.sites()).flatMap((s) => s.inverters).map((i) => i.serial)[0];
    if (!serial) return null;
    const soc = num((await this.account.dynamic(serial)).BatterySoCInstantaneous0to1);
    return soc === null ? null : Math.round(soc * 1000) / 10;
  }

  /**
   * Runs executor jobs one at a time for the whole node. Commands for different inverters (each
   * with its own queue) and the portal revert all read and write the node's one state, and a
   * revert must neither overtake a command nor wipe the deadline a command has just stored.
   */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Sets a timer for the stored portal revert deadline; when it passes, sets Auto, and when that
   * fails tries again after REVERT_RETRY_MS (`attempt` counts the failures so far).
   */
  private armRevert(attempt = 0): void {
    this.revertTimer?.();
    this.revertTimer = null;
    const revert = this.store.load().portalRevert;
    if (!revert || this.abort.signal.aborted) return;
    this.revertTimer = this.clock.after(revert.atMs - this.now(), () => {
      this.revertTimer = null;
      this.sendRevert(revert, attempt);
    });
  }

  private sendRevert(revert: { serial: string; atMs: number }, attempt: number): void {
    this.exclusive(() => this.executor.revertPortal(revert)).then(
      (reverted) => {
        if (reverted) this.events.reverted();
      },
      (err: unknown) => {
        if (this.abort.signal.aborted) return;
        const inMs = REVERT_RETRY_MS[Math.min(attempt, REVERT_RETRY_MS.length - 1)];
        this.events.reverted(err, { attempt: attempt + 1, inMs });
        // Again soon, unless a newer command has set its own revert meanwhile (then it is re-armed).
        if (this.revertTimer) return;
        this.revertTimer = this.clock.after(inMs, () => {
          this.revertTimer = null;
          const now = this.store.load().portalRevert;
          if (now && now.serial === revert.serial && now.atMs === revert.atMs) this.sendRevert(now, attempt + 1);
          else this.armRevert();
        });
      },
    );
  }

}

/** The site's export in whole watts from a dynamic reading (the phases' exported power); null when not reported. */
function exportPowerW(d: DynamicData): number | null {
  const phases = (d.Phases ?? []).map((p) => num(p?.ActiveExportedPowerInstantaneouskW)).filter((v): v is number => v !== null);
  return phases.length === 0 ? null : Math.round(phases.reduce((a, b) => a + b, 0) * 1000);
}
