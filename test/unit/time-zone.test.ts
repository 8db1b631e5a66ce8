import should from 'should';
import { parseTimeZone } from '../../src/model/time-zone';
import { rejection } from '../helpers/errors';

describe('the read node time zone setting', () => {
  it('takes an IANA zone (trimmed, in its canonical spelling), and empty for the host zone', () => {
    should(parseTimeZone('Australia/Brisbane')).equal('Australia/Brisbane');
    should(parseTimeZone('  australia/adelaide ')).equal('Australia/Adelaide');
    should(parseTimeZone('UTC')).equal('UTC');
    for (const empty of ['', '   ', undefined, null]) should(parseTimeZone(empty)).be.undefined();
  });

  it('refuses anything else with a config error that says what it wants, cutting long input short', async () => {
    for (const bad of ['Brisbane', 'Mars/Olympus_Mons', 'GMT+25', 42, 'x'.repeat(500)]) {
      const err = await rejection(Promise.resolve().then(() => parseTimeZone(bad)));
      should(err).have.properties({ kind: 'config' });
      should(err.message).match(/is not an IANA time zone such as Australia\/Brisbane/);
      should(err.message.length).be.below(200);
    }
  });
});
