/**
 * Energy since local midnight / the start of the month / the start of the year, from the lifetime
 * counters (issue 4). Instants are UTC literals; the comment beside each gives the local time.
 *
 * Brisbane is UTC+10 all year. Adelaide is UTC+10:30 in summer (ACDT, to the first Sunday of
 * April) and UTC+9:30 in winter. Sydney is UTC+11 in summer (AEDT) and UTC+10 in winter (AEST):
 * summer time ends 2026-04-05 03:00 AEDT (a 25-hour day) and starts 2026-10-04 02:00 AEST (a
 * 23-hour day).
 */
import should from 'should';
import {
  isEnergyPeriodState, periodKeys, updateEnergyPeriods, type EnergyPeriodResult, type EnergyPeriodState,
} from '../../src/model/energy-periods';
import { ENERGY_KEYS, type EnergyTotals } from '../../src/model/payloads';

const BRISBANE = 'Australia/Brisbane';
const ADELAIDE = 'Australia/Adelaide';
const SYDNEY = 'Australia/Sydney';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

/** Lifetime totals: every counter given (unlisted ones are null). */
function lifetime(values: Partial<EnergyTotals>): EnergyTotals {
  return {
    pvKWh: null, loadKWh: null, gridImportKWh: null, gridExportKWh: null, batteryChargeKWh: null, batteryDischargeKWh: null,
    ...values,
  };
}

/** All six counters from one base value (pv = base, load = base + 1000, ...), to check they move independently. */
function allSix(pv: number, load: number, imp: number, exp: number, chg: number, dis: number): EnergyTotals {
  return { pvKWh: pv, loadKWh: load, gridImportKWh: imp, gridExportKWh: exp, batteryChargeKWh: chg, batteryDischargeKWh: dis };
}

const zeros: EnergyTotals = allSix(0, 0, 0, 0, 0, 0);

/** Feeds readings in order, carrying the state like the node does. Returns every result. */
function run(timeZone: string, readings: [string, EnergyTotals][], start?: EnergyPeriodState): EnergyPeriodResult[] {
  let state = start;
  return readings.map(([iso, totals]) => {
    const result = updateEnergyPeriods(state, totals, at(iso), timeZone);
    state = result.state;
    return result;
  });
}

describe('energy periods: calendar keys', () => {
  it('are the local date in the given time zone, not the UTC date', () => {
    // 2026-03-14T13:59:59Z = 23:59:59 AEST 14 March; 14:00Z = 00:00 15 March
    should(periodKeys(at('2026-03-14T13:59:59Z'), BRISBANE)).eql({ day: '2026-03-14', month: '2026-03', year: '2026' });
    should(periodKeys(at('2026-03-14T14:00:00Z'), BRISBANE)).eql({ day: '2026-03-15', month: '2026-03', year: '2026' });
    // Adelaide in March is UTC+10:30: 13:29:59Z = 23:59:59 ACDT, 13:30Z = 00:00 15 March
    should(periodKeys(at('2026-03-14T13:29:59Z'), ADELAIDE).day).equal('2026-03-14');
    should(periodKeys(at('2026-03-14T13:30:00Z'), ADELAIDE).day).equal('2026-03-15');
    // Adelaide in July is UTC+9:30: 14:29:59Z = 23:59:59 ACST 30 June, 14:30Z = 00:00 1 July
    should(periodKeys(at('2026-06-30T14:29:59Z'), ADELAIDE)).eql({ day: '2026-06-30', month: '2026-06', year: '2026' });
    should(periodKeys(at('2026-06-30T14:30:00Z'), ADELAIDE)).eql({ day: '2026-07-01', month: '2026-07', year: '2026' });
    // new year in Brisbane while it is still 31 December in UTC
    should(periodKeys(at('2026-12-31T14:00:00Z'), BRISBANE)).eql({ day: '2027-01-01', month: '2027-01', year: '2027' });
  });

  it('follow Sydney summer time on the days it ends and starts', () => {
    // 5 April 2026 (25 h): starts 00:00 AEDT = 4 April 13:00Z, ends 00:00 AEST 6 April = 5 April 14:00Z
    should(periodKeys(at('2026-04-04T12:59:59Z'), SYDNEY).day).equal('2026-04-04');
    should(periodKeys(at('2026-04-04T13:00:00Z'), SYDNEY).day).equal('2026-04-05');
    should(periodKeys(at('2026-04-05T13:59:59Z'), SYDNEY).day).equal('2026-04-05');
    should(periodKeys(at('2026-04-05T14:00:00Z'), SYDNEY).day).equal('2026-04-06');
    // 4 October 2026 (23 h): starts 00:00 AEST = 3 October 14:00Z, ends 00:00 AEDT 5 October = 4 October 13:00Z
    should(periodKeys(at('2026-10-03T13:59:59Z'), SYDNEY).day).equal('2026-10-03');
    should(periodKeys(at('2026-10-03T14:00:00Z'), SYDNEY).day).equal('2026-10-04');
    should(periodKeys(at('2026-10-04T12:59:59Z'), SYDNEY).day).equal('2026-10-04');
    should(periodKeys(at('2026-10-04T13:00:00Z'), SYDNEY).day).equal('2026-10-05');
  });
});

