/**
 * The pure plan of a command (issue 15): what is forgotten without a request, what is deleted (only
 * what the cloud lists and is live), and what is sent (issue 14 §2), read without an account.
 */
import should from 'should';
import type { ControlCommand } from '../../src/control/command';
import { findSchedule, listingsNeeded, planCommand, type PlanInput } from '../../src/control/command-plan';
import { emptyState, type ControlState } from '../../src/control/control-state';

const NOW = Date.parse('2026-01-15T02:00:00Z');
const MIN = 60_000;
const LIMITS = { maxChargeW: 10000, maxDischargeW: 10000, maxExportW: 10000, maxImportW: 10000, siteExportLimitW: null };
const charge: ControlCommand = { command: 'charge', powerW: 3000, durationMinutes: 30, exportLimitW: 0, startAtMs: NOW, serial: null };
const schedule = (id: string, startMs: number, minutes: number, notes = 'node-red-redback') => ({
  ScheduleId: id, UserNotes: notes, StartTimeUtc: new Date(startMs).toISOString(), Duration: `00:${String(minutes).padStart(2, '0')}:00`,
});

const input = (state: ControlState, extra: Partial<PlanInput> = {}): PlanInput => ({
  cmd: charge, serial: 'RB1', siteId: 'S1', method: 'schedule', limits: LIMITS, rossVersion: '2.16', pendingRossVersion: '',
  eventId: '', state, listings: { schedules: new Map(), envelopes: new Map() }, nowMs: NOW, ...extra,
});

describe('control: the plan of a command', () => {
  it('forgets ended records without listing or deleting anything', () => {
    const state: ControlState = {
      ...emptyState(),
      schedules: [{ serial: 'RB1', scheduleId: 'old', startAtMs: NOW - 40 * MIN, endAtMs: NOW - 10 * MIN }],
      envelopes: [{ eventId: 'e-old', siteId: 'S1', endAtMs: NOW - MIN }],
    };
    should(listingsNeeded(charge, state, 'RB1', 'S1', NOW)).eql({ serials: [], sites: [] });
    const plan = planCommand(input(state));
    should(plan.forgetSchedules.map((s) => s.scheduleId)).eql(['old']);
    should(plan.forgetEnvelopes.map((e) => e.eventId)).eql(['e-old']);
    should(plan.steps.map((s) => s.action)).eql(['createSchedule']);
  });

  it('deletes a live record only when the cloud lists it; forgets one the list no longer holds', () => {
    const state: ControlState = {
      ...emptyState(),
      schedules: [
        { serial: 'RB1', scheduleId: 'live', startAtMs: NOW - MIN, endAtMs: NOW + 29 * MIN },
        { serial: 'RB1', scheduleId: 'removed-by-redback', startAtMs: NOW - MIN, endAtMs: NOW + 29 * MIN },
      ],
      envelopes: [{ eventId: 'e-live', siteId: 'S1', endAtMs: NOW + 10 * MIN }, { eventId: 'e-gone', siteId: 'S1', endAtMs: NOW + 10 * MIN }],
    };
    should(listingsNeeded(charge, state, 'RB1', 'S1', NOW)).eql({ serials: ['RB1'], sites: ['S1'] });
    const listings = {
      schedules: new Map([['RB1', [schedule('LIVE', NOW - MIN, 30)]]]),
      envelopes: new Map([['S1', [{ EventId: 'e-live', StartAtUtc: new Date(NOW).toISOString(), EndAtUtc: new Date(NOW + 10 * MIN).toISOString(), Status: 'ReportStarted' }]]]),
    };
    const plan = planCommand(input(state, { listings }));
    should(plan.steps.slice(0, 2)).eql([{ action: 'deleteSchedule', serial: 'RB1', scheduleId: 'LIVE' }, { action: 'deleteEnvelope', eventId: 'e-live' }]);
    should(plan.forgetSchedules.map((s) => s.scheduleId)).eql(['removed-by-redback']);
    should(plan.forgetEnvelopes.map((e) => e.eventId)).eql(['e-gone']);
  });

  it('finds a schedule whose create answer was lost by the package tag and its start time', () => {
    const list = [schedule('theirs', NOW, 30, 'Home Assistant'), schedule('other-start', NOW + MIN, 30), schedule('ours', NOW + 400, 30)];
    should(findSchedule(list, { scheduleId: null, startAtMs: NOW }, NOW)?.ScheduleId).equal('ours');
    should(findSchedule(list, { scheduleId: null, startAtMs: NOW + 2 * MIN }, NOW)).be.undefined();
    should(findSchedule([schedule('ended', NOW - 40 * MIN, 30)], { scheduleId: 'ended', startAtMs: null }, NOW)).be.undefined();
  });

  it('a portal command: the revert of another inverter first, then the Set, with powerW always a number', () => {
    const state: ControlState = { ...emptyState(), portalRevert: { serial: 'RB2', atMs: NOW + 5 * MIN } };
    const plan = planCommand(input(state, { method: 'portal', pendingRossVersion: '2.17' }));
    should(plan.steps).eql([
      { action: 'portalSet', serial: 'RB2', mode: 'Auto', powerW: 0, rossVersion: '2.17' },
      { action: 'portalSet', serial: 'RB1', mode: 'ChargeBattery', powerW: 3000, rossVersion: '2.16' },
    ]);
    should(plan.outcome).have.properties({ method: 'portal', mode: 'ChargeBattery', powerW: 3000, endAt: '2026-01-15T02:30:00Z' });
  });
});
