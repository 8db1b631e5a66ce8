import should from 'should';
import { formatTimeSpan, parseTimeSpan } from '../../src/sim/timespan';

describe('simulator TimeSpan parsing', () => {
  const MIN = 60_000;

  it('reads hh:mm:ss and d.hh:mm:ss', () => {
    should(parseTimeSpan('01:30:00')).equal(90 * MIN);
    should(parseTimeSpan('0.01:30:00')).equal(90 * MIN);
    should(parseTimeSpan('1.00:00:00')).equal(1440 * MIN);
    should(parseTimeSpan('1.01:00:00')).equal(1500 * MIN);
    should(parseTimeSpan('00:00:30.5')).equal(30_500);
    should(parseTimeSpan('23:59')).equal((23 * 60 + 59) * MIN);
  });

  it('rejects hours of 24 or more, minutes or seconds of 60 or more, and junk', () => {
    for (const bad of ['1.24:00:00', '1.25:00:00', '24:00:00', '00:60:00', '00:00:60', '', '90', 'abc', '1.2.3', '01:30:00Z']) {
      should(parseTimeSpan(bad)).equal(null, bad);
    }
  });

  it('writes what it reads back', () => {
    should(formatTimeSpan(90 * MIN)).equal('01:30:00');
    should(formatTimeSpan(1440 * MIN)).equal('1.00:00:00');
    should(formatTimeSpan(1500 * MIN)).equal('1.01:00:00');
    for (const minutes of [1, 59, 60, 1439, 1440, 2881]) {
      should(parseTimeSpan(formatTimeSpan(minutes * MIN))).equal(minutes * MIN);
    }
  });
});
