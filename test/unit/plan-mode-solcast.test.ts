/**
 * Solcast's PV forecast from Home Assistant (the Solcast integration's daily sensors, their
 * `detailedForecast` attribute: half hours `{period_start, pv_estimate10, pv_estimate,
 * pv_estimate90}` in kW, `dampening_factor` when automated dampening is on) into the plan mode's
 * load/PV slots. The sensors are built in that documented shape (test/helpers/ha-sensors.ts).
 */
import should from 'should';
import {
  chooseForecast, learnReading, newProfile, PlanInputError, profileLoadAt, solcastToForecast, isSolcastForecast,
} from '../../src/plan-mode';
import { clearDayPvKW, solcastDailySensor } from '../helpers/ha-sensors';
import { thrown } from '../helpers/errors';

const ZONE = 'Australia/Brisbane';
const HALF_HOUR = 1_800_000;
const DAY_START = Date.parse('2026-01-15T00:00:00+10:00');

const today = solcastDailySensor('sensor.solcast_pv_forecast_forecast_today', DAY_START, 6.5);
const tomorrow = solcastDailySensor('sensor.solcast_pv_forecast_forecast_tomorrow', DAY_START + 48 * HALF_HOUR, 4, { dampening: true });
const pvAt = (ms: number, peakKW: number): number => clearDayPvKW(ms, DAY_START, peakKW);

function refusal(value: unknown): PlanInputError {
  return thrown(() => solcastToForecast(value), PlanInputError);
}

describe('plan mode: Solcast through Home Assistant', () => {
  it('tells the Solcast shape from [{start, end, loadW, pvW}]', () => {
    should(isSolcastForecast({ solcast: [today] })).be.true();
    should(isSolcastForecast([{ start: 'x' }])).be.false();
    should(isSolcastForecast(undefined)).be.false();
  });

  it('turns today and tomorrow into 96 half hours in order, kW to W, with the load left to the node', () => {
    const slots = solcastToForecast({ solcast: [tomorrow, today] });
    should(slots).have.length(96);
    slots.forEach((s, i) => {
      const t = DAY_START + i * HALF_HOUR;
      should(s).eql({ start: new Date(t).toISOString().replace(/\.000Z$/, 'Z'), end: new Date(t + HALF_HOUR).toISOString().replace(/\.000Z$/, 'Z'), loadW: null, pvW: Math.round(pvAt(t, i < 48 ? 6.5 : 4) * 1000) });
    });
    should(slots[24].pvW).equal(6500); // 12:00 today
    should(slots[0].pvW).equal(0);
  });

  it('takes the attributes alone, another estimate, and a constant load', () => {
    const attrs = today.attributes;
    const slots = solcastToForecast({ solcast: [attrs], estimate: 'pv_estimate10', loadW: 750 });
    should(slots[24]).have.properties({ loadW: 750, pvW: Math.round(6.5 * 0.6 * 1000) });
    should(solcastToForecast({ solcast: [attrs], estimate: 'pv_estimate90' })[24].pvW).equal(Math.round(6.5 * 1.2 * 1000));
  });

  it('fills the load from the learnt profile, half hour by half hour, when no constant is given', () => {
    let profile = newProfile(ZONE);
    // Evenings at 18:00 (Brisbane) draw 2400 W; the rest of the day stays at the flat start.
    profile = learnReading(profile, { timestamp: '2026-01-14T08:10:00Z', pvPowerW: 300, loadPowerW: 2400 });
    const choice = chooseForecast({ solcast: [today] }, profile, Date.parse('2026-01-15T02:00:00Z'));
    should(choice.source).equal('flow');
    const six = choice.forecast.find((s) => s.start === '2026-01-15T08:00:00Z')!;
    should(six).have.properties({ loadW: 2400, pvW: Math.round(pvAt(Date.parse(six.start), 6.5) * 1000) });
    for (const s of choice.forecast) should(s.loadW).equal(profileLoadAt(profile, Date.parse(s.start)));
    should(choice.forecast.filter((s) => s.loadW !== 500).map((s) => s.start)).eql(['2026-01-15T08:00:00Z']);
    // A constant load wins over the profile.
    should(chooseForecast({ solcast: [today], loadW: 900 }, profile, DAY_START).forecast.every((s) => s.loadW === 900)).be.true();
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['no sensors', { solcast: [] }, 'msg.forecast.solcast', /must list the Solcast forecast sensors/],
    ['a sensor without detailedForecast', { solcast: [{ state: '12.3', attributes: {} }] }, 'msg.forecast.solcast[0].attributes.detailedForecast', /enable the detailed forecast/],
    ['a period without a zone', { solcast: [{ detailedForecast: [{ period_start: '2026-01-15T08:00:00', pv_estimate: 1 }] }] },
      'msg.forecast.solcast[0].detailedForecast[0].period_start', /ISO time with a zone/],
    ['a PV estimate as text', { solcast: [{ detailedForecast: [{ period_start: '2026-01-15T08:00:00+10:00', pv_estimate: '1.2' }] }] },
      'msg.forecast.solcast[0].detailedForecast[0].pv_estimate', /number of kW.*convert Home Assistant text/],
    ['a missing chosen estimate', { solcast: [{ detailedForecast: [{ period_start: '2026-01-15T08:00:00+10:00', pv_estimate: 1 }] }], estimate: 'pv_estimate90' },
      'msg.forecast.solcast[0].detailedForecast[0].pv_estimate90', /number of kW, 0 or more, got nothing/],
    ['an unknown estimate', { solcast: [today], estimate: 'p50' }, 'msg.forecast.estimate', /one of pv_estimate, pv_estimate10, pv_estimate90/],
    ['a negative load', { solcast: [today], loadW: -5 }, 'msg.forecast.loadW', /0 or more/],
    ['the same sensor twice', { solcast: [today, today] }, 'msg.forecast.solcast[1].attributes.detailedForecast[0].period_start', /listed twice/],
  ];
  for (const [what, value, field, message] of bad) {
    it(`refuses ${what}, naming ${field}`, () => {
      const err = refusal(value);
      should(err.field).equal(field);
      should(err.message).match(message);
    });
  }

  it('never replaces a malformed Solcast forecast by the profile', () => {
    should(() => chooseForecast({ solcast: 'today' }, newProfile(ZONE), DAY_START)).throw(PlanInputError);
  });
});
