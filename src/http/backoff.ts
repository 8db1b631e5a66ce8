/** Retry timing: exponential backoff with full jitter, Retry-After parsing (the waits: util/clock.ts sleepOn). */
import { RedbackError } from './errors';

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  random: () => number;
}

/** Delay before retry number `attempt` (0 = the first retry): random in [d/2, d], d = base·2^attempt, capped. */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  // Date.parse alone reads garbage such as "1.5" or "-1" as a date in 2001 (a wait of 0); an
  // HTTP date always carries a time of day.
  if (!/\d{1,2}:\d{2}:\d{2}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

export function closedError(): RedbackError {
  return new RedbackError('closed', 'the Redback connection was closed');
}
