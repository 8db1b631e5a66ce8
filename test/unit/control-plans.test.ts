import should from 'should';
import { fixtureStatic } from '../helpers/fixtures';
import type { StaticView } from '../../src/api/dto';
import { CommandError, parseCommand, type ControlCommand } from '../../src/control/command';
import { checkLimits, limitsFromStatic, type InverterLimits } from '../../src/control/limits';
import { endAtMs, envelopeRequest, newEventId, portalSet, scheduleRequest, SCHEDULE_MODES } from '../../src/control/plans';
import { thrown } from '../helpers/errors';

const NOW = Date.parse('2026-01-15T02:00:00.678Z');
const cmd = (payload: unknown): ControlCommand => parseCommand(payload, { durationMinutes: 30 }, NOW);
const SERIAL = 'RB12341234123412';
const NOTES = 'node-red-redback n1';

/** docs/redback-cloud.md §4.3: the three-phase ST10000 fixture. */
const STATIC_FIXTURE: StaticView = fixtureStatic();

const NO_LIMITS: InverterLimits = { maxChargeW: null, maxDischargeW: null, maxExportW: null, maxImportW: null, siteExportLimitW: null };
const SMALL: InverterLimits = { maxChargeW: 4600, maxDischargeW: 5000, maxExportW: 5000, maxImportW: 6000, siteExportLimitW: 3000 };

function limitError(c: ControlCommand, limits: InverterLimits): CommandError {
  return thrown(() => checkLimits(c, limits), CommandError, JSON.stringify(c));
}

describe('control: schedule bodies', () => {
  const expected = (mode: string, watts: number, duration = '00:30:00') => ({
    SerialNumber: SERIAL, UserNotes: NOTES, StartTimeUtc: '2026-01-15T02:00:00Z', Duration: duration,
    DesiredMode: { InverterMode: mode, ArgumentInWatts: watts },
  });

  it('maps each command to its mode, with the power', () => {
    should(scheduleRequest(cmd({ command: 'charge', powerW: 3000 }), SERIAL, NOTES)).deepEqual(expected('ChargeBattery', 3000));
    should(scheduleRequest(cmd({ command: 'discharge', powerW: 2500, durationMinutes: 90 }), SERIAL, NOTES)).deepEqual(expected('DischargeBattery', 2500, '01:30:00'));
    should(scheduleRequest(cmd({ command: 'import', powerW: 0, durationMinutes: 1440 }), SERIAL, NOTES)).deepEqual(expected('ImportPower', 0, '1.00:00:00'));
    should(scheduleRequest(cmd({ command: 'export', powerW: 10000, durationMinutes: 1 }), SERIAL, NOTES)).deepEqual(expected('ExportPower', 10000, '00:01:00'));
    should(scheduleRequest(cmd({ command: 'conserve', powerW: 999 }), SERIAL, NOTES)).deepEqual(expected('Conserve', 0));
  });

  it('writes the start in UTC with Z and no milliseconds', () => {
    const body = scheduleRequest(cmd({ command: 'charge', powerW: 1, startAt: '2026-01-15T14:15:30.999+10:00' }), SERIAL, NOTES);
    should(body.StartTimeUtc).equal('2026-01-15T04:15:30Z');
    should(JSON.stringify(body)).equal(
      '{"SerialNumber":"RB12341234123412","UserNotes":"node-red-redback n1","StartTimeUtc":"2026-01-15T04:15:30Z","Duration":"00:30:00","DesiredMode":{"InverterMode":"ChargeBattery","ArgumentInWatts":1}}',
    );
  });

  it('upper-cases and checks the serial', () => {
    should(scheduleRequest(cmd('conserve'), 'rb1', NOTES).SerialNumber).equal('RB1');
    should(() => scheduleRequest(cmd('conserve'), 'RB1/x', NOTES)).throw(CommandError, { message: 'serial must be 1 to 32 letters and digits, got "RB1/x"' });
  });

  it('refuses auto, curtail, and a power command without power', () => {
    should(() => scheduleRequest(cmd('auto'), SERIAL, NOTES)).throw(CommandError, { message: 'auto is not a schedule; auto cancels schedules' });
    should(() => scheduleRequest(cmd('curtail'), SERIAL, NOTES)).throw(CommandError, { message: 'curtail is not a schedule; curtail uses an operating envelope' });
    // Not a ControlCommand by its type (a charge always has its power): the runtime check still refuses one built by hand.
    const noPower = { ...cmd('conserve'), command: 'charge' } as unknown as ControlCommand;
    should(() => scheduleRequest(noPower, SERIAL, NOTES)).throw(CommandError, { message: 'powerW is required for charge' });
  });

  it('has the documented mode names', () => {
    should(SCHEDULE_MODES).deepEqual({ charge: 'ChargeBattery', discharge: 'DischargeBattery', import: 'ImportPower', export: 'ExportPower', conserve: 'Conserve' });
  });
});

