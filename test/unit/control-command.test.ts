import should from 'should';
import { CommandError, parseCommand, type ControlCommand } from '../../src/control/command';
import { formatDuration } from '../../src/control/timespan';
import { parseTimeSpan } from '../../src/sim/timespan';
import { thrown } from '../helpers/errors';

const NOW = Date.parse('2026-01-15T02:00:00Z');
const DEFAULTS = { durationMinutes: 30 };
const parse = (payload: unknown): ControlCommand => parseCommand(payload, DEFAULTS, NOW);

function failure(payload: unknown, defaults = DEFAULTS): CommandError {
  return thrown(() => parseCommand(payload, defaults, NOW), CommandError, JSON.stringify(payload));
}

describe('control: TimeSpan durations', () => {
  it('writes hh:mm:ss below a day and d.hh:mm:ss from a day', () => {
    const cases: [number, string][] = [
      [1, '00:01:00'], [59, '00:59:00'], [60, '01:00:00'], [61, '01:01:00'], [90, '01:30:00'],
      [1439, '23:59:00'], [1440, '1.00:00:00'],
    ];
    for (const [minutes, text] of cases) should(formatDuration(minutes)).equal(text, String(minutes));
  });

  it('throws RangeError outside 1..1440 whole minutes', () => {
    for (const bad of [0, -1, 1441, 1.5, NaN, Infinity]) {
      should(() => formatDuration(bad)).throw(RangeError, { message: `a duration must be a whole number of minutes from 1 to 1440, got ${bad}` });
    }
  });

  it('every minute 1..1440 round-trips through the strict simulator parser', () => {
    for (let minutes = 1; minutes <= 1440; minutes++) {
      should(parseTimeSpan(formatDuration(minutes))).equal(minutes * 60_000, String(minutes));
    }
  });
});

