/**
 * A `redback-read` node's settings, parsed and checked when the node is deployed: a setting that
 * cannot work is refused then (red ring, an error, every input failed), not at the first poll.
 */
import { RedbackError } from '../http/errors';
import { parseTimeZone } from '../model/time-zone';
import type { ReadSelection } from './read-service';

export interface ReadSettingsInput {
  site?: unknown;
  serial?: unknown;
  /** Seconds; a number or the editor's text. */
  interval?: unknown;
  timeZone?: unknown;
}

export interface ReadSettings {
  selection: ReadSelection;
  intervalMs: number;
  /** IANA zone for the energy periods; undefined: the host's. */
  timeZone: string | undefined;
}

/** A setting that cannot work, with the short text for the node's status. */
export class ReadSettingError extends RedbackError {
  constructor(readonly statusText: string, message: string) {
    super('config', message);
  }
}

export const DEFAULT_INTERVAL_S = 60;
export const MIN_INTERVAL_S = 10;
/** The editor's maximum; beyond 2^31-1 ms (24.8 days) Node's setTimeout fires after 1 ms instead. */
export const MAX_INTERVAL_S = 86_400;

/** Site ids and serials go into request paths: letters, digits, `-` and `_` only. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws a ReadSettingError naming the first setting that cannot work. */
export function readSettings(input: ReadSettingsInput): ReadSettings {
  return {
    selection: { site: identifier(input.site, 'site'), serial: identifier(input.serial, 'inverter serial') },
    intervalMs: intervalS(input.interval) * 1000,
    timeZone: timeZone(input.timeZone),
  };
}

/** Empty means 60 s; a number outside 10..86,400 s is brought inside; anything else is refused. */
function intervalS(value: unknown): number {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return DEFAULT_INTERVAL_S;
  const n = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    throw new ReadSettingError('invalid interval', `the poll interval ${shown(value)} is not a number of seconds (${MIN_INTERVAL_S} to ${MAX_INTERVAL_S})`);
  }
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, n));
}

function identifier(value: unknown, what: 'site' | 'inverter serial'): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' && typeof value !== 'number') throw new ReadSettingError(`invalid ${what}`, `the ${what} setting is not text`);
  const text = String(value).trim();
  if (text !== '' && !ID_PATTERN.test(text)) {
    throw new ReadSettingError(`invalid ${what}`, `the ${what} ${shown(text)} is not a Redback ${what === 'site' ? 'site id' : 'serial'} (letters and digits; leave it empty for every one)`);
  }
  return text;
}

function timeZone(value: unknown): string | undefined {
  try {
    return parseTimeZone(value);
  } catch (err) {
    throw new ReadSettingError('invalid time zone', (err as Error).message);
  }
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