describe('control: portal Set', () => {
  it('maps each command to a portal mode and power', () => {
    should(portalSet(cmd({ command: 'charge', powerW: 3000 }))).deepEqual({ mode: 'ChargeBattery', powerW: 3000 });
    should(portalSet(cmd({ command: 'discharge', powerW: 2000 }))).deepEqual({ mode: 'DischargeBattery', powerW: 2000 });
    should(portalSet(cmd({ command: 'import', powerW: 1000 }))).deepEqual({ mode: 'ImportPower', powerW: 1000 });
    should(portalSet(cmd({ command: 'export', powerW: 500 }))).deepEqual({ mode: 'ExportPower', powerW: 500 });
    should(portalSet(cmd('conserve'))).deepEqual({ mode: 'Conserve', powerW: 0 });
    should(portalSet(cmd('auto'))).deepEqual({ mode: 'Auto', powerW: 0 });
  });

  it('refuses curtail', () => {
    should(() => portalSet(cmd('curtail'))).throw(CommandError, { message: 'curtail is not a portal command; it uses an operating envelope' });
  });
});

describe('control: operating envelopes', () => {
  it('builds the curtail envelope from the limits', () => {
    const c = cmd({ command: 'curtail', exportLimitW: 0, durationMinutes: 30 });
    should(envelopeRequest(c, 'S1234123412341', limitsFromStatic(STATIC_FIXTURE, SERIAL), 'node-red-redback-n1-abc123')).deepEqual({
      EventId: 'node-red-redback-n1-abc123',
      MaxImportPowerW: 10000, MaxExportPowerW: 0, MaxDischargePowerW: 10000, MaxChargePowerW: 10000, MaxGenerationPowerVA: 10000,
      StartAtUtc: '2026-01-15T02:00:00Z', EndAtUtc: '2026-01-15T02:30:00Z', SiteId: 'S1234123412341',
    });
  });

  it('takes each ceiling from its own limit, 10000 where unknown', () => {
    const c = cmd({ command: 'curtail', exportLimitW: 1500, durationMinutes: 1440, startAt: '2026-01-16T00:00:00+10:00' });
    should(envelopeRequest(c, 'S1', SMALL, 'e1')).deepEqual({
      EventId: 'e1', MaxImportPowerW: 6000, MaxExportPowerW: 1500, MaxDischargePowerW: 5000, MaxChargePowerW: 4600, MaxGenerationPowerVA: 10000,
      StartAtUtc: '2026-01-15T14:00:00Z', EndAtUtc: '2026-01-16T14:00:00Z', SiteId: 'S1',
    });
    should(envelopeRequest(c, 'S1', NO_LIMITS, 'e1')).containDeep({ MaxImportPowerW: 10000, MaxDischargePowerW: 10000, MaxChargePowerW: 10000, MaxGenerationPowerVA: 10000 });
  });

  it('refuses other commands, an empty site and a bad EventId', () => {
    should(() => envelopeRequest(cmd('auto'), 'S1', SMALL, 'e1')).throw(CommandError, { message: 'auto does not use an operating envelope; only curtail does' });
    should(() => envelopeRequest(cmd('curtail'), ' ', SMALL, 'e1')).throw(CommandError, { message: 'an operating envelope needs the site id' });
    should(() => envelopeRequest(cmd('curtail'), 'S1', SMALL, 'e'.repeat(129))).throw(CommandError, { message: 'an envelope EventId must be 1 to 128 characters, got 129' });
  });

  it('ends the command after its duration', () => {
    should(endAtMs(cmd({ command: 'curtail', durationMinutes: 45 }))).equal(NOW + 45 * 60_000);
  });
});

describe('control: EventIds', () => {
  it('tags the node and adds six random letters or digits', () => {
    should(newEventId('a1b2c3d4e5f60718', () => 'Zx9-q2w3e4r5')).equal('node-red-redback-a1b2c3d4e5f60718-Zx9q2w');
    should(newEventId('old.style id', () => '123456')).equal('node-red-redback-old-style-id-123456');
  });

  it('stays within 128 characters', () => {
    const id = newEventId('n'.repeat(300), () => 'abcdef');
    should(id.length).equal(128);
    should(id).startWith('node-red-redback-nnn').endWith('n-abcdef');
  });

  it('refuses a random source without six letters or digits', () => {
    should(() => newEventId('n1', () => '--ab-')).throw('newEventId: the random source gave fewer than 6 letters or digits');
  });
});

