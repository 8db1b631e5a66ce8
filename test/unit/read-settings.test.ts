import should from 'should';
import { isRedbackError } from '../../src/http/errors';
import { MAX_INTERVAL_S, MIN_INTERVAL_S, readSettings, ReadSettingError } from '../../src/read/settings';
import { thrown } from '../helpers/errors';

/** The error readSettings throws for `input`. */
function refusal(input: Parameters<typeof readSettings>[0]): ReadSettingError {
  const err = thrown(() => readSettings(input), ReadSettingError);
  should(isRedbackError(err) && err.kind).equal('config');
  return err;
}

describe('read node settings', () => {
  it('empty settings: every site and inverter, every 60 s, the host\'s time zone', () => {
    should(readSettings({})).eql({ selection: { site: '', serial: '' }, intervalMs: 60_000, timeZone: undefined });
    should(readSettings({ site: '', serial: '', interval: '', timeZone: '' })).eql({ selection: { site: '', serial: '' }, intervalMs: 60_000, timeZone: undefined });
  });

  it('keeps a site, a serial (trimmed), an interval as a number or the editor\'s text, and an IANA zone', () => {
    should(readSettings({ site: ' S4b1e7c20d93a5 ', serial: 'RB21081800001734', interval: '30', timeZone: ' Australia/Brisbane ' })).eql({
      selection: { site: 'S4b1e7c20d93a5', serial: 'RB21081800001734' }, intervalMs: 30_000, timeZone: 'Australia/Brisbane',
    });
    should(readSettings({ interval: 120 }).intervalMs).equal(120_000);
  });

  it('brings an interval outside 10..86,400 s inside (a timer cannot hold more than 24.8 days)', () => {
    should(readSettings({ interval: 5 }).intervalMs).equal(MIN_INTERVAL_S * 1000);
    should(readSettings({ interval: -60 }).intervalMs).equal(MIN_INTERVAL_S * 1000);
    should(readSettings({ interval: 3_000_000 }).intervalMs).equal(MAX_INTERVAL_S * 1000);
  });

  describe('refuses at deploy', () => {
    it('an interval that is not a number', () => {
      for (const interval of ['abc', '12s', 'Infinity', NaN, {}, [5], true]) {
        const err = refusal({ interval });
        should(err.statusText).equal('invalid interval');
        should(err.message).match(/^the poll interval .* is not a number of seconds \(10 to 86400\)$/);
      }
    });

    it('a site id that could not be one (it goes into request paths)', () => {
      for (const site of ['S1/../Dynamic', 'S1 S2', 'S1?x=1', 'x'.repeat(65)]) {
        const err = refusal({ site });
        should(err.statusText).equal('invalid site');
        should(err.message).match(/is not a Redback site id/);
      }
      should(refusal({ site: { id: 'S1' } }).message).equal('the site setting is not text');
    });

    it('a serial that could not be one', () => {
      for (const serial of ['RB1/2', 'RB1%2F', 'RB 1']) {
        const err = refusal({ serial });
        should(err.statusText).equal('invalid inverter serial');
        should(err.message).match(/is not a Redback serial/);
      }
      should(refusal({ serial: ['RB1'] }).statusText).equal('invalid inverter serial');
    });

    it('a time zone Intl does not know', () => {
      const err = refusal({ timeZone: 'Australia/Atlantis' });
      should(err.statusText).equal('invalid time zone');
      should(err.message).match(/the time zone "Australia\/Atlantis" is not an IANA time zone/);
    });

    it('shortens a long bad value in the message', () => {
      should(refusal({ interval: 'x'.repeat(500) }).message.length).be.below(120);
    });
  });
});
