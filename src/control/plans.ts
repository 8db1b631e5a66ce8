/**
 * What exactly goes to the cloud for a validated command: the schedule body, the portal Set, or
 * the operating-envelope body. Pure: the caller sends them.
 */
import type { CreateEnvelopeRequest, CreateScheduleRequest } from '../api/dto';
import type { PortalMode } from '../portal/portal-client';
import { CommandError, parseSerial, type CommandName, type ControlCommand } from './command';
import { formatIsoSeconds } from './iso-time';
import { DEFAULT_LIMIT_W, type InverterLimits } from './limits';
import { formatDuration } from './timespan';

export type ScheduleCommand = 'charge' | 'discharge' | 'import' | 'export' | 'conserve';
export type PortalCommand = ScheduleCommand | 'auto';

export const SCHEDULE_MODES: Readonly<Record<ScheduleCommand, string>> = {
  charge: 'ChargeBattery',
  discharge: 'DischargeBattery',
  import: 'ImportPower',
  export: 'ExportPower',
  conserve: 'Conserve',
};

export const PORTAL_MODES_BY_COMMAND: Readonly<Record<PortalCommand, PortalMode>> = {
  charge: 'ChargeBattery',
  discharge: 'DischargeBattery',
  import: 'ImportPower',
  export: 'ExportPower',
  conserve: 'Conserve',
  auto: 'Auto',
};

export const EVENT_ID_PREFIX = 'node-red-redback-';
export const MAX_EVENT_ID_LENGTH = 128;
const EVENT_SUFFIX_LENGTH = 6;

export function scheduleRequest(cmd: ControlCommand, serial: string, userNotes: string): CreateScheduleRequest {
  if (!isScheduleCommand(cmd.command)) {
    throw new CommandError('command', `${cmd.command} is not a schedule; ${cmd.command === 'auto' ? 'auto cancels schedules' : 'curtail uses an operating envelope'}`);
  }
  const target = parseSerial(serial);
  if (target === null) throw new CommandError('serial', 'a schedule needs the inverter serial');
  return {
    SerialNumber: target,
    UserNotes: userNotes,
    StartTimeUtc: formatIsoSeconds(cmd.startAtMs),
    Duration: formatDuration(cmd.durationMinutes),
    DesiredMode: { InverterMode: SCHEDULE_MODES[cmd.command], ArgumentInWatts: commandPower(cmd) },
  };
}

export function portalSet(cmd: ControlCommand): { mode: PortalMode; powerW: number } {
  if (cmd.command === 'curtail') throw new CommandError('command', 'curtail is not a portal command; it uses an operating envelope');
  const mode = PORTAL_MODES_BY_COMMAND[cmd.command];
  return { mode, powerW: cmd.command === 'auto' ? 0 : commandPower(cmd) };
}

export function envelopeRequest(cmd: ControlCommand, siteId: string, limits: InverterLimits, eventId: string): CreateEnvelopeRequest {
  if (cmd.command !== 'curtail') throw new CommandError('command', `${cmd.command} does not use an operating envelope; only curtail does`);
  if (siteId.trim() === '') throw new CommandError('siteId', 'an operating envelope needs the site id');
  if (eventId === '' || eventId.length > MAX_EVENT_ID_LENGTH) {
    throw new CommandError('eventId', `an envelope EventId must be 1 to ${MAX_EVENT_ID_LENGTH} characters, got ${eventId.length}`);
  }
  return {
    EventId: eventId,
    MaxImportPowerW: ceiling(limits.maxImportW),
    MaxExportPowerW: cmd.exportLimitW,
    MaxDischargePowerW: ceiling(limits.maxDischargeW),
    MaxChargePowerW: ceiling(limits.maxChargeW),
    // InverterLimits carries no generation ceiling; 10000 VA is what the peers send (docs/redback-cloud.md §5.2).
    MaxGenerationPowerVA: DEFAULT_LIMIT_W,
    StartAtUtc: formatIsoSeconds(cmd.startAtMs),
    EndAtUtc: formatIsoSeconds(endAtMs(cmd)),
    SiteId: siteId.trim(),
  };
}

/**
 * `node-red-redback-<nodeId>-<6 alphanumerics>`. The node id is reduced to letters, digits and
 * `-` (it ends up in a DELETE path) and cut so the whole stays within 128 characters. `random`
 * must yield at least six letters or digits, e.g. `() => crypto.randomBytes(8).toString('hex')`.
 */
export function newEventId(nodeId: string, random: () => string): string {
  const suffix = random().replace(/[^A-Za-z0-9]/g, '').slice(0, EVENT_SUFFIX_LENGTH);
  if (suffix.length < EVENT_SUFFIX_LENGTH) throw new Error('newEventId: the random source gave fewer than 6 letters or digits');
  const room = MAX_EVENT_ID_LENGTH - EVENT_ID_PREFIX.length - 1 - EVENT_SUFFIX_LENGTH;
  const id = nodeId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, room);
  return `${EVENT_ID_PREFIX}${id}-${suffix}`;
}

export function endAtMs(cmd: ControlCommand): number {
  return cmd.startAtMs + cmd.durationMinutes * 60_000;
}

function isScheduleCommand(command: CommandName): command is ScheduleCommand {
  return Object.prototype.hasOwnProperty.call(SCHEDULE_MODES, command);
}

/** The watts to send. A power command without a power is refused rather than sent as 0. */
function commandPower(cmd: ControlCommand): number {
  if (cmd.command === 'conserve' || cmd.command === 'auto' || cmd.command === 'curtail') return 0;
  // The type says a power command has its power; one built by hand around parseCommand may not.
  if (typeof (cmd.powerW as unknown) !== 'number') throw new CommandError('powerW', `powerW is required for ${cmd.command}`);
  return cmd.powerW;
}

/**
 * A curtail envelope only means to limit export: its other ceilings follow the inverter's limits,
 * but a limit the cloud reports as 0 or none (a grid-tie inverter's import) must not become a
 * ceiling of 0.
 */
function ceiling(limitW: number | null): number {
  return limitW !== null && limitW > 0 ? limitW : DEFAULT_LIMIT_W;
}
