/** The control node's output messages and warnings, built from the runner's results. */
import type { Decision } from './amber-policy';
import type { ControlOutcome } from './command-plan';
import type { ReadBackResult } from './read-back';

/** A price input that decided what was already in force: nothing was sent. */
export function unchangedPayload(decision: Decision): { ok: true; sent: false; decision: Decision } {
  return { ok: true, sent: false, decision };
}

/** The result of a command that was sent (or planned, with dry run); `applied` follows on the read-back. */
export function resultPayload(outcome: ControlOutcome, decision?: Decision): Record<string, unknown> {
  return { ...outcome, applied: null, ...(decision ? { decision } : {}) };
}

/** The read-back message (topic `readback`): the result again, with what the cloud showed. */
export function readBackPayload(result: Record<string, unknown>, check: ReadBackResult): Record<string, unknown> {
  return { ...result, applied: check.applied, reportedMode: check.reported, ...(check.detail === undefined ? {} : { readBack: check.detail }) };
}

/** The warning for a command the cloud accepted but the inverter does not show. */
export function notAppliedWarning(outcome: ControlOutcome, check: ReadBackResult): string {
  if (outcome.command === 'curtail') return `curtail was accepted but ${check.detail ?? 'the envelope was not seen'} after ${check.checks} reads`;
  return `${outcome.command} was accepted but inverter ${outcome.serial} still reports ${check.reported?.mode ?? 'no mode'} after ${check.checks} reads`;
}

/** What a failed revert to Auto shows, with when it is tried again. */
export function revertRetryText(retry: { attempt: number; inMs: number } | undefined): string {
  return retry ? `revert to Auto failed; retry ${retry.attempt} in ${Math.round(retry.inMs / 1000)} s` : 'revert to Auto failed; retrying';
}
