/**
 * Carries out one validated command: finds the inverter and its site, checks the power against
 * the inverter's static limits, replaces what this node created before, and sends the schedule,
 * portal Set or operating envelope. With dry-run it stops after planning and reports exactly
 * what it would send.
 */
import type { RedbackAccount } from '../account/account';
import type { CreateEnvelopeRequest, CreateScheduleRequest, StaticView } from '../api/dto';
import { isRedbackError } from '../http/errors';
import type { PortalMode } from '../portal/portal-client';
import { CommandError, type ControlCommand } from './command';
import type { StateStore } from './control-state';
import { formatIsoSeconds } from './iso-time';
import { checkLimits, limitsFromStatic } from './limits';
import { packageLeftovers, SCHEDULE_TAG } from './package-leftovers';
import { EVENT_ID_PREFIX, SCHEDULE_MODES, endAtMs, envelopeRequest, newEventId, portalSet, scheduleRequest, type ScheduleCommand } from './plans';

export type ControlMethod = 'schedule' | 'portal';

export interface ExecutorSettings {
  nodeId: string;
  /** The node's inverter; empty = the account's only inverter. */
  serial: string;
  method: ControlMethod;
  dryRun: boolean;
  random: () => string;
}

/** One request the command needs, as the output and dry-run report it. */
export type PlannedStep =
  | { action: 'deleteSchedule'; serial: string; scheduleId: string }
  | { action: 'deleteEnvelope'; eventId: string }
  | { action: 'createSchedule'; body: CreateScheduleRequest }
  | { action: 'createEnvelope'; body: CreateEnvelopeRequest }
  | { action: 'portalSet'; serial: string; mode: PortalMode; powerW: number; rossVersion: string };

export interface ControlOutcome {
  ok: true;
  command: ControlCommand['command'];
  /** The inverter mode the command asks for; null for curtail (an envelope, not a mode). */
  mode: string | null;
  powerW: number | null;
  startAt: string;
  /** null for auto, which has no end. */
  endAt: string | null;
  method: ControlMethod | 'envelope';
  serial: string;
  siteId: string;
  scheduleId?: string;
  eventId?: string;
  exportLimitW?: number;
  dryRun?: true;
  /** With dry-run: every request that would be sent, in order. */
  steps?: PlannedStep[];
}


export class ControlExecutor {
  constructor(
    private readonly account: RedbackAccount,
    private readonly settings: ExecutorSettings,
    private readonly store: StateStore,
  ) {}

  async run(cmd: ControlCommand): Promise<ControlOutcome> {
    const { serial, siteId } = await this.target(cmd.serial);
    const staticView = await this.account.staticData(serial);
    const limits = limitsFromStatic(staticView, serial);
    checkLimits(cmd, limits);
    checkBattery(cmd, staticView, serial);
    if (this.settings.method === 'portal' && cmd.command !== 'curtail' && cmd.startAtMs > Date.now() + 60_000) {
      throw new CommandError('startAt', 'the portal method acts at once: use the schedule method for a later start');
    }
    const rossVersion = softwareVersion(staticView, serial);

    const steps = this.replaceSteps();
    if (cmd.command === 'auto' && !cmd.ownOnly) steps.push(...await this.leftoverSteps(serial, siteId, steps));
    const outcome: ControlOutcome = {
      ok: true,
      command: cmd.command,
      mode: null,
      powerW: cmd.powerW,
      startAt: formatIsoSeconds(cmd.startAtMs),
      endAt: cmd.command === 'auto' ? null : formatIsoSeconds(endAtMs(cmd)),
      method: cmd.command === 'curtail' ? 'envelope' : this.settings.method,
      serial,
      siteId,
    };
    if (cmd.command === 'curtail') {
      const eventId = newEventId(this.settings.nodeId, this.settings.random);
      steps.push({ action: 'createEnvelope', body: envelopeRequest(cmd, siteId, limits, eventId) });
      outcome.eventId = eventId;
      outcome.exportLimitW = cmd.exportLimitW;
      outcome.powerW = null;
    } else if (this.settings.method === 'portal') {
      if (!rossVersion) throw new CommandError('serial', `the cloud reports no SoftwareVersion for ${serial}, which the portal needs as RossVersion`);
      // Throws a config error when the account has no portal login: checked before anything is sent.
      this.account.portal();
      // A portal command this node left on another inverter is replaced too: that one goes back to
      // Auto now, as its schedule would be deleted, instead of losing its revert to this command's.
      const pending = this.store.load().portalRevert;
      if (pending && pending.serial !== serial) {
        steps.push({ action: 'portalSet', serial: pending.serial, mode: 'Auto', powerW: 0, rossVersion: await this.rossVersionOf(pending.serial) });
      }
      const set = portalSet(cmd);
      steps.push({ action: 'portalSet', serial, mode: set.mode, powerW: set.powerW, rossVersion });
      outcome.mode = set.mode;
      outcome.powerW = set.powerW;
    } else if (cmd.command === 'auto') {
      outcome.mode = 'Auto';
      outcome.powerW = 0;
    } else {
      const body = scheduleRequest(cmd, serial, SCHEDULE_TAG);
      steps.push({ action: 'createSchedule', body });
      outcome.mode = SCHEDULE_MODES[cmd.command as ScheduleCommand];
    }

    if (this.settings.dryRun) return { ...outcome, dryRun: true, steps };
    for (const step of steps) {
      const id = await this.send(step);
      if (step.action === 'createSchedule') outcome.scheduleId = id;
    }
    if (this.settings.method === 'portal' && cmd.command !== 'curtail') {
      const state = this.store.load();
      state.portalRevert = cmd.command === 'auto' ? null : { serial, atMs: endAtMs(cmd) };
      this.store.save(state);
    }
    return outcome;
  }

