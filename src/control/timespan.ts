/**
 * A duration as the cloud's `Duration` field wants it: a .NET TimeSpan, `hh:mm:ss` below one day
 * and `d.hh:mm:ss` from one day, hours always 00..23 (docs/redback-cloud.md §5.1: 1440 minutes is
 * `1.00:00:00`; `1.24:00:00` is what a popular client sends and a strict parser rejects).
 */
export const MIN_DURATION_MINUTES = 1;
export const MAX_DURATION_MINUTES = 1440;

export function formatDuration(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < MIN_DURATION_MINUTES || minutes > MAX_DURATION_MINUTES) {
    throw new RangeError(`a duration must be a whole number of minutes from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}, got ${minutes}`);
  }
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const hms = `${pad(hours)}:${pad(minutes % 60)}:00`;
  return days > 0 ? `${days}.${hms}` : hms;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A TimeSpan from the cloud (`[d.]hh:mm:ss[.fraction]`) in milliseconds; null when it is not one. */
export function parseDurationMs(text: unknown): number | null {
  const m = typeof text === 'string' ? /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text.trim()) : null;
  if (!m) return null;
  const [days, hours, minutes, seconds] = [m[1] ?? '0', m[2], m[3], m[4]].map(Number);
  if (minutes > 59 || seconds > 59) return null;
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + Math.round(Number(`0.${m[5] ?? '0'}`) * 1000);
}
