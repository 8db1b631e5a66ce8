/** ISO 8601 times that name their zone (`Z` or `±hh:mm`); a time without one is ambiguous. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds since the epoch, or null. */
export function parseIso(value: unknown): number | null {
  if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export function formatIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
