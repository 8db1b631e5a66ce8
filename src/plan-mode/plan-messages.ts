/** The control node's output in plan mode: the command result as in the other modes, with why it was (not) sent. */
import { resultPayload } from '../control/messages';
import { isPlainObject } from '../control/describe';
import type { PlanTick } from './plan-runner';

/** Whether a message is price input for the plan (Amber's answer, or Home Assistant's Amber sensors). */
export function isPlanPriceInput(payload: unknown): boolean {
  return Array.isArray(payload) || (isPlainObject(payload) && 'general' in payload);
}

export function planTickPayload(tick: PlanTick): Record<string, unknown> {
  const done = tick.sent.flatMap((r) => (r.kind === 'done' ? [resultPayload(r.outcome)] : []));
  if (tick.kind === 'fallback') {
    return { ...(done[0] ?? { ok: false, sent: false, command: 'auto' }), fallback: tick.why };
  }
  if (tick.reason === 'dryRun') return { ok: true, sent: false, dryRun: true, wouldSend: tick.payloads };
  if (done.length === 0) return { ok: true, sent: false, reason: tick.reason, inForce: tick.payloads };
  return { ...done[0], reason: tick.reason, ...(done.length > 1 ? { also: done.slice(1) } : {}) };
}
