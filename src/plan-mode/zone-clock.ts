/** Wall-clock readings of an instant in an IANA time zone (undefined = the host's). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(key, f);
  }
  return f;
}

function parts(ms: number, zone: string | undefined): { hour: number; minute: number } {
  let hour = 0;
  let minute = 0;
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type === 'hour') hour = Number(p.value) % 24;
    if (p.type === 'minute') minute = Number(p.value);
  }
  return { hour, minute };
}

/** Minutes since local midnight, 0..1439. */
export function minuteOfDay(ms: number, zone?: string): number {
  const { hour, minute } = parts(ms, zone);
  return hour * 60 + minute;
}

/** Local `hh:mm`. */
export function clockText(ms: number, zone?: string): string {
  const { hour, minute } = parts(ms, zone);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}
