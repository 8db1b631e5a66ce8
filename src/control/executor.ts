/**
 * Carries out one validated command: looks up the inverter, its site, its limits and the cloud's
 * lists the plan needs, plans the requests (command-plan.ts), then sends them one by one. Every
 * write that leaves something to undo is recorded in the store (the intent journal) before it is
 * sent; a write whose answer is lost is taken as possibly applied and read back before anything
 * is reported (docs/control-safety.md). With dry-run it stops after planning.
 */
import type { RedbackAccount } from '../account/account';
import type { DynamicData, StaticView } from '../api/dto';
import { isRedbackError, RedbackError, type RedbackErrorKind } from '../http/errors';
import { CommandError, type ControlCommand } from './command';
import { findEnvelope, findSchedule, listingsNeeded, planCommand, type CommandPlan, type ControlMethod, type ControlOutcome, type Listings, type PlannedStep } from './command-plan';
import type { ControlState, EnvelopeRecord, PortalRevert, ScheduleRecord, StateStore } from './control-state';
import { checkLimits, limitsFromStatic } from './limits';
import { endAtMs, newEventId } from './plans';
import { num } from '../model/units';

export type { ControlMethod, ControlOutcome, PlannedStep } from './command-plan';

export interface ExecutorSettings {
  nodeId: string;
  /** The node's inverter; empty = the account's only inverter. */
  serial: string;
  method: ControlMethod;
  dryRun: boolean;
  random: () => string;
  /**
   * Reads of the portal mode after a Set whose answer was lost, and their spacing; default 4, 30 s
   * apart, the first at once: the cloud shows a new mode from its next once-a-minute refresh.
   */
  confirmChecks?: number;
  confirmIntervalMs?: number;
}

/** Error kinds after which the write may have been applied: the request may have reached the cloud. */
const UNKNOWN_OUTCOME: readonly RedbackErrorKind[] = ['timeout', 'network', 'transient', 'response', 'closed'];

export function outcomeUnknown(err: unknown): boolean {
  if (!isRedbackError(err)) return !(err instanceof CommandError);
  return UNKNOWN_OUTCOME.includes(err.kind) || (err.status !== undefined && err.status >= 500);
}

