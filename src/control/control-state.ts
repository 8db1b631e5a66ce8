/**
 * What a control node remembers in its persistent context: the schedules and envelopes it
 * created (so `auto` and the next command delete exactly those), the portal revert deadline (so a
 * restart still reverts on time) and the last price decision.
 */
import type { Decision } from './amber-policy';

export interface ControlState {
  schedules: { serial: string; scheduleId: string }[];
  envelopes: string[];
  portalRevert: { serial: string; atMs: number } | null;
  decision: Decision | null;
}

export interface StateStore {
  load(): ControlState;
  save(state: ControlState): void;
}

export function emptyState(): ControlState {
  return { schedules: [], envelopes: [], portalRevert: null, decision: null };
}

/** A state read back from context, or an empty one when it is missing or not what this module wrote. */
export function readState(value: unknown): ControlState {
  if (typeof value !== 'object' || value === null) return emptyState();
  const v = value as Partial<ControlState>;
  const schedules = Array.isArray(v.schedules)
    ? v.schedules.filter((s) => s && typeof s.serial === 'string' && typeof s.scheduleId === 'string')
    : [];
  const envelopes = Array.isArray(v.envelopes) ? v.envelopes.filter((e): e is string => typeof e === 'string') : [];
  const revert = v.portalRevert;
  const portalRevert = revert && typeof revert.serial === 'string' && Number.isFinite(revert.atMs) ? revert : null;
  const decision = v.decision && typeof v.decision === 'object' && typeof v.decision.command === 'string' ? v.decision : null;
  return { schedules, envelopes, portalRevert, decision };
}
