/**
 * Deterministic control payloads for the fuzz test (issue 8). Valid payloads are built from
 * chosen values, so what they must send is known by construction; invalid ones are a valid
 * payload with exactly one thing broken (or junk in place of the whole payload). Nothing here
 * calls the package's own parsing.
 */

/** mulberry32: a small seeded PRNG, enough to make the same cases on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Command = 'charge' | 'discharge' | 'import' | 'export' | 'conserve' | 'curtail' | 'auto';
const COMMANDS: readonly Command[] = ['charge', 'discharge', 'import', 'export', 'conserve', 'curtail', 'auto'];
const POWER_COMMANDS: readonly Command[] = ['charge', 'discharge', 'import', 'export'];
/** What the node may use by default: the ST10000's limits (10 kW every way) and 30 minutes. */
export const LIMIT_W = 10_000;
export const DEFAULT_DURATION = 30;
const WEEK_MS = 7 * 24 * 60 * 60_000;

/** What a valid payload asks for, in the test's own terms. */
export interface Intent {
  command: Command;
  powerW: number | null;
  durationMinutes: number;
  exportLimitW: number;
  startAtMs: number;
}

export interface FuzzCase {
  payload: unknown;
  /** What was broken, for failure messages; 'valid' for valid payloads. */
  label: string;
  /** null for an invalid payload. */
  intent: Intent | null;
}

export interface FuzzOptions {
  nowMs: number;
  /** The node's inverter (with the limits above). */
  serial: string;
  /** An inverter of the account without a battery. */
  batterylessSerial: string;
}

type Random = () => number;
const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

export function fuzzCases(seed: number, count: number, options: FuzzOptions): FuzzCase[] {
  const r = seededRandom(seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) cases.push(r() < 0.4 ? validCase(r, options) : invalidCase(r, options));
  return cases;
}

function validCase(r: Random, options: FuzzOptions): FuzzCase {
  const { payload, intent } = validParts(r, options);
  return { payload: Object.keys(payload).length === 1 && r() < 0.5 ? payload.command : { ...payload, ...extraFields(r) }, label: 'valid', intent };
}

function validParts(r: Random, options: FuzzOptions): { payload: Record<string, unknown>; intent: Intent } {
  const command = pick(r, COMMANDS);
  const payload: Record<string, unknown> = { command: pick(r, [command, command.toUpperCase(), ` ${command}\t`, command[0].toUpperCase() + command.slice(1)]) };
  const intent: Intent = { command, powerW: null, durationMinutes: DEFAULT_DURATION, exportLimitW: 0, startAtMs: options.nowMs };
  if (POWER_COMMANDS.includes(command)) {
    const powerW = pick(r, [0, 1, LIMIT_W, int(r, 0, LIMIT_W), int(r, 0, LIMIT_W)]);
    intent.powerW = powerW;
    payload.powerW = powerW === 0 && r() < 0.3 ? -0 : powerW;
  }
  if (command === 'curtail' && r() < 0.7) {
    intent.exportLimitW = pick(r, [0, LIMIT_W, int(r, 0, LIMIT_W)]);
    payload.exportLimitW = intent.exportLimitW;
  }
  const duration = r();
  if (duration < 0.5) {
    intent.durationMinutes = pick(r, [1, 59, 60, 61, 1439, 1440, int(r, 1, 1440)]);
    payload.durationMinutes = intent.durationMinutes;
  } else if (duration < 0.6) {
    payload.durationMinutes = null;
  }
  if (command !== 'auto' && r() < 0.5) {
    intent.startAtMs = options.nowMs + int(r, 0, WEEK_MS / 60_000 - 1) * 60_000 + int(r, 0, 59_999);
    payload.startAt = isoWithOffset(intent.startAtMs, pick(r, [0, 600, -330, 345, -720]), r() < 0.5);
  }
  if (r() < 0.3) payload.serial = pick(r, [options.serial, options.serial.toLowerCase(), ` ${options.serial} `]);
  return { payload, intent };
}

/** `2026-01-15T12:00:00+10:00` style, at the given offset in minutes, with or without milliseconds. */
function isoWithOffset(ms: number, offsetMinutes: number, withMillis: boolean): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, withMillis ? 23 : 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Fields the contract does not know: ignored, and never able to change what is sent. */
function extraFields(r: Random): Record<string, unknown> {
  switch (int(r, 0, 6)) {
    case 0: return { note: 'x'.repeat(int(r, 0, 5000)) };
    case 1: return JSON.parse('{"__proto__": {"command": "auto", "powerW": 99999, "polluted": true}}') as Record<string, unknown>;
    case 2: return { constructor: { prototype: { polluted: true } } };
    case 3: return { nested: junkTree(r, 4) };
    case 4: return { toString: 'not a function', valueOf: 42, hasOwnProperty: 'shadowed' };
    case 5: return { Command: 'charge', POWERW: 99999, power: -1 };
    default: return {};
  }
}

