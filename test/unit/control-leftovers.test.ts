import should from 'should';
import type { EnvelopeDto, ScheduleDto } from '../../src/api/dto';
import { packageLeftovers } from '../../src/control/package-leftovers';
import { EVENT_ID_PREFIX } from '../../src/control/plans';
import { parseDurationMs } from '../../src/control/timespan';

const NOW = Date.parse('2026-01-15T02:00:00Z');
const schedule = (id: string, userNotes: string | null, start: string, duration: string): ScheduleDto => ({
  ScheduleId: id, UserNotes: userNotes, StartTimeUtc: start, Duration: duration, SerialNumber: 'RB1',
});
const envelope = (id: string, end: string, status: string | null = 'Scheduled'): EnvelopeDto => ({
  EventId: id, StartAtUtc: '2026-01-15T01:00:00Z', EndAtUtc: end, Status: status,
});

describe("what auto cancels of this package's other nodes", () => {
  it('takes only schedules tagged node-red-redback that have not ended (an unreadable end counts as running)', () => {
    const found = packageLeftovers({
      Schedules: [
        schedule('running', 'node-red-redback', '2026-01-15T01:45:00Z', '00:30:00'),
        schedule('later', 'node-red-redback', '2026-01-15T05:00:00Z', '1.00:00:00'),
        schedule('unreadable', 'node-red-redback', '2026-01-15T01:00:00Z', 'PT30M'),
        schedule('ended', 'node-red-redback', '2026-01-15T01:00:00Z', '00:30:00'),
        schedule('ended-exactly', 'node-red-redback', '2026-01-15T01:30:00Z', '00:30:00'),
        schedule('home-assistant', 'Home Assistant Created Inverter Schedule', '2026-01-15T01:45:00Z', '02:00:00'),
        schedule('untagged', null, '2026-01-15T01:45:00Z', '02:00:00'),
        schedule('tag-inside-other-text', 'not node-red-redback', '2026-01-15T01:45:00Z', '02:00:00'),
        schedule('', 'node-red-redback', '2026-01-15T01:45:00Z', '02:00:00'),
        schedule('running', 'node-red-redback', '2026-01-15T01:45:00Z', '00:30:00'),
      ],
    }, [], EVENT_ID_PREFIX, NOW);
    should(found.scheduleIds).eql(['running', 'later', 'unreadable']);
    should(packageLeftovers({ Schedules: null }, [], EVENT_ID_PREFIX, NOW).scheduleIds).eql([]);
  });

  it('takes only envelopes with the package prefix that have not ended or been cancelled, superseded or rejected', () => {
    const found = packageLeftovers({}, [
      envelope('node-red-redback-ctl-abc123', '2026-01-15T02:30:00Z'),
      envelope('node-red-redback-amber-def456', '2026-01-15T03:00:00Z', 'ReportStarted'),
      envelope('node-red-redback-no-status-1', '2026-01-15T03:00:00Z', null),
      envelope('node-red-redback-ended-1', '2026-01-15T02:00:00Z'),
      ...['Cancelled', 'CancelledAfterStart', 'FutureCancel', 'ReportFinished', 'RejectedPastEvent', 'RejectSuperseded', 'SupersededPriorToStart', 'SupersededAfterStart']
        .map((status) => envelope(`node-red-redback-${status}`, '2026-01-15T03:00:00Z', status)),
      envelope('TuesdayCurtailment-1a2b3c', '2026-01-15T03:00:00Z'),
      envelope('network-node-red-redback-x', '2026-01-15T03:00:00Z'),
    ], EVENT_ID_PREFIX, NOW);
    should(found.eventIds).eql(['node-red-redback-ctl-abc123', 'node-red-redback-amber-def456', 'node-red-redback-no-status-1']);
  });

  it('reads the cloud\'s TimeSpans, with days and fractions, and nothing else', () => {
    should(parseDurationMs('00:30:00')).equal(30 * 60_000);
    should(parseDurationMs('1.00:00:00')).equal(24 * 3600_000);
    should(parseDurationMs('2:05:09.5')).equal((2 * 3600 + 5 * 60 + 9.5) * 1000);
    for (const bad of ['', 'PT30M', '00:60:00', '00:00:61', '-00:30:00', 30, null]) should(parseDurationMs(bad)).be.null();
  });
});