describe('energy periods: accumulating', () => {
  it('the first reading gives 0 for each period and each reported counter', () => {
    const [first] = run(BRISBANE, [['2026-03-14T00:00:00Z', allSix(5413.9, 3157.7, 175.108, 2612.829, 8856.1, 8235.3)]]);
    should(first.today).eql(zeros);
    should(first.month).eql(zeros);
    should(first.year).eql(zeros);
    should(first.counterReset).be.false();
    should(first.state.day.key).equal('2026-03-14'); // 10:00 AEST
    should(first.state.month.key).equal('2026-03');
    should(first.state.year.key).equal('2026');
    should(first.state.last).eql({
      pvKWh: 5413.9, loadKWh: 3157.7, gridImportKWh: 175.108, gridExportKWh: 2612.829, batteryChargeKWh: 8856.1, batteryDischargeKWh: 8235.3,
    });
  });

  it('adds the growth of each counter since the previous reading, each counter on its own', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', allSix(5413.9, 3157.7, 175.108, 2612.829, 8856.1, 8235.3)], // 10:00
      ['2026-03-14T00:01:00Z', allSix(5414.0, 3157.75, 175.108, 2612.9, 8856.1, 8235.35)], // 10:01
      ['2026-03-14T02:00:00Z', allSix(5416.15, 3158.0, 175.2, 2614.0, 8857.0, 8235.35)], // 12:00
    ]);
    // second: pv 5414.0 - 5413.9 = 0.1; load 0.05; import 0; export 2612.9 - 2612.829 = 0.071; charge 0; discharge 0.05
    should(results[1].today).eql(allSix(0.1, 0.05, 0, 0.071, 0, 0.05));
    // third: pv 0.1 + 2.15 = 2.25; load 0.05 + 0.25 = 0.3; import 0 + 0.092 = 0.092;
    //        export 0.071 + 1.1 = 1.171; charge 0 + 0.9 = 0.9; discharge 0.05 + 0 = 0.05
    const expected = allSix(2.25, 0.3, 0.092, 1.171, 0.9, 0.05);
    should(results[2].today).eql(expected);
    should(results[2].month).eql(expected);
    should(results[2].year).eql(expected);
    for (const r of results) should(r.counterReset).be.false();
  });

  it('does not change the state it was given (a context store may hand back the same object)', () => {
    const [first] = run(BRISBANE, [['2026-03-14T00:00:00Z', lifetime({ pvKWh: 100 })]]);
    const before = JSON.stringify(first.state);
    updateEnergyPeriods(first.state, lifetime({ pvKWh: 101 }), at('2026-03-14T14:30:00Z'), BRISBANE); // next day, +1
    should(JSON.stringify(first.state)).equal(before);
  });
});

