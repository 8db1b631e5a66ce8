/**
 * A duration as the cloud's `Duration` field wants it: a .NET TimeSpan, `hh:mm:ss` below one day
 * and `d.hh:mm:ss` from one day, hours always 00..23 (reference §6.1: 1440 minutes is
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