export class ControlExecutor {
  constructor(
    private readonly account: RedbackAccount,
    private readonly settings: ExecutorSettings,
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Looks everything up and plans the command; sends nothing. */
  async plan(cmd: ControlCommand): Promise<CommandPlan> {
    const { serial, siteId } = await this.target(cmd.serial);
    const staticView = await this.account.staticData(serial);
    const limits = limitsFromStatic(staticView, serial);
    checkLimits(cmd, limits);
    await this.checkBattery(cmd, staticView, serial);
    const method = this.settings.method;
    if (method === 'portal' && cmd.command !== 'curtail' && cmd.startAtMs > this.now() + 60_000) {
      throw new CommandError('startAt', 'the portal method acts at once: use the schedule method for a later start');
    }
    const state = this.store.load();
    let pendingRossVersion = '';
    if (method === 'portal' && cmd.command !== 'curtail') {
      // Throws a config error when the account has no portal login: checked before anything is sent.
      this.account.portal();
      if (state.portalRevert && state.portalRevert.serial !== serial) pendingRossVersion = await this.rossVersionOf(state.portalRevert.serial);
    }
    const nowMs = this.now();
    const listings = await this.listings(listingsNeeded(cmd, state, serial, siteId, nowMs));
    return planCommand({
      cmd, serial, siteId, method, limits, rossVersion: softwareVersion(staticView, serial), pendingRossVersion,
      eventId: cmd.command === 'curtail' ? newEventId(this.settings.nodeId, this.settings.random) : '',
      state, listings, nowMs,
    });
  }

  async run(cmd: ControlCommand): Promise<ControlOutcome> {
    const plan = await this.plan(cmd);
    if (this.settings.dryRun) return { ...plan.outcome, dryRun: true, steps: plan.steps };
    if (plan.forgetSchedules.length > 0 || plan.forgetEnvelopes.length > 0) {
      this.update((state) => {
        state.schedules = state.schedules.filter((s) => !plan.forgetSchedules.some((f) => sameSchedule(f, s)));
        state.envelopes = state.envelopes.filter((e) => !plan.forgetEnvelopes.some((f) => f.eventId === e.eventId));
      });
    }
    const outcome = plan.outcome;
    const revertAtMs = cmd.command === 'auto' ? null : endAtMs(cmd);
    for (const step of plan.steps) {
      switch (step.action) {
        case 'deleteSchedule':
        case 'deleteEnvelope':
          await this.deleteStep(step, plan.deletes.get(step) ?? null, outcome.siteId);
          break;
        case 'createSchedule':
          outcome.scheduleId = await this.createSchedule(step, cmd);
          break;
        case 'createEnvelope':
          await this.createEnvelope(step, outcome.siteId);
          break;
        case 'portalSet':
          await this.portalStep(step, step.serial === outcome.serial && step.mode !== 'Auto' ? revertAtMs : null);
          break;
      }
    }
    if (outcome.scheduleId === undefined) delete outcome.scheduleId;
    return outcome;
  }

  /**
   * Sets the inverter back to Auto through the portal when a portal command's time is up: `due` is
   * the revert the caller's timer was set for. Does nothing (false) when a newer command has
   * replaced or cancelled it meanwhile. The caller runs this one job at a time with run().
   */
  async revertPortal(due: PortalRevert): Promise<boolean> {
    const revert = this.store.load().portalRevert;
    if (!revert || revert.serial !== due.serial || revert.atMs !== due.atMs) return false;
    await this.portalStep({ action: 'portalSet', serial: revert.serial, mode: 'Auto', powerW: 0, rossVersion: await this.rossVersionOf(revert.serial) }, null);
    return true;
  }

  // ---- the steps ------------------------------------------------------------------------------

  /** Deletes a listed, live schedule or envelope; a failure is checked against the list again. */
  private async deleteStep(step: Extract<PlannedStep, { action: 'deleteSchedule' | 'deleteEnvelope' }>, record: ScheduleRecord | EnvelopeRecord | null, siteId: string): Promise<void> {
    const api = this.account.api;
    const forget = (): void => {
      if (record === null) return;
      this.update((state) => {
        if ('scheduleId' in record) state.schedules = state.schedules.filter((s) => !sameSchedule(s, record));
        else state.envelopes = state.envelopes.filter((e) => e.eventId !== record.eventId);
      });
    };
    try {
      if (step.action === 'deleteSchedule') await api.deleteSchedule(step.serial, step.scheduleId);
      else await api.deleteEnvelope(step.eventId);
      forget();
      return;
    } catch (err) {
      if (isRedbackError(err) && err.status === 404) {
        forget();
        return;
      }
      // Gone meanwhile (the cloud removes ended schedules without notice) is what the delete wanted.
      const stillListed = await this.stillListed(step, record, siteId).catch(() => true);
      if (!stillListed) {
        forget();
        return;
      }
      const what = step.action === 'deleteSchedule' ? `schedule ${step.scheduleId}` : `envelope ${step.eventId}`;
      throw new RedbackError(isRedbackError(err) ? err.kind : 'response', `could not cancel the earlier ${what}, which is still live, so nothing new was sent: ${(err as Error).message}`, { status: isRedbackError(err) ? err.status : undefined });
    }
  }

  private async stillListed(step: PlannedStep, record: ScheduleRecord | EnvelopeRecord | null, siteId: string): Promise<boolean> {
    if (step.action === 'deleteSchedule') {
      const list = (await this.account.api.schedulesBySerial(step.serial)).Schedules ?? [];
      return findSchedule(list, { scheduleId: step.scheduleId, startAtMs: null }, this.now()) !== undefined;
    }
    if (step.action !== 'deleteEnvelope') return true;
    const site = record !== null && 'siteId' in record && record.siteId !== null ? record.siteId : siteId;
    return findEnvelope(await this.account.api.envelopesBySite(site), step.eventId, this.now()) !== undefined;
  }

  /** Records the schedule, then creates it; a lost answer is settled by the inverter's list. */
  private async createSchedule(step: Extract<PlannedStep, { action: 'createSchedule' }>, cmd: ControlCommand): Promise<string | undefined> {
    const record: ScheduleRecord = { serial: step.body.SerialNumber, scheduleId: null, startAtMs: cmd.startAtMs, endAtMs: endAtMs(cmd) };
    this.update((state) => state.schedules.push(record));
    let answeredId: string | null;
    try {
      answeredId = await this.account.api.createSchedule(step.body);
    } catch (err) {
      if (!outcomeUnknown(err)) {
        this.dropSchedule(record);
        throw err;
      }
      const found = await this.lookUpSchedule(record, err);
      if (found === null) {
        this.dropSchedule(record);
        throw notApplied(err, `the inverter's schedule list holds no ${cmd.command} starting ${step.body.StartTimeUtc}`);
      }
      this.setScheduleId(record, found);
      return found;
    }
    const id = answeredId ?? await this.lookUpSchedule(record, null);
    if (id === null) {
      throw new RedbackError('response', `the cloud accepted the ${cmd.command} schedule but its answer has no ScheduleId and the inverter's list does not show it; it stays recorded and is cancelled by the next command or auto`);
    }
    this.setScheduleId(record, id);
    return id;
  }

  /** The id of the recorded schedule in the inverter's list (tag and start time), or null. Throws when the list cannot be read. */
  private async lookUpSchedule(record: ScheduleRecord, lost: unknown): Promise<string | null> {
    let list;
    try {
      list = (await this.account.api.schedulesBySerial(record.serial)).Schedules ?? [];
    } catch (err) {
      if (lost === null) {
        throw new RedbackError(isRedbackError(err) ? err.kind : 'response', `the cloud accepted the schedule without a ScheduleId, and the inverter's schedule list could not be read to find it; it stays recorded and is cancelled by the next command or auto: ${(err as Error).message}`);
      }
      throw unknownOutcome(lost, err, 'the schedule stays recorded and is cancelled by the next command or auto');
    }
    return findSchedule(list, { scheduleId: null, startAtMs: record.startAtMs }, this.now())?.ScheduleId ?? null;
  }

  /** Records the envelope (its EventId is ours), then creates it; a lost answer is settled by the site's list. */
  private async createEnvelope(step: Extract<PlannedStep, { action: 'createEnvelope' }>, siteId: string): Promise<void> {
    const record: EnvelopeRecord = { eventId: step.body.EventId, siteId, endAtMs: Date.parse(step.body.EndAtUtc) };
    this.update((state) => state.envelopes.push(record));
    try {
      await this.account.api.createEnvelope(step.body);
    } catch (err) {
      if (!outcomeUnknown(err)) {
        this.dropEnvelope(record);
        throw err;
      }
      let listed: boolean;
      try {
        listed = findEnvelope(await this.account.api.envelopesBySite(siteId), record.eventId, this.now()) !== undefined;
      } catch (readErr) {
        throw unknownOutcome(err, readErr, 'the envelope stays recorded and is cancelled by the next command or auto');
      }
      if (!listed) {
        this.dropEnvelope(record);
        throw notApplied(err, `site ${siteId} lists no envelope ${record.eventId}`);
      }
    }
  }

  /**
   * A portal Set. For a mode other than Auto with `revertAtMs`, the revert deadline is recorded
   * first; it stays armed when the answer is lost (an Auto at the deadline is harmless if the Set
   * never took). An Auto clears the inverter's pending revert once it is known to have taken.
   */
  private async portalStep(step: Extract<PlannedStep, { action: 'portalSet' }>, revertAtMs: number | null): Promise<void> {
    const previous = this.store.load().portalRevert;
    if (revertAtMs !== null) this.update((state) => (state.portalRevert = { serial: step.serial, atMs: revertAtMs }));
    const clearIfAuto = (): void => {
      if (step.mode !== 'Auto') return;
      this.update((state) => {
        if (state.portalRevert?.serial === step.serial) state.portalRevert = null;
      });
    };
    try {
      await this.account.portal().setMode(step.serial, step.mode, step.powerW, step.rossVersion);
    } catch (err) {
      if (!outcomeUnknown(err)) {
        if (revertAtMs !== null) this.update((state) => (state.portalRevert = previous));
        throw err;
      }
      const reported = await this.confirmMode(step.serial, step.mode, step.powerW).catch((readErr: unknown) => {
        throw unknownOutcome(err, readErr, step.mode === 'Auto' ? 'the revert to Auto stays pending and is tried again' : 'the revert to Auto stays armed for the deadline');
      });
      if (reported !== true) {
        throw notApplied(err, `inverter ${step.serial} reports ${reported ?? 'no mode'}`, step.mode === 'Auto' ? undefined : 'the revert to Auto stays armed for the deadline');
      }
    }
    clearIfAuto();
  }

  /** Reads the inverter's mode until it is `mode` (true) or the checks run out (the last mode reported). */
  private async confirmMode(serial: string, mode: string, powerW: number): Promise<true | string | null> {
    // An Auto not yet seen is simply tried again (the revert's retries); a mode is watched for a while.
    const checks = mode === 'Auto' ? 1 : this.settings.confirmChecks ?? 4;
    const intervalMs = this.settings.confirmIntervalMs ?? 30_000;
    let reported: string | null = null;
    let lastError: unknown = null;
    for (let i = 0; i < checks; i++) {
      if (i > 0) await this.wait(intervalMs);
      let data: DynamicData;
      try {
        data = await this.account.dynamic(serial);
      } catch (err) {
        lastError = err;
        continue;
      }
      const entry = (data.Inverters ?? []).find((inv) => inv?.SerialNumber?.toUpperCase() === serial)?.PowerMode;
      reported = entry?.InverterMode ?? null;
      if (reported === mode && (mode === 'Auto' || num(entry?.PowerW) === powerW || num(entry?.PowerW) === null)) return true;
      lastError = null;
    }
    if (lastError !== null) throw lastError;
    return reported;
  }

  // ---- the record -----------------------------------------------------------------------------

  private update(change: (state: ControlState) => void): void {
    const state = this.store.load();
    change(state);
    this.store.save(state);
  }

  private dropSchedule(record: ScheduleRecord): void {
    this.update((state) => (state.schedules = state.schedules.filter((s) => !sameSchedule(s, record))));
  }

  private dropEnvelope(record: EnvelopeRecord): void {
    this.update((state) => (state.envelopes = state.envelopes.filter((e) => e.eventId !== record.eventId)));
  }

  private setScheduleId(record: ScheduleRecord, scheduleId: string): void {
    this.update((state) => {
      const found = state.schedules.find((s) => sameSchedule(s, record));
      if (found) found.scheduleId = scheduleId;
      else state.schedules.push({ ...record, scheduleId });
    });
  }

  // ---- look-ups -------------------------------------------------------------------------------

  private async listings(needed: { serials: string[]; sites: string[] }): Promise<Listings> {
    const api = this.account.api;
    const [schedules, envelopes] = await Promise.all([
      Promise.all(needed.serials.map(async (serial) => [serial, (await api.schedulesBySerial(serial)).Schedules ?? []] as const)),
      Promise.all(needed.sites.map(async (site) => [site, await api.envelopesBySite(site)] as const)),
    ]);
    return { schedules: new Map(schedules), envelopes: new Map(envelopes) };
  }

  private async rossVersionOf(serial: string): Promise<string> {
    return softwareVersion(await this.account.staticData(serial), serial);
  }

  /** The inverter the command is for, and its site; a `config`-style error when it is not on the account. */
  private async target(commandSerial: string | null): Promise<{ serial: string; siteId: string }> {
    const sites = await this.account.sites();
    const all = sites.flatMap((s) => s.inverters.map((i) => ({ serial: i.serial.toUpperCase(), siteId: s.siteId })));
    const wanted = (commandSerial ?? this.settings.serial).trim().toUpperCase();
    if (wanted) {
      const found = all.find((i) => i.serial === wanted);
      if (!found) throw new CommandError('serial', `inverter ${wanted} is not on this Redback account (its inverters: ${all.map((i) => i.serial).join(', ') || 'none'})`);
      return found;
    }
    if (all.length === 1) return all[0];
    throw new CommandError('serial', `the account has ${all.length} inverters: set the node's inverter or msg.payload.serial (${all.map((i) => i.serial).join(', ')})`);
  }

  /**
   * Battery commands need a battery. `BatteryCount` can read 0 on a system that has one, so they
   * are refused only when nothing shows a battery: neither static data (count, models, capacity,
   * power limits) nor the dynamic reading (SoC, battery power, modules).
   */
  private async checkBattery(cmd: ControlCommand, view: StaticView, serial: string): Promise<void> {
    if (cmd.command === 'curtail' || cmd.command === 'auto') return;
    const inverter = view.Nodes?.find((n) => n?.StaticData?.Id?.toUpperCase() === serial)?.StaticData;
    if (inverter?.BatteryCount !== 0 || staticShowsBattery(view, serial)) return;
    const dynamic = await this.account.dynamic(serial);
    if (dynamicShowsBattery(dynamic)) return;
    throw new CommandError('command', `inverter ${serial} reports no battery (BatteryCount 0), so it cannot ${cmd.command}; only curtail and auto apply`);
  }
}

function staticShowsBattery(view: StaticView, serial: string): boolean {
  const inverter = view.Nodes?.find((n) => n?.StaticData?.Id?.toUpperCase() === serial)?.StaticData;
  if ((inverter?.BatteryModels ?? []).some((m) => typeof m === 'string' && m.trim() !== '')) return true;
  const d = view.StaticData?.SiteDetails;
  return [d?.BatteryCapacitykWh, d?.UsableBatteryCapacitykWh].some((v) => (num(v) ?? 0) > 0);
}

function dynamicShowsBattery(d: DynamicData): boolean {
  if (num(d.BatterySoCInstantaneous0to1) !== null || num(d.BatteryPowerNegativeIsChargingkW) !== null) return true;
  const b = d.Battery;
  if (!b) return false;
  if ((num(b.NumberOfModules) ?? 0) > 0) return true;
  return (b.Modules ?? []).some((m) => !!m && [m.SoC0To1, m.PowerNegativeIsChargingkW, m.VoltageV].some((v) => num(v) !== null));
}

function sameSchedule(a: ScheduleRecord, b: ScheduleRecord): boolean {
  if (a.serial !== b.serial) return false;
  if (a.scheduleId !== null || b.scheduleId !== null) return a.scheduleId === b.scheduleId;
  return a.startAtMs === b.startAtMs;
}

/** The inverter's SoftwareVersion from a static view (the portal's RossVersion); empty when not reported. */
function softwareVersion(view: StaticView, serial: string): string {
  return view.Nodes?.find((n) => n?.StaticData?.Id?.toUpperCase() === serial)?.StaticData?.SoftwareVersion ?? '';
}

/** A lost answer, read back as not applied: the request's own error first, then what the read-back found. */
function notApplied(lost: unknown, found: string, then?: string): RedbackError {
  const kind = isRedbackError(lost) ? lost.kind : 'response';
  const timedOut = kind === 'timeout' ? 'timed out; ' : '';
  return new RedbackError(kind, `${(lost as Error).message}; ${timedOut}not applied (read back: ${found})${then ? `; ${then}` : ''}`, { status: isRedbackError(lost) ? lost.status : undefined });
}

/** A lost answer that could not be read back either. */
function unknownOutcome(lost: unknown, readErr: unknown, then: string): RedbackError {
  const kind = isRedbackError(lost) ? lost.kind : 'response';
  return new RedbackError(kind, `${(lost as Error).message}; outcome unknown, it may have been applied (the read-back failed: ${(readErr as Error).message}); ${then}`, { status: isRedbackError(lost) ? lost.status : undefined });
}