describe('energy periods: local midnight, month and year', () => {
  it('a reading after local midnight starts the day at the growth since the last reading; month and year go on (Brisbane)', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', lifetime({ pvKWh: 190 })], // 14 Mar 10:00
      ['2026-03-14T13:59:00Z', lifetime({ pvKWh: 200 })], // 14 Mar 23:59
      ['2026-03-14T14:01:00Z', lifetime({ pvKWh: 200.3 })], // 15 Mar 00:01
      ['2026-03-14T23:00:00Z', lifetime({ pvKWh: 204.3 })], // 15 Mar 09:00
    ]);
    should(results[1].today.pvKWh).equal(10); // 200 - 190
    should(results[2].today.pvKWh).equal(0.3); // new day: 200.3 - 200
    should(results[2].month.pvKWh).equal(10.3); // 10 + 0.3
    should(results[2].year.pvKWh).equal(10.3);
    should(results[2].state.day.key).equal('2026-03-15');
    should(results[3].today.pvKWh).equal(4.3); // 0.3 + 4
    should(results[3].month.pvKWh).equal(14.3); // 10.3 + 4
  });

  it('the same instants fall on different days in Brisbane and Adelaide', () => {
    const readings: [string, EnergyTotals][] = [
      ['2026-03-14T12:00:00Z', lifetime({ pvKWh: 100 })], // Brisbane 22:00, Adelaide 22:30
      ['2026-03-14T13:20:00Z', lifetime({ pvKWh: 100.2 })], // Brisbane 23:20, Adelaide 23:50
      ['2026-03-14T13:45:00Z', lifetime({ pvKWh: 100.5 })], // Brisbane 23:45, Adelaide 00:15 on the 15th
    ];
    const brisbane = run(BRISBANE, readings)[2];
    const adelaide = run(ADELAIDE, readings)[2];
    should(brisbane.today.pvKWh).equal(0.5); // 100.5 - 100, still the 14th
    should(adelaide.today.pvKWh).equal(0.3); // 100.5 - 100.2, the 15th has begun
    should(brisbane.month.pvKWh).equal(0.5);
    should(adelaide.month.pvKWh).equal(0.5);
    should(brisbane.state.day.key).equal('2026-03-14');
    should(adelaide.state.day.key).equal('2026-03-15');
  });

  it('a new month starts the month again and the year goes on (Adelaide, summer time)', () => {
    const results = run(ADELAIDE, [
      ['2026-01-31T13:00:00Z', lifetime({ pvKWh: 300, loadKWh: 50 })], // 31 Jan 23:30 ACDT
      ['2026-01-31T13:25:00Z', lifetime({ pvKWh: 300.4, loadKWh: 50.1 })], // 31 Jan 23:55
      ['2026-01-31T13:35:00Z', lifetime({ pvKWh: 300.9, loadKWh: 50.3 })], // 1 Feb 00:05
    ]);
    should(results[1].month).eql(lifetime({ pvKWh: 0.4, loadKWh: 0.1 }));
    // pv 300.9 - 300.4 = 0.5, load 50.3 - 50.1 = 0.2
    should(results[2].today).eql(lifetime({ pvKWh: 0.5, loadKWh: 0.2 }));
    should(results[2].month).eql(lifetime({ pvKWh: 0.5, loadKWh: 0.2 }));
    // year: 0.4 + 0.5 = 0.9, 0.1 + 0.2 = 0.3
    should(results[2].year).eql(lifetime({ pvKWh: 0.9, loadKWh: 0.3 }));
    should(results[2].state.month.key).equal('2026-02');
    should(results[2].state.year.key).equal('2026');
  });

  it('a new month in Adelaide winter time (UTC+9:30) starts at 14:30Z', () => {
    const results = run(ADELAIDE, [
      ['2026-06-30T14:00:00Z', lifetime({ pvKWh: 10 })], // 30 Jun 23:30 ACST
      ['2026-06-30T14:25:00Z', lifetime({ pvKWh: 10.25 })], // 30 Jun 23:55: still June
      ['2026-06-30T14:35:00Z', lifetime({ pvKWh: 10.75 })], // 1 Jul 00:05
    ]);
    should(results[1].month.pvKWh).equal(0.25);
    should(results[2].month.pvKWh).equal(0.5); // 10.75 - 10.25
    should(results[2].year.pvKWh).equal(0.75); // 0.25 + 0.5
  });

  it('a new year starts day, month and year again (Brisbane, while it is still 31 December in UTC)', () => {
    const results = run(BRISBANE, [
      ['2026-12-31T13:50:00Z', lifetime({ pvKWh: 500 })], // 31 Dec 23:50
      ['2026-12-31T13:58:00Z', lifetime({ pvKWh: 500.2 })], // 31 Dec 23:58
      ['2026-12-31T14:03:00Z', lifetime({ pvKWh: 500.7 })], // 1 Jan 2027 00:03
    ]);
    should(results[1].year.pvKWh).equal(0.2);
    // 500.7 - 500.2 = 0.5 in every period
    should(results[2].today.pvKWh).equal(0.5);
    should(results[2].month.pvKWh).equal(0.5);
    should(results[2].year.pvKWh).equal(0.5);
    should(results[2].state.day.key).equal('2027-01-01');
    should(results[2].state.month.key).equal('2027-01');
    should(results[2].state.year.key).equal('2027');
  });

  it('Sydney 5 April 2026 (summer time ends, a 25-hour day) is one day', () => {
    const results = run(SYDNEY, [
      ['2026-04-04T12:30:00Z', lifetime({ pvKWh: 1000 })], // 4 Apr 23:30 AEDT
      ['2026-04-04T13:30:00Z', lifetime({ pvKWh: 1000.1 })], // 5 Apr 00:30 AEDT
      ['2026-04-05T13:30:00Z', lifetime({ pvKWh: 1020 })], // 5 Apr 23:30 AEST, 24 h later and still the 5th
      ['2026-04-05T14:10:00Z', lifetime({ pvKWh: 1020.2 })], // 6 Apr 00:10 AEST
    ]);
    should(results[1].today.pvKWh).equal(0.1); // new day: 1000.1 - 1000
    should(results[2].today.pvKWh).equal(20); // 0.1 + (1020 - 1000.1 = 19.9)
    should(results[2].state.day.key).equal('2026-04-05');
    should(results[3].today.pvKWh).equal(0.2); // new day: 1020.2 - 1020
    should(results[3].month.pvKWh).equal(20.2); // 0.1 + 19.9 + 0.2
  });

  it('Sydney 4 October 2026 (summer time starts, a 23-hour day) is one day', () => {
    const results = run(SYDNEY, [
      ['2026-10-03T13:50:00Z', lifetime({ pvKWh: 2000 })], // 3 Oct 23:50 AEST
      ['2026-10-03T14:10:00Z', lifetime({ pvKWh: 2000.1 })], // 4 Oct 00:10 AEST
      ['2026-10-04T12:50:00Z', lifetime({ pvKWh: 2015 })], // 4 Oct 23:50 AEDT, only 22 h 40 min later
      ['2026-10-04T13:10:00Z', lifetime({ pvKWh: 2015.3 })], // 5 Oct 00:10 AEDT, 23 h after 00:10 AEST
    ]);
    should(results[1].today.pvKWh).equal(0.1); // 2000.1 - 2000
    should(results[2].today.pvKWh).equal(15); // 0.1 + (2015 - 2000.1 = 14.9)
    should(results[2].state.day.key).equal('2026-10-04');
    should(results[3].today.pvKWh).equal(0.3); // new day: 2015.3 - 2015
    should(results[3].state.day.key).equal('2026-10-05');
    should(results[3].month.pvKWh).equal(15.3); // 0.1 + 14.9 + 0.3
  });
});

