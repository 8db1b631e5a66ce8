/**
 * What a control node remembers: the schedules and envelopes it created (so `auto` and the next
 * command delete exactly those), with their ends (an ended one is dropped without a request), the
 * portal revert deadline (so a restart still reverts on time) and the last price decision.
 *
 * The whole state lives in the node's intent journal (intent-journal.ts); the node's context
 * holds a copy in the shorter shape of `contextView`, for flows and older versions to read.
 */
import type { Decision } from './amber-policy';

export interface ScheduleRecord {
  serial: string;
  /** null: the create was sent but its answer was lost; found again by the tag and the start time. */
  scheduleId: string | null;
  startAtMs: number | null;
  endAtMs: number | null;
}

export interface EnvelopeRecord {
  eventId: string;
  siteId: string | null;
  endAtMs: number | null;
}

export interface PortalRevert {
  serial: string;
  atMs: number;
}

export interface ControlState {
  schedules: ScheduleRecord[];
  envelopes: EnvelopeRecord[];
  portalRevert: PortalRevert | null;
  decision: Decision | null;
}

/** The shape kept in the node's context (and in versions before the journal). */
export interface ContextView {
  schedules: { serial: string; scheduleId: string }[];
  envelopes: string[];
  portalRevert: PortalRevert | null;
  decision: Decision | null;
}

export interface StateStore {
  load(): ControlState;
  save(state: ControlState): void;
}

export function emptyState(): ControlState {
  return { schedules: [], envelopes: [], portalRevert: null, decision: null };
}

/** True when nothing is left to undo. */
export function nothingToUndo(state: ControlState): boolean {
  return state.schedules.length === 0 && state.envelopes.length === 0 && state.portalRevert === null;
}

export function contextView(state: ControlState): ContextView {
  return {
    schedules: state.schedules.filter((s): s is ScheduleRecord & { scheduleId: string } => s.scheduleId !== null)
      .map((s) => ({ serial: s.serial, scheduleId: s.scheduleId })),
    envelopes: state.envelopes.map((e) => e.eventId),
    portalRevert: state.portalRevert,
    decision: state.decision,
  };
}

/** A state read back from context (either shape), or an empty one when it is missing or not what this module wrote. */
export function readState(value: unknown): ControlState {
  return readFullState(value) ?? emptyState();
}

/** A state from the journal or context; null when `value` is not an object. Unreadable entries are left out. */
export function readFullState(value: unknown): ControlState | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const schedules = Array.isArray(v.schedules) ? v.schedules.flatMap(readSchedule) : [];
  const envelopes = Array.isArray(v.envelopes) ? v.envelopes.flatMap(readEnvelope) : [];
  const revert = v.portalRevert as Partial<PortalRevert> | null | undefined;
  const portalRevert = revert && typeof revert.serial === 'string' && Number.isFinite(revert.atMs)
    ? { serial: revert.serial, atMs: revert.atMs as number }
    : null;
  const d = v.decision as Decision | null | undefined;
  const decision = d && typeof d === 'object' && typeof d.command === 'string' ? d : null;
  return { schedules, envelopes, portalRevert, decision };
}

function readSchedule(s: unknown): ScheduleRecord[] {
  if (typeof s !== 'object' || s === null) return [];
  const r = s as Record<string, unknown>;
  if (typeof r.serial !== 'string') return [];
  const scheduleId = typeof r.scheduleId === 'string' && r.scheduleId !== '' ? r.scheduleId : null;
  const startAtMs = finiteOrNull(r.startAtMs);
  // A record without an id can be found again only by its start time.
  if (scheduleId === null && startAtMs === null) return [];
  return [{ serial: r.serial, scheduleId, startAtMs, endAtMs: finiteOrNull(r.endAtMs) }];
}

function readEnvelope(e: unknown): EnvelopeRecord[] {
  if (typeof e === 'string') return e === '' ? [] : [{ eventId: e, siteId: null, endAtMs: null }];
  if (typeof e !== 'object' || e === null) return [];
  const r = e as Record<string, unknown>;
  if (typeof r.eventId !== 'string' || r.eventId === '') return [];
  return [{ eventId: r.eventId, siteId: typeof r.siteId === 'string' ? r.siteId : null, endAtMs: finiteOrNull(r.endAtMs) }];
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
