/**
 * The plan of one command, as a pure function of what the executor has looked up: which of the
 * node's records are forgotten without a request (ended, or no longer in the cloud's list), which
 * requests are sent in which order, and the outcome to report. Dry run, the benchmarks and tests
 * read it without an account; executor.ts sends it.
 */
import type { CreateEnvelopeRequest, CreateScheduleRequest, EnvelopeDto, ScheduleDto } from '../api/dto';
import type { PortalMode } from '../portal/portal-client';
import { CommandError, type ControlCommand } from './command';
import type { ControlState, EnvelopeRecord, ScheduleRecord } from './control-state';
import { formatIsoSeconds } from './iso-time';
import type { InverterLimits } from './limits';
import { packageLeftovers, SCHEDULE_TAG } from './package-leftovers';
import { EVENT_ID_PREFIX, SCHEDULE_MODES, endAtMs, envelopeRequest, portalSet, scheduleRequest, type ScheduleCommand } from './plans';
import { parseDurationMs } from './timespan';

export type ControlMethod = 'schedule' | 'portal';

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

/** The cloud's lists the plan needs, by serial and by site; a list not read is absent. */
export interface Listings {
  schedules: Map<string, ScheduleDto[]>;
  envelopes: Map<string, EnvelopeDto[]>;
}

export interface PlanInput {
  cmd: ControlCommand;
  serial: string;
  siteId: string;
  method: ControlMethod;
  limits: InverterLimits;
  /** The inverter's SoftwareVersion (the portal's RossVersion); '' when not reported. */
  rossVersion: string;
  /** The RossVersion of the inverter a pending portal revert is for, when it is another one. */
  pendingRossVersion: string;
  /** A fresh EventId for curtail. */
  eventId: string;
  state: ControlState;
  listings: Listings;
  nowMs: number;
}

export interface CommandPlan {
  steps: PlannedStep[];
  outcome: ControlOutcome;
  /** The node's records to drop before anything is sent: ended, or no longer listed. */
  forgetSchedules: ScheduleRecord[];
  forgetEnvelopes: EnvelopeRecord[];
  /** The record of each delete step, to forget once it is done. */
  deletes: Map<PlannedStep, ScheduleRecord | EnvelopeRecord | null>;
}

/** The serials and sites whose lists the plan needs (the executor reads them first). */
export function listingsNeeded(cmd: ControlCommand, state: ControlState, serial: string, siteId: string, nowMs: number): { serials: string[]; sites: string[] } {
  const serials = new Set(state.schedules.filter((s) => !ended(s.endAtMs, nowMs)).map((s) => s.serial));
  const sites = new Set(state.envelopes.filter((e) => !ended(e.endAtMs, nowMs)).map((e) => e.siteId ?? siteId));
  if (cmd.command === 'auto' && !cmd.ownOnly) {
    serials.add(serial);
    sites.add(siteId);
  }
  return { serials: [...serials], sites: [...sites] };
}