describe('energy periods: counter resets and missing counters', () => {
  it('a counter that goes down sets counterReset, adds nothing, and holds its growth back while it may come back', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', lifetime({ pvKWh: 100, loadKWh: 40 })],
      ['2026-03-14T00:01:00Z', lifetime({ pvKWh: 101, loadKWh: 40.5 })], // pv +1, load +0.5
      ['2026-03-14T00:02:00Z', lifetime({ pvKWh: 5, loadKWh: 41 })], // pv reset to 5; load +0.5
      ['2026-03-14T00:03:00Z', lifetime({ pvKWh: 6, loadKWh: 41.25 })], // pv 6: held back; load +0.25
    ]);
    should(results[2].counterReset).be.true();
    should(results[2].today.pvKWh).equal(1); // still 1: the drop adds nothing and is never negative
    should(results[2].month.pvKWh).equal(1);
    should(results[2].year.pvKWh).equal(1);
    should(results[2].today.loadKWh).equal(1); // 0.5 + 0.5: the other counters carry on
    should(results[2].state.last.pvKWh).equal(5);
    should(results[3].counterReset).be.false(); // only the reading that went down
    should(results[3].today.pvKWh).equal(1); // held back while the counter may still come back
    should(results[3].today.loadKWh).equal(1.25); // 1 + 0.25
  });

  it('counts from the value before the drop when a counter comes back (a false low reading)', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', lifetime({ pvKWh: 5413.9 })],
      ['2026-03-14T00:01:00Z', lifetime({ pvKWh: 0 })], // a false zero
      ['2026-03-14T00:02:00Z', lifetime({ pvKWh: 5414.2 })], // back: 5414.2 - 5413.9 = 0.3, not 5414.2
    ]);
    should(results[1].counterReset).be.true();
    should(results[1].today.pvKWh).equal(0);
    should(results[2].counterReset).be.false();
    should(results[2].today.pvKWh).equal(0.3);
    should(results[2].state.dips).be.undefined();
  });

  it('counts everything since the drop once a reset counter has stayed low for 60 readings', () => {
    const readings: [string, ReturnType<typeof lifetime>][] = [
      ['2026-03-14T00:00:00Z', lifetime({ pvKWh: 100 })],
      ['2026-03-14T00:01:00Z', lifetime({ pvKWh: 2 })], // reset to 2
    ];
    for (let i = 1; i <= 60; i++) {
      readings.push([new Date(Date.parse('2026-03-14T00:01:00Z') + i * 60_000).toISOString(), lifetime({ pvKWh: 2 + i / 10 })]);
    }
    const results = run(BRISBANE, readings);
    should(results[60].today.pvKWh).equal(0); // 59 readings after the drop: still held
    should(results[61].today.pvKWh).equal(6); // the 60th: 8 - 2 = 6 kWh since the drop
    should(results[61].state.dips).be.undefined();
  });

  it('a counter that goes to 0 is a reset too, and no figure goes negative', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', allSix(10, 10, 10, 10, 10, 10)],
      ['2026-03-14T00:01:00Z', allSix(0, 0, 0, 0, 0, 0)],
    ]);
    should(results[1].counterReset).be.true();
    should(results[1].today).eql(zeros);
    for (const r of results) for (const p of [r.today, r.month, r.year]) for (const k of ENERGY_KEYS) should(p[k]).not.be.below(0);
  });

  it('a reset on a new day starts the day at 0', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T13:00:00Z', lifetime({ pvKWh: 100 })], // 14 Mar 23:00
      ['2026-03-14T13:30:00Z', lifetime({ pvKWh: 101 })], // 23:30: +1
      ['2026-03-14T14:30:00Z', lifetime({ pvKWh: 0.5 })], // 15 Mar 00:30: reset
    ]);
    should(results[2].counterReset).be.true();
    should(results[2].today.pvKWh).equal(0);
    should(results[2].month.pvKWh).equal(1);
  });

  it('a null counter gives null for that key in every period and leaves its state alone', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', lifetime({ pvKWh: 100, loadKWh: 40 })],
      ['2026-03-14T00:01:00Z', lifetime({ pvKWh: 100.5, loadKWh: 40.5 })], // +0.5 each
      ['2026-03-14T00:02:00Z', lifetime({ pvKWh: null, loadKWh: 41 })], // pv not reported
      ['2026-03-14T00:03:00Z', lifetime({ pvKWh: 101.3, loadKWh: 41.5 })], // pv back
    ]);
    should(results[2].today.pvKWh).be.null();
    should(results[2].month.pvKWh).be.null();
    should(results[2].year.pvKWh).be.null();
    should(results[2].today.loadKWh).equal(1); // 0.5 + 0.5
    should(results[2].counterReset).be.false(); // missing is not a reset
    should(results[2].state.last.pvKWh).equal(100.5);
    should(results[2].state.day.totals.pvKWh).equal(0.5);
    // back: 0.5 + (101.3 - 100.5 = 0.8) = 1.3
    should(results[3].today.pvKWh).equal(1.3);
    should(results[3].year.pvKWh).equal(1.3);
  });

  it('a counter null from the start is null, and 0 from its first value on', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T00:00:00Z', lifetime({ pvKWh: 100 })], // battery counters null (no battery yet)
      ['2026-03-14T00:01:00Z', lifetime({ pvKWh: 100.1, batteryChargeKWh: 3 })],
      ['2026-03-14T00:02:00Z', lifetime({ pvKWh: 100.2, batteryChargeKWh: 3.4 })],
    ]);
    should(results[0].today.batteryChargeKWh).be.null();
    should(results[0].today.batteryDischargeKWh).be.null();
    should(results[1].today.batteryChargeKWh).equal(0); // first value: no growth yet
    should(results[2].today.batteryChargeKWh).equal(0.4); // 3.4 - 3
    should(results[2].today.batteryDischargeKWh).be.null();
  });

  it('a counter missing across midnight: the new day shows null, then only growth seen in it', () => {
    const results = run(BRISBANE, [
      ['2026-03-14T13:00:00Z', lifetime({ pvKWh: 100 })], // 14 Mar 23:00
      ['2026-03-14T13:30:00Z', lifetime({ pvKWh: 101 })], // 23:30: +1
      ['2026-03-14T14:10:00Z', lifetime({ pvKWh: null })], // 15 Mar 00:10
      ['2026-03-14T14:20:00Z', lifetime({ pvKWh: 101.25 })], // 00:20: +0.25 since the last value seen
    ]);
    should(results[2].today.pvKWh).be.null();
    should(results[3].today.pvKWh).equal(0.25);
    should(results[3].month.pvKWh).equal(1.25);
  });
});