function junkTree(r: Random, depth: number): unknown {
  if (depth === 0) return pick(r, [null, 0, -1, NaN, Infinity, '', 'x'.repeat(100), true, []]);
  return Array.from({ length: int(r, 0, 3) }, () => (r() < 0.5 ? [junkTree(r, depth - 1)] : { k: junkTree(r, depth - 1) }));
}

const LONG = 'x'.repeat(100_000);
const BAD_NUMBERS: readonly unknown[] = [NaN, Infinity, -Infinity, -1, 1.5, 1e300, 2 ** 53, '3000', '', true, [], {}, [3000], LONG];
const BAD_DURATIONS: readonly unknown[] = [0, -1, 1441, 1e9, 1.5, NaN, Infinity, -Infinity, '30', true, [], {}, [30]];

interface Corruption {
  label: string;
  /** Whether it applies to a payload with this command. */
  applies(command: Command): boolean;
  apply(r: Random, payload: Record<string, unknown>, options: FuzzOptions): unknown;
}

const set = (field: string, value: unknown) => (payload: Record<string, unknown>): Record<string, unknown> => ({ ...payload, [field]: value });
const without = (field: string) => (payload: Record<string, unknown>): Record<string, unknown> => {
  const copy = { ...payload };
  delete copy[field];
  return copy;
};

const CORRUPTIONS: readonly Corruption[] = [
  {
    label: 'junk instead of the payload',
    applies: () => true,
    apply: (r) => pick(r, [
      42, -1, NaN, Infinity, true, false, null, undefined, 0, [], [1, 2], [{ channelType: 'general', perKwh: 1 }],
      new Date(0), Buffer.from('charge'), 'boost', '', ' ', LONG, 'charge', 'discharge', 'import', 'export',
      Object.create({ command: 'conserve' }) as unknown,
      JSON.parse('{"__proto__": {"command": "conserve"}}') as unknown,
      Object.defineProperty({}, 'command', { get: () => 'conserve', enumerable: true }),
      new Map([['command', 'conserve']]),
    ]),
  },
  {
    label: 'command missing or wrong',
    applies: () => true,
    apply: (r, p) => (r() < 0.15 ? without('command')(p) : set('command', pick(r, [
      null, 42, true, [], {}, ['charge'], 'boost', 'charge!', 'chargé', LONG, '__proto__', 'constructor', 'toString', 'hasOwnProperty', NaN, '',
    ]))(p)),
  },
  {
    label: 'powerW missing or wrong',
    applies: (c) => POWER_COMMANDS.includes(c),
    apply: (r, p) => (r() < 0.15 ? without('powerW')(p) : set('powerW', pick(r, [null, LIMIT_W + 1, 20_000, ...BAD_NUMBERS]))(p)),
  },
  {
    label: 'durationMinutes wrong',
    applies: () => true,
    apply: (r, p) => set('durationMinutes', pick(r, BAD_DURATIONS))(p),
  },
  {
    label: 'exportLimitW wrong',
    applies: (c) => c === 'curtail',
    apply: (r, p) => set('exportLimitW', pick(r, [LIMIT_W + 1, ...BAD_NUMBERS]))(p),
  },
  {
    label: 'startAt wrong',
    applies: (c) => c !== 'auto',
    apply: (r, p, o) => set('startAt', pick(r, [
      'tomorrow', '', '2026-01-15T12:00:00', '2026-02-30T02:00:00Z', '2026-01-15T25:00:00Z', '2026-01-15T02:00:00+24:00',
      new Date(o.nowMs - 2 * 60_000).toISOString(), new Date(o.nowMs + WEEK_MS + 60_000).toISOString(),
      o.nowMs, true, {}, [], LONG, new Date(o.nowMs),
    ]))(p),
  },
  {
    label: 'startAt with auto',
    applies: (c) => c === 'auto',
    apply: (_r, p, o) => set('startAt', new Date(o.nowMs + 60 * 60_000).toISOString())(p),
  },
  {
    label: 'serial wrong',
    applies: () => true,
    apply: (r, p) => set('serial', pick(r, ['', ' ', 'RB 123', 'RB99999999999999', 'X'.repeat(33), 42, {}, [], true, '../../etc', 'RB2108%2F1800001734', LONG]))(p),
  },
  {
    label: 'a battery command for the inverter without a battery',
    applies: (c) => c !== 'curtail' && c !== 'auto',
    apply: (_r, p, o) => set('serial', o.batterylessSerial)(p),
  },
];

function invalidCase(r: Random, options: FuzzOptions): FuzzCase {
  const { payload, intent } = validParts(r, options);
  const corruption = pick(r, CORRUPTIONS.filter((c) => c.applies(intent.command)));
  return { payload: corruption.apply(r, payload, options), label: corruption.label, intent: null };
}
