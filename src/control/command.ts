/**
 * The control node's input contract: `msg.payload` checked field by field, before anything could
 * be sent. Every problem is a CommandError naming the field and the value.
 */
import { describeValue, isPlainObject, ownField } from '../util/objects';
import { parseIsoWithZone } from './iso-time';
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from './timespan';

export type CommandName = 'charge' | 'discharge' | 'import' | 'export' | 'conserve' | 'curtail' | 'auto';

export const COMMAND_NAMES: readonly CommandName[] = ['charge', 'discharge', 'import', 'export', 'conserve', 'curtail', 'auto'];

/** The commands that move power at a rate the user must choose. */
export const POWER_COMMANDS: readonly CommandName[] = ['charge', 'discharge', 'import', 'export'];

interface CommandBase {
  durationMinutes: number;
  startAtMs: number;
  /** Upper case; null = the node's configured inverter. */
  serial: string | null;
}

export type PowerCommandName = 'charge' | 'discharge' | 'import' | 'export';

/** charge, discharge, import, export: always with the watts the user chose. */
export interface PowerCommand extends CommandBase {
  command: PowerCommandName;
  powerW: number;
  exportLimitW: 0;
}

export interface ConserveCommand extends CommandBase {
  command: 'conserve';
  powerW: null;
  exportLimitW: 0;
}

/** An operating envelope capping export at `exportLimitW`. */
export interface CurtailCommand extends CommandBase {
  command: 'curtail';
  powerW: null;
  exportLimitW: number;
}

export interface AutoCommand extends CommandBase {
  command: 'auto';
  powerW: null;
  exportLimitW: 0;
  /**
   * For auto from a price decision: undo only what this node made. A message's auto (the user's)
   * also cancels what the package's other nodes left on the inverter, such as a manual charge.
   */
  ownOnly?: true;
}

/** One validated command; each kind has its own shape, so a power command always has its power. */
export type ControlCommand = PowerCommand | ConserveCommand | CurtailCommand | AutoCommand;

export function isPowerCommand(cmd: ControlCommand): cmd is PowerCommand {
  return (POWER_COMMANDS as readonly string[]).includes(cmd.command);
}

export class CommandError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'CommandError';
    this.field = field;
  }
}

export const MAX_START_AHEAD_MS = 7 * 24 * 60 * 60_000;
/** A start this close to now counts as now (clock skew, queueing). */
export const START_PAST_TOLERANCE_MS = 60_000;
const SERIAL = /^[A-Za-z0-9]{1,32}$/;

export function parseCommand(payload: unknown, defaults: { durationMinutes: number }, nowMs: number): ControlCommand {
  const fields = toFields(payload);
  const command = parseName(fields.command);
  const power = isPowerName(command) ? parsePower(fields.powerW, command) : null;
  const durationMinutes = parseDuration(fields.durationMinutes, defaults.durationMinutes);
  const exportLimitW = command === 'curtail' ? parseExportLimit(fields.exportLimitW) : 0;
  const startAtMs = parseStartAt(fields.startAt, command, nowMs);
  const serial = parseSerial(fields.serial);
  const base = { durationMinutes, startAtMs, serial };
  if (isPowerName(command)) return { command, powerW: power as number, exportLimitW: 0, ...base };
  if (command === 'curtail') return { command, powerW: null, exportLimitW, ...base };
  return { command, powerW: null, exportLimitW: 0, ...base };
}

/** Normalises a serial number; throws CommandError unless it is 1..32 letters and digits. */
export function parseSerial(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const serial = typeof value === 'string' ? value.trim() : '';
  if (!SERIAL.test(serial)) throw new CommandError('serial', `serial must be 1 to 32 letters and digits, got ${describeValue(value)}`);
  return serial.toUpperCase();
}

interface RawFields {
  command: unknown;
  powerW: unknown;
  durationMinutes: unknown;
  exportLimitW: unknown;
  startAt: unknown;
  serial: unknown;
}

function toFields(payload: unknown): RawFields {
  if (typeof payload === 'string') {
    return { command: payload, powerW: undefined, durationMinutes: undefined, exportLimitW: undefined, startAt: undefined, serial: undefined };
  }
  if (!isPlainObject(payload)) {
    throw new CommandError('payload', `msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got ${describeValue(payload)}`);
  }
  return {
    command: ownField(payload, 'command'),
    powerW: ownField(payload, 'powerW'),
    durationMinutes: ownField(payload, 'durationMinutes'),
    exportLimitW: ownField(payload, 'exportLimitW'),
    startAt: ownField(payload, 'startAt'),
    serial: ownField(payload, 'serial'),
  };
}

function isPowerName(name: CommandName): name is PowerCommandName {
  return (POWER_COMMANDS as readonly string[]).includes(name);
}

function parseName(value: unknown): CommandName {
  if (value === undefined || value === null) throw new CommandError('command', 'command is required');
  const name = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const known = COMMAND_NAMES.find((c) => c === name);
  if (known === undefined) throw new CommandError('command', `unknown command ${describeValue(value)}; use one of ${COMMAND_NAMES.join(', ')}`);
  return known;
}

function parsePower(value: unknown, command: CommandName): number {
  if (value === undefined || value === null) throw new CommandError('powerW', `powerW is required for ${command}`);
  return wholeAtLeastZero('powerW', value);
}

function parseExportLimit(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return wholeAtLeastZero('exportLimitW', value);
}

function wholeAtLeastZero(field: string, value: unknown): number {
  if (typeof value !== 'number') throw new CommandError(field, `${field} must be a number of watts, got ${describeValue(value)}`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CommandError(field, `${field} must be a whole number of watts, 0 or more, got ${describeValue(value)}`);
  }
  return value + 0; // -0 becomes 0
}

function parseDuration(value: unknown, fallback: number): number {
  const given = value !== undefined && value !== null;
  const minutes = given ? value : fallback;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < MIN_DURATION_MINUTES || minutes > MAX_DURATION_MINUTES) {
    const which = given ? 'durationMinutes' : "the node's default durationMinutes";
    throw new CommandError('durationMinutes', `${which} must be a whole number from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}, got ${describeValue(minutes)}`);
  }
  return minutes;
}

function parseStartAt(value: unknown, command: CommandName, nowMs: number): number {
  if (value === undefined || value === null) return nowMs;
  // auto cancels at once; a later start would be silently ignored, so it is refused.
  if (command === 'auto') throw new CommandError('startAt', 'startAt cannot be used with auto, which acts at once');
  const ms = typeof value === 'string' ? parseIsoWithZone(value.trim()) : null;
  if (ms === null) {
    throw new CommandError('startAt', `startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got ${describeValue(value)}`);
  }
  if (ms < nowMs - START_PAST_TOLERANCE_MS) throw new CommandError('startAt', `startAt is in the past: ${describeValue(value)}`);
  if (ms > nowMs + MAX_START_AHEAD_MS) throw new CommandError('startAt', `startAt is more than 7 days ahead: ${describeValue(value)}`);
  return ms;
}