describe('energy periods: the stored state', () => {
  const readings: [string, EnergyTotals][] = [
    ['2026-03-14T13:00:00Z', allSix(100, 50, 10, 20, 30, 40)], // 14 Mar 23:00 Brisbane
    ['2026-03-14T13:30:00Z', allSix(101, 50.5, 10, 20.2, 30.1, 40)],
    ['2026-03-14T14:30:00Z', allSix(102.5, 51, 10.3, 20.2, 30.1, 40.6)], // 15 Mar 00:30
    ['2026-03-14T15:30:00Z', allSix(104, 51.25, 10.3, 20.9, 30.4, 40.6)],
  ];

  it('round-trips through JSON and carries on exactly as without the trip', () => {
    const straight = run(BRISBANE, readings);
    const firstHalf = run(BRISBANE, readings.slice(0, 2));
    const restored = JSON.parse(JSON.stringify(firstHalf[1].state)) as unknown;
    should(isEnergyPeriodState(restored)).be.true();
    const secondHalf = run(BRISBANE, readings.slice(2), restored as EnergyPeriodState);
    should(secondHalf[1].today).eql(straight[3].today);
    should(secondHalf[1].month).eql(straight[3].month);
    should(secondHalf[1].year).eql(straight[3].year);
    should(secondHalf[1].state).eql(straight[3].state);
    // today on the 15th: pv 1.5 + 1.5 = 3, load 0.5 + 0.25 = 0.75, import 0.3 + 0 = 0.3,
    //                    export 0 + 0.7 = 0.7, charge 0 + 0.3 = 0.3, discharge 0.6 + 0 = 0.6
    should(straight[3].today).eql(allSix(3, 0.75, 0.3, 0.7, 0.3, 0.6));
    // month: the 14th's growth too: pv 1 + 3 = 4, load 0.5 + 0.75 = 1.25, import 0 + 0.3 = 0.3,
    //        export 0.2 + 0.7 = 0.9, charge 0.1 + 0.3 = 0.4, discharge 0 + 0.6 = 0.6
    should(straight[3].month).eql(allSix(4, 1.25, 0.3, 0.9, 0.4, 0.6));
  });

  it('isEnergyPeriodState accepts every state the module writes', () => {
    for (const r of run(BRISBANE, readings)) {
      should(isEnergyPeriodState(r.state)).be.true();
      should(isEnergyPeriodState(JSON.parse(JSON.stringify(r.state)))).be.true();
    }
    // including one written from a reading with every counter null
    const empty = updateEnergyPeriods(undefined, lifetime({}), at('2026-03-14T00:00:00Z'), BRISBANE);
    should(empty.today).eql(lifetime({}));
    should(isEnergyPeriodState(JSON.parse(JSON.stringify(empty.state)))).be.true();
  });

  it('isEnergyPeriodState rejects junk', () => {
    const good = (): Record<string, unknown> =>
      JSON.parse(JSON.stringify(run(BRISBANE, readings.slice(0, 2))[1].state)) as Record<string, unknown>;
    const broken = (change: (s: Record<string, any>) => void): unknown => {
      const s = good();
      change(s);
      return s;
    };
    const junk: [string, unknown][] = [
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
      ['a string', 'state'],
      ['an array', []],
      ['an empty object', {}],
      ['no last', broken((s) => delete s.last)],
      ['last null', broken((s) => { s.last = null; })],
      ['last an array', broken((s) => { s.last = [1, 2]; })],
      ['a last value a string', broken((s) => { s.last.pvKWh = '101'; })],
      ['a last value null', broken((s) => { s.last.pvKWh = null; })],
      ['no month', broken((s) => delete s.month)],
      ['a day that is a string', broken((s) => { s.day = '2026-03-14'; })],
      ['a numeric key', broken((s) => { s.year.key = 2026; })],
      ['totals null', broken((s) => { s.day.totals = null; })],
      ['totals an array', broken((s) => { s.month.totals = [1]; })],
      ['a total a string', broken((s) => { s.day.totals.pvKWh = '1'; })],
      ['a total null', broken((s) => { s.year.totals.loadKWh = null; })],
    ];
    should(isEnergyPeriodState(good())).be.true();
    for (const [label, value] of junk) should(isEnergyPeriodState(value)).be.false(label);
  });
});
