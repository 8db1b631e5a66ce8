/**
 * After a command, the inverter's reported mode (`Inverters[].PowerMode`) is compared with what
 * was asked, on the next few cloud refreshes: "accepted but never applied" is the complaint users
 * of similar nodes make most.
 */
import { sleepOn, systemClock, type Clock } from '../util/clock';

export interface ReportedMode {
  mode: string | null;
  powerW: number | null;
}

export interface ReadBackResult {
  applied: boolean;
  /** The last mode the cloud reported; null when no read succeeded. */
  reported: ReportedMode | null;
  checks: number;
  /** For an envelope: what the read-back found (listed, or the export seen). */
  detail?: string;
}

export interface ReadBackOptions {
  /** Reads to make, one per interval; default 3 (three minutes at the cloud's once-a-minute refresh). */
  checks?: number;
  intervalMs?: number;
  /** Extra wait before the first read, e.g. until a later start. */
  delayMs?: number;
  signal: AbortSignal;
  /** Whose time the spacing is in; default the host's. */
  clock?: Clock;
}

export async function readBack(
  read: () => Promise<ReportedMode>,
  expected: ReportedMode,
  options: ReadBackOptions,
): Promise<ReadBackResult> {
  const checks = options.checks ?? 3;
  const intervalMs = options.intervalMs ?? 60_000;
  let reported: ReportedMode | null = null;
  for (let i = 1; i <= checks; i++) {
    await sleepOn(options.clock ?? systemClock, intervalMs + (i === 1 ? options.delayMs ?? 0 : 0), options.signal);
    try {
      reported = await read();
    } catch {
      // A failed read is not a verdict; the next one may succeed.
      continue;
    }
    if (matches(reported, expected)) return { applied: true, reported, checks: i };
  }
  return { applied: false, reported, checks };
}

function matches(reported: ReportedMode, expected: ReportedMode): boolean {
  if (reported.mode !== expected.mode) return false;
  return expected.mode === 'Auto' || expected.powerW === null || reported.powerW === expected.powerW;
}

export interface EnvelopeSeen {
  applied: boolean;
  detail: string;
  exportW: number | null;
}

/**
 * After a curtail: the envelope listed for the site (or the site's export under the limit) on the
 * next few reads; the first read comes after one interval, as for a mode.
 */
export async function readBackEnvelope(read: () => Promise<EnvelopeSeen>, options: ReadBackOptions): Promise<ReadBackResult> {
  const checks = options.checks ?? 3;
  const intervalMs = options.intervalMs ?? 60_000;
  let last: EnvelopeSeen | null = null;
  for (let i = 1; i <= checks; i++) {
    await sleepOn(options.clock ?? systemClock, intervalMs + (i === 1 ? options.delayMs ?? 0 : 0), options.signal);
    try {
      last = await read();
    } catch {
      continue;
    }
    if (last.applied) return { applied: true, reported: null, checks: i, detail: last.detail };
  }
  return { applied: false, reported: null, checks, detail: last?.detail ?? 'no read succeeded' };
}
