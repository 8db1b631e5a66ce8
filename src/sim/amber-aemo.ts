/**
 * The real AEMO months in `data/pricing/` (see `data/pricing/SOURCES.md`): 5-minute dispatch
 * prices (RRP, $/MWh) whose SETTLEMENTDATE is the END of the interval in NEM time (UTC+10). The
 * simulator maps any simulated instant onto the month by NEM day of month and time of day.
 */
import fs from 'fs';
import path from 'path';

export type AemoRegion = 'NSW1' | 'VIC1';

export const AEMO_FILES: Record<AemoRegion, string> = {
  NSW1: 'PRICE_AND_DEMAND_202401_NSW1.csv',
  VIC1: 'PRICE_AND_DEMAND_202501_VIC1.csv',
};

export const NEM_OFFSET_MS = 10 * 60 * 60_000;
const FIVE_MINUTES_MS = 5 * 60_000;
const SLOTS_PER_DAY = 288;
const DAYS = 31;

/** `data/pricing` of the package: from `dist/src/sim/` and from `src/sim/` alike it is three or two folders up. */
export function pricingDataDir(): string {
  const candidates = [path.join(__dirname, '..', '..', '..', 'data', 'pricing'), path.join(__dirname, '..', '..', 'data', 'pricing')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, AEMO_FILES.NSW1)));
  if (!found) throw new Error(`the AEMO price files are missing (looked in ${candidates.join(' and ')})`);
  return found;
}

/** One month of 5-minute prices, slot i = day (i / 288) + 1, starting at minute (i % 288) × 5, NEM time. */
export class AemoMonth {
  constructor(readonly region: AemoRegion, private readonly rrp: Float64Array) {}

  /** RRP ($/MWh) of the 5-minute interval that starts at `startMs` (floored to 5 minutes), mapped onto the month. */
  rrpAt(startMs: number): number {
    const nem = Math.floor((startMs + NEM_OFFSET_MS) / FIVE_MINUTES_MS) * FIVE_MINUTES_MS;
    const d = new Date(nem);
    const slot = (d.getUTCDate() - 1) * SLOTS_PER_DAY + d.getUTCHours() * 12 + Math.floor(d.getUTCMinutes() / 5);
    return this.rrp[slot];
  }
}

const cache = new Map<string, AemoMonth>();

export function loadAemoMonth(region: AemoRegion, dir: string = pricingDataDir()): AemoMonth {
  const file = path.join(dir, AEMO_FILES[region]);
  const cached = cache.get(file);
  if (cached) return cached;
  const month = parseAemoCsv(region, fs.readFileSync(file, 'utf8'), file);
  cache.set(file, month);
  return month;
}

/** Parses `REGION,SETTLEMENTDATE,TOTALDEMAND,RRP,PERIODTYPE`; every one of the 31 × 288 slots must be filled. */
export function parseAemoCsv(region: AemoRegion, text: string, name = 'the AEMO file'): AemoMonth {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split(',').map((h) => h.trim()) ?? [];
  const dateCol = header.indexOf('SETTLEMENTDATE');
  const rrpCol = header.indexOf('RRP');
  if (dateCol < 0 || rrpCol < 0) throw new Error(`${name}: no SETTLEMENTDATE or RRP column`);
  const rrp = new Float64Array(DAYS * SLOTS_PER_DAY).fill(NaN);
  let firstDay: number | null = null;
  for (const line of lines) {
    const cols = line.split(',');
    const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})/.exec(cols[dateCol] ?? '');
    const price = Number(cols[rrpCol]);
    if (!m || !Number.isFinite(price)) throw new Error(`${name}: unreadable row "${line.slice(0, 60)}"`);
    // The end time in NEM time, read as if UTC; the interval starts five minutes earlier.
    const start = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - FIVE_MINUTES_MS);
    const monthKey = start.getUTCFullYear() * 12 + start.getUTCMonth();
    firstDay ??= monthKey;
    if (monthKey !== firstDay) continue;
    rrp[(start.getUTCDate() - 1) * SLOTS_PER_DAY + start.getUTCHours() * 12 + Math.floor(start.getUTCMinutes() / 5)] = price;
  }
  const missing = rrp.findIndex((v) => Number.isNaN(v));
  if (missing >= 0) throw new Error(`${name}: no price for day ${Math.floor(missing / SLOTS_PER_DAY) + 1} slot ${missing % SLOTS_PER_DAY}`);
  return new AemoMonth(region, rrp);
}
