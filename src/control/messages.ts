/** The control node's output messages and warnings, built from the runner's results. */
import type { Decision } from './amber-policy';
import type { ControlOutcome } from './command-plan';
import { isRedbackError } from '../http/errors';
import type { RunResult } from './control-runner';
import type { ReadBackResult } from './read-back';
import { failureStatus, outcomeStatus, readBackStatus, type ControlStatus } from './status-text';

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

/** What the node does with one runner result: the message to send now, the status, and what the read-back brings later. */
export interface Response<M> {
  message: M | null;
  status: ControlStatus | null;
  readBack: Promise<{ message: M; status: ControlStatus; warning: string | null }> | null;
}

export function respond<M extends { payload?: unknown; topic?: string }>(result: RunResult, msg: M): Response<M> {
  if (result.kind === 'superseded') return { message: null, status: null, readBack: null };
  if (result.kind === 'unchanged') return { message: { ...msg, payload: unchangedPayload(result.decision) }, status: null, readBack: null };
  const payload = resultPayload(result.outcome, result.decision);
  const readBack = result.readBack?.then((check) => ({
    message: { ...msg, topic: 'readback', payload: readBackPayload(payload, check) },
    status: readBackStatus(result.outcome, check),
    warning: check.applied ? null : notAppliedWarning(result.outcome, check),
  })) ?? null;
  return { message: { ...msg, payload }, status: outcomeStatus(result.outcome), readBack };
}

/** The status for a failed input; null for a node that is closing (its error is not reported). */
export function failureOf(err: unknown): ControlStatus | null {
  if (isRedbackError(err) && err.kind === 'closed') return null;
  return failureStatus((err as Error).message);
}

/** The status after the portal revert to Auto: done, or failed with when it is tried again. */
export function revertStatus(err: unknown, retry?: { attempt: number; inMs: number }): ControlStatus {
  return err ? failureStatus(revertRetryText(retry)) : { fill: 'grey', shape: 'dot', text: 'auto (portal command ended)' };
}

/** The message a failed revert is reported with (to Catch nodes). */
export const REVERT_MESSAGE = { payload: { command: 'auto', revert: true } };
