/**
 * The load/PV profile by time of day and the flow's own forecast. The learning test feeds real
 * half-hours of the Ausgrid household in data/pricing (customer 12; CC BY 4.0, see
 * data/pricing/SOURCES.md), rows timestamped at the start of the half hour, local NSW time.
 */
import should from 'should';
import fs from 'fs';
import path from 'path';
import {
  PlanInputError, chooseForecast, SLOTS, learnReading, newProfile, parseFlowForecast, profileForecast, restoreProfile, type LoadPvProfile,
} from '../../src/plan-mode';
import { thrown } from '../helpers/errors';

const ZONE = 'Australia/Brisbane'; // UTC+10 all year: readings are easy to place
const at = (hhmm: string, day = 15) => `2026-01-${String(day).padStart(2, '0')}T${hhmm}:00+10:00`;

function ausgridDays(days: number): { hhmm: string; day: number; loadW: number; pvW: number }[] {
  const rows = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'pricing', 'ausgrid_customer12_2011-2012.csv'), 'utf8').split(/\r?\n/).slice(1, 1 + days * 48);
  return rows.map((line, i) => {
    const [stamp, gc, gg] = line.split(',');
    return { hhmm: stamp.slice(11, 16), day: 1 + Math.floor(i / 48), loadW: Number(gc) * 2000, pvW: Number(gg) * 2000 };
  });
}

function forecastAt(profile: LoadPvProfile, hhmm: string) {
  return profileForecast(profile, Date.parse(at(hhmm)), 0.5)[0];
}

