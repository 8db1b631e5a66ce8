/**
 * A profile of the house load and PV by local time of day, learnt from the site readings the node
 * sees (`pvPowerW`, `loadPowerW` of the site payload), kept as plain JSON in a context store. It
 * starts flat (500 W load, no PV) and a slot takes over as soon as it has a reading. Its size is
 * fixed: 48 half-hour slots, whatever the uptime.
 */
import type { PlanForecastSlot } from '../plan';
import { DEFAULT_LOAD_W } from '../plan/defaults';
import { describeValue, isPlainObject, isoMs, isoSeconds, ownField } from './fields';
import { minuteOfDay } from './zone-clock';

export const PROFILE_VERSION = 1;
export const SLOT_MINUTES = 30;
export const SLOTS = (24 * 60) / SLOT_MINUTES;
/** Newer readings weigh at least this much, so the profile follows the season. */
export const MIN_WEIGHT = 0.05;
const SLOT_MS = SLOT_MINUTES * 60_000;

export interface ProfileSlot {
  loadW: number;
  pvW: number;
  /** Readings learnt, capped (only the weighting uses it). */
  loadN: number;
  pvN: number;
}

export interface LoadPvProfile {
  version: typeof PROFILE_VERSION;
  /** The IANA zone the slots are in; null = the host's. */
  zone: string | null;
  /** The newest reading learnt, ISO. */
  lastReading: string | null;
  slots: ProfileSlot[];
}

export interface SiteReading {
  timestamp: string | null;
  pvPowerW: number | null;
  loadPowerW: number | null;
}

const N_CAP = Math.ceil(1 / MIN_WEIGHT);

export function newProfile(zone?: string): LoadPvProfile {
  return {
    version: PROFILE_VERSION,
    zone: zone ?? null,
    lastReading: null,
    slots: Array.from({ length: SLOTS }, () => ({ loadW: DEFAULT_LOAD_W, pvW: 0, loadN: 0, pvN: 0 })),
  };
}

/**
 * The profile with one reading learnt (a new object; the input is not changed). Readings without a
 * time, or not newer than the last one learnt, are ignored; a null power leaves its side alone.
 */
export function learnReading(profile: LoadPvProfile, reading: SiteReading): LoadPvProfile {
  const ms = isoMs(reading.timestamp);
  if (ms === null) return profile;
  const last = isoMs(profile.lastReading);
  if (last !== null && ms <= last) return profile;
  const index = slotIndex(ms, profile.zone);
  const slots = profile.slots.map((s) => ({ ...s }));
  const slot = slots[index];
  if (isPower(reading.loadPowerW)) {
    slot.loadW = blend(slot.loadW, reading.loadPowerW, slot.loadN);
    slot.loadN = Math.min(N_CAP, slot.loadN + 1);
  }
  if (isPower(reading.pvPowerW)) {
    slot.pvW = blend(slot.pvW, reading.pvPowerW, slot.pvN);
    slot.pvN = Math.min(N_CAP, slot.pvN + 1);
  }
  return { ...profile, lastReading: isoSeconds(ms), slots };
}

/** The planner's forecast for `hours` from `nowMs`, in half-hour slots on the clock. */
export function profileForecast(profile: LoadPvProfile, nowMs: number, hours = 24): PlanForecastSlot[] {
  const out: PlanForecastSlot[] = [];
  const end = nowMs + hours * 3_600_000;
  for (let t = Math.floor(nowMs / SLOT_MS) * SLOT_MS; t < end; t += SLOT_MS) {
    const slot = profile.slots[slotIndex(t, profile.zone)];
    out.push({ start: isoSeconds(t), end: isoSeconds(t + SLOT_MS), loadW: Math.round(slot.loadW), pvW: Math.round(slot.pvW) });
  }
  return out;
}

/** The profile's house load at `ms` (the slot of its local half hour), whole W. */
export function profileLoadAt(profile: LoadPvProfile, ms: number): number {
  return Math.round(profile.slots[slotIndex(ms, profile.zone)].loadW);
}

/**
 * A profile read back from a context store. Anything that is not a profile of this version (a
 * first run, an older format, a damaged value, another zone) gives a fresh one and says why.
 */
export function restoreProfile(stored: unknown, zone?: string): { profile: LoadPvProfile; reset: string | null } {
  if (stored === undefined || stored === null) return { profile: newProfile(zone), reset: null };
  const problem = profileProblem(stored, zone ?? null);
  return problem === null ? { profile: stored as LoadPvProfile, reset: null } : { profile: newProfile(zone), reset: problem };
}

function profileProblem(value: unknown, zone: string | null): string | null {
  if (!isPlainObject(value)) return `the stored profile is ${describeValue(value)}, not an object`;
  if (ownField(value, 'version') !== PROFILE_VERSION) return `the stored profile has version ${describeValue(ownField(value, 'version'))}, not ${PROFILE_VERSION}`;
  if (ownField(value, 'zone') !== zone) return `the stored profile is for time zone ${describeValue(ownField(value, 'zone'))}, not ${describeValue(zone)}`;
  const last = ownField(value, 'lastReading');
  if (last !== null && isoMs(last) === null) return 'the stored profile has an unreadable lastReading';
  const slots = ownField(value, 'slots');
  if (!Array.isArray(slots) || slots.length !== SLOTS) return `the stored profile needs ${SLOTS} slots`;
  const bad = slots.findIndex((s) => !isPlainObject(s) || !['loadW', 'pvW', 'loadN', 'pvN'].every((k) => isPower(ownField(s, k))));
  return bad >= 0 ? `the stored profile's slot ${bad} is damaged` : null;
}

function slotIndex(ms: number, zone: string | null): number {
  return Math.floor(minuteOfDay(ms, zone ?? undefined) / SLOT_MINUTES) % SLOTS;
}

/** A running mean for the first readings, then an exponential one. */
function blend(old: number, value: number, n: number): number {
  const weight = Math.max(1 / (n + 1), MIN_WEIGHT);
  return old + (value - old) * weight;
}

function isPower(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
