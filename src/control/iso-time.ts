/**
 * ISO 8601 date-times that name their time zone (`Z` or `±hh:mm`), e.g. `2026-01-15T12:00:00+10:00`.
 * A time without a zone is ambiguous (Node-RED's clock and the user's may differ), so it is refused.
 */
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/** Milliseconds since the epoch, or null when the text is not such a time or names an impossible date. */
export function parseIsoWithZone(text: string): number | null {
  const m = ISO_WITH_ZONE.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 30 February over into March; a real date survives the round trip.
  if (new Date(local).getUTCDate() !== day) return null;
  const sign = m[9] === '-' ? -1 : 1;
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** UTC with `Z` and whole seconds (milliseconds dropped), e.g. `2026-01-15T02:00:00Z`. */
export function formatIsoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
