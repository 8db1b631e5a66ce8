/** The control node's settings, checked at deploy (issue 15): one test per bad setting. */
import should from 'should';
import { parseControlSettings, SettingsError, type ControlNodeConfig } from '../../src/control/settings';
import { thrown } from '../helpers/errors';

const random = (): string => 'abcdef0123';
const GOOD: ControlNodeConfig = {
  serial: '', method: 'schedule', durationMinutes: 30, dryRun: false, pricePolicy: true, chargeBelow: '10', dischargeAbove: '',
  dischargeMinSoc: '20', curtailWhenFeedInFree: true, pricePowerW: '5000', actOnEstimates: false, priceSource: 'amber', haIntervalMinutes: 30,
};

const refused = (change: ControlNodeConfig): SettingsError => thrown(() => parseControlSettings({ ...GOOD, ...change }, 'ctl', random), SettingsError, JSON.stringify(change));

describe('control: node settings checked at deploy', () => {
  it('reads the editor\'s text fields into numbers, with the defaults for empty ones', () => {
    const s = parseControlSettings({ ...GOOD, serial: ' rb21081800001734 ', durationMinutes: '', dischargeMinSoc: '', haIntervalMinutes: '5', priceSource: 'homeassistant' }, 'ctl', random);
    should(s).have.properties({ nodeId: 'ctl', serial: 'rb21081800001734', method: 'schedule', dryRun: false, durationMinutes: 30 });
    should(s.prices).eql({
      chargeBelowCents: 10, dischargeAboveCents: null, dischargeMinSocPct: 20, curtailWhenFeedInFree: true, powerW: 5000,
      actOnEstimates: false, source: 'homeassistant', haIntervalMinutes: 5,
    });
    should(parseControlSettings({ ...GOOD, pricePolicy: false, pricePowerW: 'junk' }, 'ctl', random).prices).be.null();
  });

  const cases: [string, ControlNodeConfig, string, RegExp][] = [
    ['a serial with a space', { serial: 'RB21 0818' }, 'serial', /^the inverter setting must be empty .* got "RB21 0818"$/],
    ['a serial that is a number', { serial: 42 }, 'serial', /got 42$/],
    ['an unknown method', { method: 'modbus' }, 'method', /^the method setting must be schedule or portal, got "modbus"$/],
    ['a duration of 0', { durationMinutes: '0' }, 'durationMinutes', /from 1 to 1440, got "0"$/],
    ['a duration of 2000', { durationMinutes: 2000 }, 'durationMinutes', /got 2000$/],
    ['a fractional duration', { durationMinutes: '1.5' }, 'durationMinutes', /got "1.5"$/],
    ['a duration that is text', { durationMinutes: 'half an hour' }, 'durationMinutes', /got "half an hour"$/],
    ['a charge price that is text', { chargeBelow: 'cheap' }, 'chargeBelow', /^the charge below setting must be a price in c\/kWh .* got "cheap"$/],
    ['a discharge price beyond 100000', { dischargeAbove: '1e9' }, 'dischargeAbove', /got "1e9"$/],
    ['a minimum SoC of 101', { dischargeMinSoc: '101' }, 'dischargeMinSoc', /^the minimum SoC setting must be from 0 to 100 %, got "101"$/],
    ['a minimum SoC that is text', { dischargeMinSoc: 'low' }, 'dischargeMinSoc', /got "low"$/],
    ['a price power of 0', { pricePowerW: '0' }, 'pricePowerW', /^the power setting must be a whole number of watts, 1 or more, got "0"$/],
    ['an empty price power', { pricePowerW: '' }, 'pricePowerW', /got ""$/],
    ['a fractional price power', { pricePowerW: 2.5 }, 'pricePowerW', /got 2.5$/],
    ['an unknown price source', { priceSource: 'octopus' }, 'priceSource', /^the price source setting must be amber or homeassistant, got "octopus"$/],
    ['a price interval of 10 minutes', { haIntervalMinutes: '10' }, 'haIntervalMinutes', /^the price interval setting must be 5, 15, 30 minutes, got "10"$/],
  ];
  for (const [title, change, setting, message] of cases) {
    it(`refuses ${title}`, () => {
      const err = refused(change);
      should(err.setting).equal(setting);
      should(err.message).match(message);
    });
  }
});