describe('control: parseCommand', () => {
  describe('refuses bad input with a specific message', () => {
    const huge = 1e20;
    const table: [string, unknown, string, string][] = [
      // [title, payload, field, exact message]
      ['null payload', null, 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got null'],
      ['undefined payload', undefined, 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got nothing'],
      ['array payload', [{ command: 'charge', powerW: 1 }], 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got an array'],
      ['number payload', 5, 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got 5'],
      ['boolean payload', true, 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got true'],
      ['Buffer payload', Buffer.from('charge'), 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got an object'],
      ['Date payload', new Date(NOW), 'payload', 'msg.payload must be an object such as {"command": "charge", "powerW": 3000} or a command name, got an object'],
      ['unknown string payload', 'fly', 'command', 'unknown command "fly"; use one of charge, discharge, import, export, conserve, curtail, auto'],
      ['empty string payload', '  ', 'command', 'unknown command "  "; use one of charge, discharge, import, export, conserve, curtail, auto'],
      ['bare "charge" has no power', 'charge', 'powerW', 'powerW is required for charge'],
      ['missing command', { powerW: 3000 }, 'command', 'command is required'],
      ['null command', { command: null }, 'command', 'command is required'],
      ['unknown command', { command: 'explode' }, 'command', 'unknown command "explode"; use one of charge, discharge, import, export, conserve, curtail, auto'],
      ['number command', { command: 1 }, 'command', 'unknown command 1; use one of charge, discharge, import, export, conserve, curtail, auto'],
      ['mode name as command', { command: 'ChargeBattery', powerW: 1 }, 'command', 'unknown command "ChargeBattery"; use one of charge, discharge, import, export, conserve, curtail, auto'],
      ['long unknown command is cut', { command: 'x'.repeat(100) }, 'command', `unknown command "${'x'.repeat(40)}…"; use one of charge, discharge, import, export, conserve, curtail, auto`],
      ['__proto__ payload', JSON.parse('{"__proto__": {"command": "charge", "powerW": 3000}}'), 'command', 'command is required'],
      ['constructor payload', JSON.parse('{"constructor": {"command": "charge"}}'), 'command', 'command is required'],
      ['command on the prototype', Object.create({ command: 'auto' }), 'command', 'command is required'],
      ['command as a getter', Object.defineProperty({}, 'command', { get: () => 'auto', enumerable: true }), 'command', 'command is required'],
      ['missing powerW for discharge', { command: 'discharge' }, 'powerW', 'powerW is required for discharge'],
      ['missing powerW for import', { command: 'import' }, 'powerW', 'powerW is required for import'],
      ['null powerW for export', { command: 'export', powerW: null }, 'powerW', 'powerW is required for export'],
      ['string powerW', { command: 'charge', powerW: '3000' }, 'powerW', 'powerW must be a number of watts, got "3000"'],
      ['boolean powerW', { command: 'charge', powerW: true }, 'powerW', 'powerW must be a number of watts, got true'],
      ['object powerW', { command: 'charge', powerW: { w: 1 } }, 'powerW', 'powerW must be a number of watts, got an object'],
      ['negative powerW', { command: 'charge', powerW: -5 }, 'powerW', 'powerW must be a whole number of watts, 0 or more, got -5'],
      ['fractional powerW', { command: 'charge', powerW: 2500.5 }, 'powerW', 'powerW must be a whole number of watts, 0 or more, got 2500.5'],
      ['NaN powerW', { command: 'charge', powerW: NaN }, 'powerW', 'powerW must be a whole number of watts, 0 or more, got NaN'],
      ['Infinity powerW', { command: 'charge', powerW: Infinity }, 'powerW', 'powerW must be a whole number of watts, 0 or more, got Infinity'],
      ['huge powerW', { command: 'charge', powerW: huge }, 'powerW', 'powerW must be a whole number of watts, 0 or more, got 100000000000000000000'],
      ['zero duration', { command: 'conserve', durationMinutes: 0 }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got 0'],
      ['duration 1441', { command: 'conserve', durationMinutes: 1441 }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got 1441'],
      ['negative duration', { command: 'conserve', durationMinutes: -30 }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got -30'],
      ['fractional duration', { command: 'conserve', durationMinutes: 1.5 }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got 1.5'],
      ['string duration', { command: 'conserve', durationMinutes: '30' }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got "30"'],
      ['NaN duration', { command: 'conserve', durationMinutes: NaN }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got NaN'],
      ['Infinity duration', { command: 'conserve', durationMinutes: Infinity }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got Infinity'],
      ['huge duration', { command: 'conserve', durationMinutes: huge }, 'durationMinutes', 'durationMinutes must be a whole number from 1 to 1440, got 100000000000000000000'],
      ['negative exportLimitW', { command: 'curtail', exportLimitW: -1 }, 'exportLimitW', 'exportLimitW must be a whole number of watts, 0 or more, got -1'],
      ['string exportLimitW', { command: 'curtail', exportLimitW: '0' }, 'exportLimitW', 'exportLimitW must be a number of watts, got "0"'],
      ['fractional exportLimitW', { command: 'curtail', exportLimitW: 0.5 }, 'exportLimitW', 'exportLimitW must be a whole number of watts, 0 or more, got 0.5'],
      ['NaN exportLimitW', { command: 'curtail', exportLimitW: NaN }, 'exportLimitW', 'exportLimitW must be a whole number of watts, 0 or more, got NaN'],
      ['startAt without a zone', { command: 'conserve', startAt: '2026-01-15T03:00:00' }, 'startAt', 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "2026-01-15T03:00:00"'],
      ['startAt a date only', { command: 'conserve', startAt: '2026-01-16' }, 'startAt', 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "2026-01-16"'],
      ['startAt not a time', { command: 'conserve', startAt: 'tomorrow' }, 'startAt', 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "tomorrow"'],
      ['startAt 30 February', { command: 'conserve', startAt: '2026-02-30T03:00:00Z' }, 'startAt', 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "2026-02-30T03:00:00Z"'],
      ['startAt hour 24', { command: 'conserve', startAt: '2026-01-15T24:00:00Z' }, 'startAt', 'startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got "2026-01-15T24:00:00Z"'],
      ['startAt as a number', { command: 'conserve', startAt: NOW }, 'startAt', `startAt must be an ISO 8601 time with a time zone, such as 2026-01-15T12:00:00+10:00 or 2026-01-15T02:00:00Z, got ${NOW}`],
      ['startAt in the past', { command: 'conserve', startAt: '2026-01-15T01:58:59Z' }, 'startAt', 'startAt is in the past: "2026-01-15T01:58:59Z"'],
      ['startAt in the past by offset', { command: 'conserve', startAt: '2026-01-15T11:00:00+10:00' }, 'startAt', 'startAt is in the past: "2026-01-15T11:00:00+10:00"'],
      ['startAt over 7 days ahead', { command: 'conserve', startAt: '2026-01-22T02:00:01Z' }, 'startAt', 'startAt is more than 7 days ahead: "2026-01-22T02:00:01Z"'],
      ['startAt with auto', { command: 'auto', startAt: '2026-01-15T03:00:00Z' }, 'startAt', 'startAt cannot be used with auto, which acts at once'],
      ['empty serial', { command: 'auto', serial: '' }, 'serial', 'serial must be 1 to 32 letters and digits, got ""'],
      ['serial with a slash', { command: 'auto', serial: 'RB1/../x' }, 'serial', 'serial must be 1 to 32 letters and digits, got "RB1/../x"'],
      ['serial too long', { command: 'auto', serial: 'R'.repeat(33) }, 'serial', `serial must be 1 to 32 letters and digits, got "${'R'.repeat(33)}"`],
      ['number serial', { command: 'auto', serial: 12345 }, 'serial', 'serial must be 1 to 32 letters and digits, got 12345'],
    ];
    for (const [title, payload, field, message] of table) {
      it(title, () => {
        const err = failure(payload);
        should(err.message).equal(message);
        should(err.field).equal(field);
      });
    }

    it("an invalid node default is named as the node's default", () => {
      const err = failure({ command: 'conserve' }, { durationMinutes: 0 });
      should(err.message).equal("the node's default durationMinutes must be a whole number from 1 to 1440, got 0");
    });

    it('the __proto__ payload leaves Object.prototype alone', () => {
      failure(JSON.parse('{"__proto__": {"command": "charge", "powerW": 3000}}'));
      should(({} as Record<string, unknown>).command).be.undefined();
    });
  });

  it('reads every field', () => {
    const cmd = parse({
      command: 'Charge', powerW: 3000, durationMinutes: 90, exportLimitW: 500,
      startAt: '2026-01-15T13:30:00+10:00', serial: ' rb12341234123412 ', extra: 'ignored',
    });
    should(cmd).deepEqual({
      command: 'charge', powerW: 3000, durationMinutes: 90, exportLimitW: 0,
      startAtMs: Date.parse('2026-01-15T03:30:00Z'), serial: 'RB12341234123412',
    });
  });

  it('reads curtail with its export limit', () => {
    should(parse({ command: 'curtail', exportLimitW: 1500, powerW: 'ignored', durationMinutes: 1440, startAt: '2026-01-22T02:00:00Z' })).deepEqual({
      command: 'curtail', powerW: null, durationMinutes: 1440, exportLimitW: 1500,
      startAtMs: Date.parse('2026-01-22T02:00:00Z'), serial: null,
    });
  });

  it('fills in the defaults', () => {
    should(parse({ command: 'curtail' })).deepEqual({ command: 'curtail', powerW: null, durationMinutes: 30, exportLimitW: 0, startAtMs: NOW, serial: null });
    should(parse({ command: 'conserve', durationMinutes: null, startAt: null, serial: null })).deepEqual({
      command: 'conserve', powerW: null, durationMinutes: 30, exportLimitW: 0, startAtMs: NOW, serial: null,
    });
  });

  it('takes a bare command name, trimmed and in any case', () => {
    should(parse(' AUTO ')).deepEqual({ command: 'auto', powerW: null, durationMinutes: 30, exportLimitW: 0, startAtMs: NOW, serial: null });
    should(parse('Conserve').command).equal('conserve');
    should(parse('curtail').exportLimitW).equal(0);
  });

  it('accepts every command name in any case', () => {
    for (const name of ['charge', 'DISCHARGE', 'Import', 'eXport']) {
      const cmd = parse({ command: name, powerW: 0 });
      should(cmd.command).equal(name.toLowerCase());
      should(cmd.powerW).equal(0);
    }
  });

  it('ignores powerW and exportLimitW where they do not apply', () => {
    for (const command of ['conserve', 'auto']) {
      should(parse({ command, powerW: -1, exportLimitW: 'x' })).deepEqual({ command, powerW: null, durationMinutes: 30, exportLimitW: 0, startAtMs: NOW, serial: null });
    }
    should(parse({ command: 'export', powerW: 100, exportLimitW: -1 }).exportLimitW).equal(0);
  });

  it('makes -0 watts 0', () => {
    should(Object.is(parse({ command: 'charge', powerW: -0 }).powerW, 0)).be.true();
  });

  it('allows a start up to a minute in the past and up to 7 days ahead', () => {
    should(parse({ command: 'conserve', startAt: '2026-01-15T01:59:00Z' }).startAtMs).equal(NOW - 60_000);
    should(parse({ command: 'conserve', startAt: '2026-01-22T02:00:00Z' }).startAtMs).equal(NOW + 7 * 86_400_000);
    should(parse({ command: 'conserve', startAt: '2026-01-15T02:00:00.250z' }).startAtMs).equal(NOW + 250);
    should(parse({ command: 'conserve', startAt: '2026-01-14T21:30-04:30' }).startAtMs).equal(Date.parse('2026-01-15T02:00:00Z'));
  });

  it('reads fields from an object made in another realm (a Function node sandbox)', () => {
    const vm = require('node:vm') as typeof import('node:vm');
    const payload: unknown = vm.runInNewContext('({ command: "discharge", powerW: 2000 })');
    should(parse(payload).powerW).equal(2000);
  });

  it('does not change the payload', () => {
    const payload = { command: ' Charge ', powerW: 3000, serial: 'rb1' };
    parse(payload);
    should(payload).deepEqual({ command: ' Charge ', powerW: 3000, serial: 'rb1' });
  });
});