export function planCommand(input: PlanInput): CommandPlan {
  const { cmd, serial, siteId, state, listings, nowMs } = input;
  const steps: PlannedStep[] = [];
  const deletes = new Map<PlannedStep, ScheduleRecord | EnvelopeRecord | null>();
  const forgetSchedules: ScheduleRecord[] = [];
  const forgetEnvelopes: EnvelopeRecord[] = [];
  const deleting = new Set<string>();

  for (const record of state.schedules) {
    const listed = ended(record.endAtMs, nowMs) ? undefined : findSchedule(listings.schedules.get(record.serial) ?? [], record, nowMs);
    if (!listed) {
      forgetSchedules.push(record);
      continue;
    }
    const step: PlannedStep = { action: 'deleteSchedule', serial: record.serial, scheduleId: listed.ScheduleId };
    steps.push(step);
    deletes.set(step, record);
    deleting.add(listed.ScheduleId.toLowerCase());
  }
  for (const record of state.envelopes) {
    const listed = ended(record.endAtMs, nowMs) ? undefined : findEnvelope(listings.envelopes.get(record.siteId ?? siteId) ?? [], record.eventId, nowMs);
    if (!listed) {
      forgetEnvelopes.push(record);
      continue;
    }
    const step: PlannedStep = { action: 'deleteEnvelope', eventId: record.eventId };
    steps.push(step);
    deletes.set(step, record);
    deleting.add(record.eventId.toLowerCase());
  }
  if (cmd.command === 'auto' && !cmd.ownOnly) {
    const leftovers = packageLeftovers({ Schedules: listings.schedules.get(serial) ?? [] }, listings.envelopes.get(siteId) ?? [], EVENT_ID_PREFIX, nowMs);
    for (const scheduleId of leftovers.scheduleIds.filter((id) => !deleting.has(id.toLowerCase()))) {
      const step: PlannedStep = { action: 'deleteSchedule', serial, scheduleId };
      steps.push(step);
      deletes.set(step, null);
    }
    for (const eventId of leftovers.eventIds.filter((id) => !deleting.has(id.toLowerCase()))) {
      const step: PlannedStep = { action: 'deleteEnvelope', eventId };
      steps.push(step);
      deletes.set(step, null);
    }
  }

  const outcome: ControlOutcome = {
    ok: true,
    command: cmd.command,
    mode: null,
    powerW: cmd.powerW,
    startAt: formatIsoSeconds(cmd.startAtMs),
    endAt: cmd.command === 'auto' ? null : formatIsoSeconds(endAtMs(cmd)),
    method: cmd.command === 'curtail' ? 'envelope' : input.method,
    serial,
    siteId,
  };
  if (cmd.command === 'curtail') {
    steps.push({ action: 'createEnvelope', body: envelopeRequest(cmd, siteId, input.limits, input.eventId) });
    outcome.eventId = input.eventId;
    outcome.exportLimitW = cmd.exportLimitW;
    outcome.powerW = null;
  } else if (input.method === 'portal') {
    if (!input.rossVersion) throw new CommandError('serial', `the cloud reports no SoftwareVersion for ${serial}, which the portal needs as RossVersion`);
    // A portal command this node left on another inverter is replaced too: that one goes back to
    // Auto now, as its schedule would be deleted, instead of losing its revert to this command's.
    const pending = state.portalRevert;
    if (pending && pending.serial !== serial) {
      steps.push({ action: 'portalSet', serial: pending.serial, mode: 'Auto', powerW: 0, rossVersion: input.pendingRossVersion });
    }
    const set = portalSet(cmd);
    steps.push({ action: 'portalSet', serial, mode: set.mode, powerW: set.powerW, rossVersion: input.rossVersion });
    outcome.mode = set.mode;
    outcome.powerW = set.powerW;
  } else if (cmd.command === 'auto') {
    outcome.mode = 'Auto';
    outcome.powerW = 0;
  } else {
    steps.push({ action: 'createSchedule', body: scheduleRequest(cmd, serial, SCHEDULE_TAG) });
    outcome.mode = SCHEDULE_MODES[cmd.command as ScheduleCommand];
  }
  return { steps, outcome, forgetSchedules, forgetEnvelopes, deletes };
}

/** The node's schedule in the cloud's list: by id, or (id unknown) by the package's tag and the start time; only a live one. */
export function findSchedule(list: ScheduleDto[], record: { scheduleId: string | null; startAtMs: number | null }, nowMs: number): ScheduleDto | undefined {
  const live = list.filter((s) => s && typeof s.ScheduleId === 'string' && s.ScheduleId !== '' && !scheduleEnded(s, nowMs));
  if (record.scheduleId !== null) {
    const id = record.scheduleId.toLowerCase();
    return live.find((s) => s.ScheduleId.toLowerCase() === id);
  }
  if (record.startAtMs === null) return undefined;
  const startSecond = Math.floor(record.startAtMs / 1000);
  return live.find((s) => s.UserNotes === SCHEDULE_TAG && Math.floor(Date.parse(s.StartTimeUtc) / 1000) === startSecond);
}

/** The envelope with this EventId in the site's list, unless it has ended. */
export function findEnvelope(list: EnvelopeDto[], eventId: string, nowMs: number): EnvelopeDto | undefined {
  return list.find((e) => e && e.EventId === eventId && !(Date.parse(e.EndAtUtc) <= nowMs) && !ENDED_STATES.has(String(e.Status ?? '').toLowerCase()));
}

const ENDED_STATES = new Set(['cancelled', 'cancelledafterstart', 'reportfinished', 'rejectedpastevent', 'rejectsuperseded', 'supersededpriortostart', 'supersededafterstart']);

function scheduleEnded(s: ScheduleDto, nowMs: number): boolean {
  const end = Date.parse(s.StartTimeUtc) + (parseDurationMs(s.Duration) ?? NaN);
  return Number.isFinite(end) && end <= nowMs;
}

function ended(endAtMs: number | null, nowMs: number): boolean {
  return endAtMs !== null && endAtMs <= nowMs;
}
