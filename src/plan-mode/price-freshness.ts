/**
 * Whether Amber's answer still describes now: its general CurrentInterval must contain now. A
 * forecast interval that happens to cover now is not enough (the answer is then stale, and what it
 * predicted is a guess), nor is an answer without a current interval.
 */
import { clockText } from './zone-clock';

const MINUTE_MS = 60_000;

/** Throws an Error saying what is wrong; returns nothing when the answer is current. */
export function checkCurrentInterval(prices: readonly unknown[], nowMs: number, zone?: string): void {
  const current = prices.filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null
    && (p as Record<string, unknown>).type === 'CurrentInterval' && ((p as Record<string, unknown>).channelType ?? 'general') === 'general');
  if (current.length === 0) throw new Error('no current interval in the prices; not planning');
  let latestEnd: number | null = null;
  for (const p of current) {
    const start = Math.floor(Date.parse(String(p.startTime)) / MINUTE_MS) * MINUTE_MS;
    const end = Date.parse(String(p.endTime));
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
    if (start <= nowMs && nowMs < end) return;
    latestEnd = latestEnd === null ? end : Math.max(latestEnd, end);
  }
  if (latestEnd === null) throw new Error('the current interval has no valid startTime/endTime; not planning');
  throw new Error(latestEnd <= nowMs
    ? `stale prices: the current interval ended at ${clockText(latestEnd, zone)}; not planning`
    : `the prices' current interval starts after now (${clockText(nowMs, zone)}); not planning`);
}