describe('plan mode: load and PV profile', () => {
  it('starts flat: 500 W load, no PV, in half hours that cover the next 24 h', () => {
    const f = profileForecast(newProfile(ZONE), Date.parse(at('14:10')));
    should(f).have.length(49);
    should(Date.parse(f[48].end)).be.aboveOrEqual(Date.parse(at('14:10')) + 24 * 3_600_000);
    should(f[0]).eql({ start: '2026-01-15T04:00:00Z', end: '2026-01-15T04:30:00Z', loadW: 500, pvW: 0 });
    should(f.every((s) => s.loadW === 500 && s.pvW === 0)).be.true();
  });

  it('learns a reading into its half hour only, and keeps the input unchanged', () => {
    const p0 = newProfile(ZONE);
    const p1 = learnReading(p0, { timestamp: at('12:10'), pvPowerW: 4200, loadPowerW: 800 });
    should(p0.slots[24]).eql({ loadW: 500, pvW: 0, loadN: 0, pvN: 0 });
    should(forecastAt(p1, '12:00')).have.properties({ loadW: 800, pvW: 4200 });
    should(forecastAt(p1, '12:30')).have.properties({ loadW: 500, pvW: 0 });
    const p2 = learnReading(p1, { timestamp: at('12:20'), pvPowerW: 3800, loadPowerW: 600 });
    should(forecastAt(p2, '12:00')).have.properties({ loadW: 700, pvW: 4000 });
  });

  it('ignores a missing power (never 0), a missing time and a reading not newer than the last', () => {
    let p = learnReading(newProfile(ZONE), { timestamp: at('09:00'), pvPowerW: null, loadPowerW: 900 });
    should(forecastAt(p, '09:00')).have.properties({ loadW: 900, pvW: 0 });
    should(p.slots[18].pvN).equal(0);
    p = learnReading(p, { timestamp: at('09:05'), pvPowerW: 2000, loadPowerW: null });
    should(forecastAt(p, '09:00')).have.properties({ loadW: 900, pvW: 2000 });
    should(learnReading(p, { timestamp: null, pvPowerW: 1, loadPowerW: 1 })).equal(p);
    should(learnReading(p, { timestamp: at('09:05'), pvPowerW: 1, loadPowerW: 1 })).equal(p);
    should(learnReading(p, { timestamp: at('08:00'), pvPowerW: 1, loadPowerW: 1 })).equal(p);
  });

  it('slots readings by local time in its zone', () => {
    const sydney = learnReading(newProfile('Australia/Sydney'), { timestamp: '2026-01-15T02:10:00Z', pvPowerW: 1000, loadPowerW: 100 });
    // 02:10Z is 13:10 in Sydney in January (daylight saving).
    should(sydney.slots[26]).have.properties({ pvW: 1000, loadW: 100 });
  });

  it('learns a real household: a week of Ausgrid half-hours gives its shape by time of day', () => {
    const days = ausgridDays(7);
    let p = newProfile(ZONE);
    for (const r of days) p = learnReading(p, { timestamp: at(r.hhmm, r.day), pvPowerW: r.pvW, loadPowerW: r.loadW });
    const meanOf = (hhmm: string, key: 'loadW' | 'pvW') => {
      const xs = days.filter((d) => d.hhmm === hhmm).map((d) => d[key]);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    for (const hhmm of ['03:00', '12:00', '18:30']) {
      should(forecastAt(p, hhmm).loadW).be.approximately(meanOf(hhmm, 'loadW'), 1);
      should(forecastAt(p, hhmm).pvW).be.approximately(meanOf(hhmm, 'pvW'), 1);
    }
    should(forecastAt(p, '12:00').pvW).be.above(forecastAt(p, '03:00').pvW);
  });

  it('stays the same size however long it runs, and round-trips through JSON', () => {
    let p = newProfile(ZONE);
    const start = Date.parse(at('00:00', 1));
    for (let k = 0; k < 30 * 24 * 12; k++) p = learnReading(p, { timestamp: new Date(start + k * 300_000).toISOString(), pvPowerW: k % 7, loadPowerW: 300 + (k % 11) });
    should(p.slots).have.length(SLOTS);
    const json = JSON.stringify(p);
    should(json.length).be.below(6000);
    const back = restoreProfile(JSON.parse(json), ZONE);
    should(back.reset).be.null();
    should(back.profile).eql(p);
  });

  it('starts afresh, saying why, from a damaged, older or other-zone profile', () => {
    should(restoreProfile(undefined, ZONE)).eql({ profile: newProfile(ZONE), reset: null });
    should(restoreProfile('junk', ZONE).reset).match(/not an object/);
    should(restoreProfile({ ...newProfile(ZONE), version: 0 }, ZONE).reset).match(/version 0/);
    should(restoreProfile(newProfile('Australia/Perth'), ZONE).reset).match(/time zone "Australia\/Perth"/);
    const damaged = newProfile(ZONE);
    (damaged.slots[5] as unknown as Record<string, unknown>).loadW = 'x';
    should(restoreProfile(damaged, ZONE).reset).match(/slot 5/);
    should(restoreProfile({ ...newProfile(ZONE), slots: [] }, ZONE).reset).match(/48 slots/);
  });
});

describe('plan mode: msg.forecast from the flow', () => {
  it('takes [{start, end, loadW, pvW}] and normalises the times', () => {
    should(parseFlowForecast([{ start: '2026-01-15T14:00:00+10:00', end: '2026-01-15T14:30:00+10:00', loadW: 650, pvW: 3100 }])).eql(
      [{ start: '2026-01-15T04:00:00Z', end: '2026-01-15T04:30:00Z', loadW: 650, pvW: 3100 }]);
  });

  const slot = { start: '2026-01-15T04:00:00Z', end: '2026-01-15T04:30:00Z', loadW: 500, pvW: 0 };
  const bad: [string, unknown, string, RegExp][] = [
    ['not a list', { loadW: 1 }, 'msg.forecast', /must be a list/],
    ['an empty list', [], 'msg.forecast', /is empty/],
    ['an entry that is not an object', [slot, 5], 'msg.forecast[1]', /must be an object/],
    ['a start without zone', [{ ...slot, start: '2026-01-15T04:00:00' }], 'msg.forecast[0].start', /ISO time with a zone/],
    ['an end before the start', [{ ...slot, end: '2026-01-15T03:00:00Z' }], 'msg.forecast[0].end', /after its start/],
    ['a negative load', [slot, { ...slot, loadW: -1 }], 'msg.forecast[1].loadW', /0 or more/],
    ['a PV power as text', [{ ...slot, pvW: '300' }], 'msg.forecast[0].pvW', /number of watts/],
    ['too many entries', Array.from({ length: 4001 }, () => slot), 'msg.forecast', /more than 4000/],
  ];
  for (const [what, value, field, message] of bad) {
    it(`refuses ${what}, naming ${field}`, () => {
      const err = thrown(() => parseFlowForecast(value), PlanInputError);
      should(err.field).equal(field);
      should(err.message).match(message);
    });
  }
});

describe('plan mode: which forecast the planner gets', () => {
  const now = Date.parse('2026-01-15T04:10:00Z');
  it('uses msg.forecast when the flow gives one, else the profile', () => {
    const given = [{ start: '2026-01-15T04:00:00Z', end: '2026-01-15T05:00:00Z', loadW: 900, pvW: 100 }];
    should(chooseForecast(given, newProfile(ZONE), now)).eql({ forecast: given, source: 'flow' });
    const learnt = chooseForecast(undefined, newProfile(ZONE), now, 1);
    should(learnt.source).equal('profile');
    should(learnt.forecast).have.length(3);
  });

  it('refuses a malformed msg.forecast rather than falling back to the profile', () => {
    should(() => chooseForecast([{ start: 'x' }], newProfile(ZONE), now)).throw(PlanInputError, { field: 'msg.forecast[0].start' });
  });
});