  /**
   * Sets the inverter back to Auto through the portal when a portal command's time is up: `due` is
   * the revert the caller's timer was set for. Does nothing (false) when a newer command has
   * replaced or cancelled it meanwhile. The caller runs this one job at a time with run().
   */
  async revertPortal(due: { serial: string; atMs: number }): Promise<boolean> {
    const revert = this.store.load().portalRevert;
    if (!revert || revert.serial !== due.serial || revert.atMs !== due.atMs) return false;
    await this.account.portal().setMode(revert.serial, 'Auto', 0, await this.rossVersionOf(revert.serial));
    const state = this.store.load();
    state.portalRevert = null;
    this.store.save(state);
    return true;
  }

  private async rossVersionOf(serial: string): Promise<string> {
    return softwareVersion(await this.account.staticData(serial), serial);
  }

  /** Deletes of everything this node created: a new command replaces the previous one. */
  private replaceSteps(): PlannedStep[] {
    const state = this.store.load();
    return [
      ...state.schedules.map((s): PlannedStep => ({ action: 'deleteSchedule', serial: s.serial, scheduleId: s.scheduleId })),
      ...state.envelopes.map((eventId): PlannedStep => ({ action: 'deleteEnvelope', eventId })),
    ];
  }

  /** For auto: deletes of what other nodes of this package left on the inverter and its site. */
  private async leftoverSteps(serial: string, siteId: string, planned: PlannedStep[]): Promise<PlannedStep[]> {
    const [schedules, envelopes] = await Promise.all([this.account.api.schedulesBySerial(serial), this.account.api.envelopesBySite(siteId)]);
    const leftovers = packageLeftovers(schedules, envelopes, EVENT_ID_PREFIX, Date.now());
    const known = new Set(planned.map((step) => (step.action === 'deleteSchedule' ? step.scheduleId : step.action === 'deleteEnvelope' ? step.eventId : '')));
    return [
      ...leftovers.scheduleIds.filter((id) => !known.has(id)).map((scheduleId): PlannedStep => ({ action: 'deleteSchedule', serial, scheduleId })),
      ...leftovers.eventIds.filter((id) => !known.has(id)).map((eventId): PlannedStep => ({ action: 'deleteEnvelope', eventId })),
    ];
  }

  /**
   * Sends one step and records its effect at once, so a failure part-way leaves an exact record.
   * The state is read after the request, not before: what changed it meanwhile is kept.
   */
  private async send(step: PlannedStep): Promise<string | undefined> {
    const api = this.account.api;
    let scheduleId: string | undefined;
    switch (step.action) {
      case 'deleteSchedule':
        await ignoreNotFound(api.deleteSchedule(step.serial, step.scheduleId));
        break;
      case 'deleteEnvelope':
        await ignoreNotFound(api.deleteEnvelope(step.eventId));
        break;
      case 'createSchedule':
        scheduleId = await api.createSchedule(step.body);
        break;
      case 'createEnvelope':
        await api.createEnvelope(step.body);
        break;
      case 'portalSet':
        await this.account.portal().setMode(step.serial, step.mode, step.powerW, step.rossVersion);
        break;
    }
    const state = this.store.load();
    switch (step.action) {
      case 'deleteSchedule':
        state.schedules = state.schedules.filter((s) => s.scheduleId !== step.scheduleId);
        break;
      case 'deleteEnvelope':
        state.envelopes = state.envelopes.filter((e) => e !== step.eventId);
        break;
      case 'createSchedule':
        state.schedules.push({ serial: step.body.SerialNumber, scheduleId: scheduleId as string });
        break;
      case 'createEnvelope':
        state.envelopes.push(step.body.EventId);
        break;
      case 'portalSet':
        // A new Set on the inverter replaces its pending revert (run() stores the new one).
        if (state.portalRevert?.serial === step.serial) state.portalRevert = null;
        break;
    }
    this.store.save(state);
    return scheduleId;
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
}

/** The inverter's SoftwareVersion from a static view (the portal's RossVersion); empty when not reported. */
function softwareVersion(view: StaticView, serial: string): string {
  return view.Nodes?.find((n) => n?.StaticData?.Id?.toUpperCase() === serial)?.StaticData?.SoftwareVersion ?? '';
}

/** Something already gone is what a delete wanted. */
async function ignoreNotFound(promise: Promise<void>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (!(isRedbackError(err) && err.status === 404)) throw err;
  }
}

/** Battery commands need a battery: refuse them before anything is sent to a grid-tie inverter. */
function checkBattery(cmd: ControlCommand, view: StaticView, serial: string): void {
  if (cmd.command === 'curtail' || cmd.command === 'auto') return;
  const inverter = view.Nodes?.find((n) => n?.StaticData?.Id?.toUpperCase() === serial)?.StaticData;
  if (inverter?.BatteryCount === 0) {
    throw new CommandError('command', `inverter ${serial} reports no battery (BatteryCount 0), so it cannot ${cmd.command}; only curtail and auto apply`);
  }
}
