/** The control node's output in plan mode: the command result as in the other modes, with why it was (not) sent. */
import { notAppliedWarning, readBackPayload, resultPayload } from '../control/messages';
import { readBackStatus, type ControlStatus } from '../control/status-text';
import { isPlainObject } from '../util/objects';
import type { PlanTick } from './plan-runner';
import type { NodeStatusView } from '../util/node-status';

/** Whether a message is price input for the plan (Amber's answer, or Home Assistant's Amber sensors). */
export function isPlanPriceInput(payload: unknown): boolean {
  return Array.isArray(payload) || (isPlainObject(payload) && 'general' in payload);
}

/** Whether the plan takes this message: a node on the `plan` strategy, given price input; commands go the usual way. */
export function takenByPlan(strategy: string | null, payload: unknown): boolean {
  return strategy === 'plan' && isPlanPriceInput(payload);
}

export function planTickPayload(tick: PlanTick): Record<string, unknown> {
  const done = tick.sent.flatMap((r) => (r.kind === 'done' ? [resultPayload(r.outcome)] : []));
  if (tick.kind === 'fallback') {
    return { ...(done[0] ?? { ok: false, sent: false, command: 'auto' }), fallback: tick.why };
  }
  if (tick.reason === 'dryRun') return { ok: true, sent: false, dryRun: true, wouldSend: tick.payloads };
  if (tick.reason === 'byHand') return { ok: true, sent: false, reason: tick.reason };
  if (done.length === 0) return { ok: true, sent: false, reason: tick.reason, inForce: tick.payloads };
  return { ...done[0], reason: tick.reason, ...(done.length > 1 ? { also: done.slice(1) } : {}) };
}

/** What the node does with one plan tick: the message and status now, and the read-backs of what was sent. */
export interface PlanResponse<M> {
  message: M & { plan?: unknown; planSummary?: unknown; planBill?: unknown };
  status: NodeStatusView;
  /** Each read-back's message; `status` and `warning` only when the command did not show (the plan's status stays otherwise). */
  readBacks: Promise<{ message: M; status: ControlStatus | null; warning: string | null }>[];
}

export function planRespond<M extends { payload?: unknown; topic?: string }>(tick: PlanTick, msg: M): PlanResponse<M> {
  const readBacks = tick.sent.flatMap((result) => {
    if (result.kind !== 'done' || !result.readBack) return [];
    return [result.readBack.then((check) => ({
      message: { ...msg, topic: 'readback', payload: readBackPayload(resultPayload(result.outcome), check) },
      status: check.applied ? null : readBackStatus(result.outcome, check),
      warning: check.applied ? null : notAppliedWarning(result.outcome, check),
    }))];
  });
  return {
    message: { ...msg, payload: planTickPayload(tick), plan: tick.plan, planSummary: summaryOf(tick), planBill: tick.bill },
    status: tick.status,
    readBacks,
  };
}

/** The summary with the load/PV forecast it was planned on (`flow`: msg.forecast, `profile`: the learnt one). */
function summaryOf(tick: PlanTick): unknown {
  if (tick.kind === 'planned') return { ...tick.planSummary, forecastSource: tick.forecastSource };
  return tick.planSummary;
}
