/**
 * What `auto` cancels besides the node's own record: every schedule and envelope this package
 * made on the inverter and its site, whichever node made it (design: "auto cancels the schedules
 * this package created"). They are recognised by the package's tags: the schedule's UserNotes and
 * the envelope's EventId prefix. Others' schedules and envelopes (the owner's app, Redback's
 * maintenance, the network) are never touched.
 */
import type { EnvelopeDto, ScheduleDto, SchedulesBySerial } from '../api/dto';
import { parseDurationMs } from './timespan';

/** The UserNotes of every schedule this package creates. */
export const SCHEDULE_TAG = 'node-red-redback';

/** Envelope states after which nothing is left to cancel. */
const ENDED_ENVELOPE_STATES = new Set([
  'cancelled', 'cancelledafterstart', 'futurecancel', 'reportfinished',
  'rejectedpastevent', 'rejectsuperseded', 'supersededpriortostart', 'supersededafterstart',
]);

export interface Leftovers {
  scheduleIds: string[];
  eventIds: string[];
}

export function packageLeftovers(
  schedules: SchedulesBySerial,
  envelopes: EnvelopeDto[],
  eventIdPrefix: string,
  nowMs: number,
): Leftovers {
  const scheduleIds = (schedules.Schedules ?? [])
    .filter((s) => s && typeof s.ScheduleId === 'string' && s.ScheduleId !== '' && s.UserNotes === SCHEDULE_TAG)
    .filter((s) => !hasEnded(s, nowMs))
    .map((s) => s.ScheduleId);
  const eventIds = envelopes
    .filter((e) => e && typeof e.EventId === 'string' && e.EventId.startsWith(eventIdPrefix))
    .filter((e) => !ENDED_ENVELOPE_STATES.has(String(e.Status ?? '').toLowerCase()))
    .filter((e) => !(Date.parse(e.EndAtUtc) <= nowMs))
    .map((e) => e.EventId);
  return { scheduleIds: [...new Set(scheduleIds)], eventIds: [...new Set(eventIds)] };
}

/** True only when the schedule's end is known and past; one that cannot be read is cancelled to be safe. */
function hasEnded(schedule: ScheduleDto, nowMs: number): boolean {
  const end = Date.parse(schedule.StartTimeUtc) + (parseDurationMs(schedule.Duration) ?? NaN);
  return Number.isFinite(end) && end <= nowMs;
}
