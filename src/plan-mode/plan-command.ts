/**
 * From the plan's command for now to what the control node sends, and when to send it.
 * A command lasts until a few minutes after the current price interval, so a stopped Node-RED
 * leaves the inverter on Auto; it is sent when the decision changes, or renewed when what is in
 * force would end too soon after the current interval. Checked against the inverter's limits.
 */
import { checkLimits, type InverterLimits } from '../control/limits';
import { CommandError, type ControlCommand } from '../control/command';
import type { PlanNow } from '../plan';
import { PlanInputError } from './plan-input-error';

export const DEFAULT_GRACE_MINUTES = 10;
export const DEFAULT_RENEW_BELOW_MINUTES = 5;
const MINUTE_MS = 60_000;
const MAX_DURATION_MINUTES = 1440;

/** A message payload the control node accepts (`msg.payload` of the control contract). */
export interface ControlPayload {
  command: 'charge' | 'discharge' | 'conserve' | 'auto' | 'curtail';
  powerW?: number;
  exportLimitW?: number;
  durationMinutes?: number;
}

export interface PlanDecision {
  /** Equal keys = the same decision. */
  key: string;
  /** The battery command first; `curtail` (exportLimitW 0) second when the plan curtails. */
  payloads: ControlPayload[];
  /** When what is sent ends by itself (null for auto, which ends nothing). */
  endsAtMs: number | null;
}

export interface DecisionOptions {
  nowMs: number;
  limits: InverterLimits;
  graceMinutes?: number;
}

export function decisionKey(now: Pick<PlanNow, 'command' | 'powerW' | 'curtail'>): string {
  return `${now.command}|${now.powerW ?? '-'}|${now.curtail ? 'curtail' : 'export'}`;
}

export function planDecision(now: PlanNow, options: DecisionOptions): PlanDecision {
  const untilMs = Date.parse(now.until);
  if (!Number.isFinite(untilMs)) throw new PlanInputError('now.until', `the plan's until ${JSON.stringify(now.until)} is not a time`);
  if (untilMs <= options.nowMs) throw new PlanInputError('now.until', `the plan's current interval ended at ${now.until}; the prices are stale`);
  const grace = options.graceMinutes ?? DEFAULT_GRACE_MINUTES;
  const durationMinutes = Math.min(MAX_DURATION_MINUTES, Math.max(1, Math.ceil((untilMs - options.nowMs) / MINUTE_MS) + grace));
  const payloads: ControlPayload[] = [];
  if (now.command === 'charge' || now.command === 'discharge') {
    if (now.powerW === null || !Number.isSafeInteger(now.powerW) || now.powerW <= 0) {
      throw new PlanInputError('now.powerW', `the plan says ${now.command} without a power (${String(now.powerW)})`);
    }
    payloads.push({ command: now.command, powerW: now.powerW, durationMinutes });
  } else if (now.command === 'conserve') {
    payloads.push({ command: 'conserve', durationMinutes });
  } else if (now.command === 'auto') {
    payloads.push({ command: 'auto' });
  } else {
    throw new PlanInputError('now.command', `the plan's command ${JSON.stringify(now.command)} is not charge, discharge, conserve or auto`);
  }
  if (now.curtail) payloads.push({ command: 'curtail', exportLimitW: 0, durationMinutes });
  for (const p of payloads) checkLimits(toControlCommand(p, options.nowMs), options.limits);
  const lasting = now.command !== 'auto' || now.curtail;
  return { key: decisionKey(now), payloads, endsAtMs: lasting ? options.nowMs + durationMinutes * MINUTE_MS : null };
}

export interface SentDecision {
  key: string;
  endsAtMs: number | null;
}

export type SendReason = 'first' | 'changed' | 'renew' | 'unchanged';

/**
 * Whether to send `next` given what was last sent: the first time, when the decision changes, and
 * when what is in force would end less than `renewBelowMinutes` after the current interval.
 */
export function sendReason(previous: SentDecision | null, next: PlanDecision, untilMs: number, renewBelowMinutes = DEFAULT_RENEW_BELOW_MINUTES): SendReason {
  if (previous === null) return 'first';
  if (previous.key !== next.key) return 'changed';
  if (previous.endsAtMs !== null && previous.endsAtMs < untilMs + renewBelowMinutes * MINUTE_MS) return 'renew';
  return 'unchanged';
}

function toControlCommand(p: ControlPayload, nowMs: number): ControlCommand {
  const base = { durationMinutes: p.durationMinutes ?? 1, startAtMs: nowMs, serial: null };
  if (p.command === 'charge' || p.command === 'discharge') {
    if (p.powerW === undefined || p.powerW === null) throw new CommandError('powerW', `${p.command} needs a power`);
    return { ...base, command: p.command, powerW: p.powerW, exportLimitW: 0 };
  }
  if (p.command === 'curtail') return { ...base, command: 'curtail', powerW: null, exportLimitW: p.exportLimitW ?? 0 };
  return { ...base, command: p.command, powerW: null, exportLimitW: 0 };
}