describe('control: inverter limits', () => {
  it('reads the ST10000 static fixture in watts', () => {
    should(limitsFromStatic(STATIC_FIXTURE, 'rb12341234123412')).deepEqual({
      maxChargeW: 10000, maxDischargeW: 10000, maxExportW: 10000, maxImportW: 10000, siteExportLimitW: null,
    });
  });

  it('rounds kW to whole watts and keeps unknowns null', () => {
    const view: StaticView = {
      StaticData: { Id: 'S1', SiteDetails: { BatteryMaxChargePowerkW: 4.6, BatteryMaxDischargePowerkW: 0.0004, InverterMaxExportPowerkW: null, SiteExportLimitkW: 1.5, InverterMaxImportPowerkW: -1 } },
      Nodes: [{ StaticData: { Id: 'RB1', Type: 'Inverter' } }],
    };
    should(limitsFromStatic(view, 'RB1')).deepEqual({ maxChargeW: 4600, maxDischargeW: 0, maxExportW: null, maxImportW: null, siteExportLimitW: 1500 });
    should(limitsFromStatic({ StaticData: { Id: 'S1', SiteDetails: null }, Nodes: [{ StaticData: { Id: 'RB1', Type: 'Inverter' } }] }, 'RB1')).deepEqual(NO_LIMITS);
  });

  it('refuses an inverter that is not in the view', () => {
    should(() => limitsFromStatic(STATIC_FIXTURE, 'RB999')).throw(CommandError, { message: 'inverter "RB999" is not on site S1234123412341', field: 'serial' });
    should(() => limitsFromStatic(STATIC_FIXTURE, 'HouseLoad')).throw(CommandError, { message: 'inverter "HouseLoad" is not on site S1234123412341' });
    should(() => limitsFromStatic({ StaticData: { Id: 'S1' }, Nodes: null }, 'RB1')).throw(CommandError, { message: 'inverter "RB1" is not on site S1' });
  });

  it('checks power against the limit for each command', () => {
    const cases: [unknown, string][] = [
      [{ command: 'charge', powerW: 4601 }, "powerW 4601 is above the inverter's maximum charge power of 4600 W"],
      [{ command: 'discharge', powerW: 5001 }, "powerW 5001 is above the inverter's maximum discharge power of 5000 W"],
      [{ command: 'import', powerW: 6001 }, "powerW 6001 is above the inverter's maximum import power of 6000 W"],
      [{ command: 'export', powerW: 5001 }, "powerW 5001 is above the inverter's maximum export power of 5000 W"],
      [{ command: 'curtail', exportLimitW: 3001 }, "exportLimitW 3001 is above the site's export limit of 3000 W"],
    ];
    for (const [payload, message] of cases) {
      const err = limitError(cmd(payload), SMALL);
      should(err.message).equal(message);
    }
    for (const payload of [{ command: 'charge', powerW: 4600 }, { command: 'discharge', powerW: 5000 }, { command: 'import', powerW: 6000 }, { command: 'export', powerW: 0 }, { command: 'curtail', exportLimitW: 3000 }, 'conserve', 'auto']) {
      should(() => checkLimits(cmd(payload), SMALL)).not.throw();
    }
  });

  it('uses 10000 W where the cloud reports no limit', () => {
    for (const command of ['charge', 'discharge', 'import', 'export']) {
      should(() => checkLimits(cmd({ command, powerW: 10000 }), NO_LIMITS)).not.throw();
      should(limitError(cmd({ command, powerW: 10001 }), NO_LIMITS).message).match(/^powerW 10001 is above the default maximum \w+ power of 10000 W \(the cloud reports no limit\)$/);
    }
    should(limitError(cmd({ command: 'charge', powerW: 12000 }), limitsFromStatic(STATIC_FIXTURE, SERIAL)).message).equal("powerW 12000 is above the inverter's maximum charge power of 10000 W");
  });

  it('caps curtail by the site limit, else the inverter export limit, else 10000 W', () => {
    const noSite = { ...SMALL, siteExportLimitW: null };
    should(limitError(cmd({ command: 'curtail', exportLimitW: 5001 }), noSite).message).equal("exportLimitW 5001 is above the inverter's maximum export power of 5000 W");
    should(limitError(cmd({ command: 'curtail', exportLimitW: 10001 }), NO_LIMITS).message).equal('exportLimitW 10001 is above the default maximum export power of 10000 W (the cloud reports no limit)');
    should(() => checkLimits(cmd({ command: 'curtail', exportLimitW: 10000 }), NO_LIMITS)).not.throw();
  });

  it('refuses a power command with no power even when built by hand', () => {
    const err = limitError({ ...cmd('conserve'), command: 'discharge' } as unknown as ControlCommand, SMALL);
    should(err.message).equal('powerW is required for discharge');
  });
});
