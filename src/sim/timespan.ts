/**
 * The simulated server's reading of a .NET TimeSpan (`[-][d.]hh:mm[:ss[.fffffff]]`), as strict
 * as .NET's invariant parser: hours 0..23, minutes and seconds 0..59. `1.24:00:00` is rejected.
 * Returns milliseconds, or null when the text is not a valid TimeSpan.
 */
const TIMESPAN = /^(-)?(?:(\d{1,8})\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

export function parseTimeSpan(text: string): number | null {
  const m = TIMESPAN.exec(text);
  if (!m) return null;
  const [, minus, days, hours, minutes, seconds, fraction] = m;
  const h = Number(hours);
  const min = Number(minutes);
  const s = seconds === undefined ? 0 : Number(seconds);
  if (h > 23 || min > 59 || s > 59) return null;
  const fractionMs = fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000;
  const ms = ((Number(days ?? 0) * 24 + h) * 60 + min) * 60_000 + s * 1000 + fractionMs;
  return minus ? -ms : ms;
}

/** How the simulated server writes a TimeSpan back: `hh:mm:ss`, or `d.hh:mm:ss` from one day. */
export function formatTimeSpan(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const days = Math.floor(totalSeconds / 86400);
  const rest = totalSeconds % 86400;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days}.${hms}` : hms;
}
