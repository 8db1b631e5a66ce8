/**
 * Home Assistant's Amber sensors back into Amber's answer. The HA side is built from the real
 * Amber answer (data/pricing/ode_sitePrices_2024-09-04.json) the way HA's Amber integration builds
 * its sensors: $/kWh rounded to the cent, feed-in (and its advanced prices) multiplied by -1.
 */
import should from 'should';
import fs from 'fs';
import path from 'path';
import { homeAssistantToAmber, isHomeAssistantPrices, priceSeries, PlanInputError } from '../../src/plan-mode';
import { thrown } from '../helpers/errors';

type Interval = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const real: Interval[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data', 'pricing', 'ode_sitePrices_2024-09-04.json'), 'utf8'));

const dollars = (cents: number): number => Math.round(cents) / 100; // HA: round(cents / 100, 2)

function haDatum(it: Interval, withAdvanced: boolean): Interval {
  const sign = it.channelType === 'feedIn' ? -1 : 1;
  const d: Interval = {
    duration: it.duration, date: it.date, nem_date: it.nemTime, per_kwh: dollars(it.perKwh) * sign,
    spot_per_kwh: dollars(it.spotPerKwh), start_time: it.startTime.replace('Z', '+00:00'), end_time: it.endTime.replace('Z', '+00:00'),
    renewables: Math.round(it.renewables), spike_status: it.spikeStatus, descriptor: it.descriptor,
  };
  if (it.range) Object.assign(d, { range_min: dollars(it.range.min), range_max: dollars(it.range.max) });
  if (withAdvanced && it.advancedPrice) {
    Object.assign(d, {
      advanced_price_low: dollars(it.advancedPrice.low) * sign,
      advanced_price_predicted: dollars(it.advancedPrice.predicted) * sign,
      advanced_price_high: dollars(it.advancedPrice.high) * sign,
    });
  }
  return d;
}

function haSensors(withAdvanced = true): Interval {
  const of = (channel: string) => real.filter((i) => i.channelType === channel);
  const sensors: Interval = {};
  for (const channel of ['general', 'feedIn']) {
    const current = of(channel).find((i) => i.type === 'CurrentInterval')!;
    const sign = channel === 'feedIn' ? -1 : 1;
    sensors[channel] = { entity_id: `sensor.home_${channel}_price`, state: dollars(current.perKwh) * sign, attributes: { ...haDatum(current, false), estimate: current.estimate, channel_type: channel } };
    sensors[`${channel}Forecast`] = {
      entity_id: `sensor.home_${channel}_forecast`,
      state: 0,
      attributes: { channel_type: channel, forecasts: of(channel).filter((i) => i.type === 'ForecastInterval').map((i) => haDatum(i, withAdvanced)) },
    };
  }
  return sensors;
}

describe('plan mode: Home Assistant Amber sensors to Amber prices', () => {
  it('recognises the HA shape and not Amber\'s array', () => {
    should(isHomeAssistantPrices(haSensors())).be.true();
    should(isHomeAssistantPrices(real)).be.false();
    should(isHomeAssistantPrices('charge')).be.false();
  });

  it('gives back Amber\'s answer: c/kWh, feed-in in Amber\'s sign, bounds, types and estimate', () => {
    const out = homeAssistantToAmber(haSensors());
    const originals = real.filter((i) => i.type !== 'ActualInterval');
    should(out).have.length(originals.length);
    for (const it of out) {
      const orig = originals.find((o) => o.channelType === it.channelType && o.startTime === it.startTime)!;
      should(orig).be.ok();
      should(it.type).equal(orig.type);
      should(it.endTime).equal(orig.endTime);
      should(it.nemTime).equal(orig.nemTime);
      should(it.duration).equal(orig.duration);
      should(it.perKwh).equal(Math.round(orig.perKwh)); // HA keeps whole cents
      should(Math.sign(it.perKwh) === Math.sign(Math.round(orig.perKwh))).be.true();
      should(it.spotPerKwh).equal(Math.round(orig.spotPerKwh));
      if (orig.advancedPrice && it.type === 'ForecastInterval') should(it.advancedPrice).eql({ low: Math.round(orig.advancedPrice.low), predicted: Math.round(orig.advancedPrice.predicted), high: Math.round(orig.advancedPrice.high) });
    }
    const current = out.filter((i) => i.type === 'CurrentInterval');
    should(current.map((c) => [c.channelType, c.estimate])).eql([['general', true], ['feedIn', true]]);
  });

  it('plans on the same prices as the real answer, to the cent', () => {
    const a = priceSeries(real);
    const b = priceSeries(homeAssistantToAmber(haSensors()));
    should(b.length).equal(a.length);
    a.forEach((p, i) => {
      should(b[i].startMs).equal(p.startMs);
      should(Math.abs(b[i].generalCents - p.generalCents)).be.belowOrEqual(0.5);
      should(Math.abs((b[i].feedInCents as number) - (p.feedInCents as number))).be.belowOrEqual(0.5);
    });
  });

  it('takes the attributes alone, and advanced_price_predicted as an object', () => {
    const s = haSensors(false);
    const f = s.generalForecast.attributes.forecasts[0];
    f.advanced_price_predicted = { low: 0.1, predicted: 0.12, high: 0.2 };
    s.feedInForecast.attributes.forecasts[0].advanced_price_predicted = { low: 0.05, predicted: 0.04, high: 0.02 };
    const out = homeAssistantToAmber({ general: s.general.attributes, generalForecast: s.generalForecast.attributes, feedIn: s.feedIn, feedInForecast: s.feedInForecast });
    should(out.find((i) => i.type === 'ForecastInterval' && i.channelType === 'general')!.advancedPrice).eql({ low: 10, predicted: 12, high: 20 });
    should(out.find((i) => i.type === 'ForecastInterval' && i.channelType === 'feedIn')!.advancedPrice).eql({ low: -5, predicted: -4, high: -2 });
  });

  it('works without a feed-in channel', () => {
    const s = haSensors();
    const out = homeAssistantToAmber({ general: s.general, generalForecast: s.generalForecast });
    should(out.every((i) => i.channelType === 'general')).be.true();
  });

  const refused: [string, (s: Interval) => unknown, string, RegExp][] = [
    ['no general', (s) => ({ generalForecast: s.generalForecast }), 'general', /general .*is required/],
    ['a bare price', (s) => ({ ...s, general: 0.25 }), 'general', /state object/],
    ['no forecast', (s) => ({ general: s.general }), 'generalForecast', /generalForecast .*required/],
    ['forecasts not a list', (s) => ({ ...s, generalForecast: { attributes: { forecasts: 'x' } } }), 'generalForecast.attributes.forecasts', /must be the list/],
    ['a text price', (s) => { s.generalForecast.attributes.forecasts[3].per_kwh = '0.25'; return s; }, 'generalForecast.attributes.forecasts[3].per_kwh', /convert them to numbers/],
    ['a time without zone', (s) => { s.general.attributes.start_time = '2024-09-04T04:00:01'; return s; }, 'general.attributes.start_time', /ISO time with a zone/],
    ['an end before the start', (s) => { s.feedIn.attributes.end_time = '2024-09-04T03:00:00+00:00'; return s; }, 'feedIn.attributes.end_time', /after/],
    ['a bad spike status', (s) => { s.feedInForecast.attributes.forecasts[0].spike_status = 'maybe'; return s; }, 'feedInForecast.attributes.forecasts[0].spike_status', /none, potential or spike/],
    ['a non-boolean estimate', (s) => { s.general.attributes.estimate = 'yes'; return s; }, 'general.attributes.estimate', /true or false/],
    ['feed-in forecast without feed-in', (s) => ({ general: s.general, generalForecast: s.generalForecast, feedInForecast: s.feedInForecast }), 'feedIn', /without feedIn/],
    ['not an object', () => [1, 2], 'payload', /must be an object/],
  ];
  for (const [what, make, field, message] of refused) {
    it(`refuses ${what}, naming ${field}`, () => {
      const err = thrown(() => homeAssistantToAmber(make(haSensors())), PlanInputError);
      should(err.field).equal(field);
      should(err.message).match(message);
    });
  }
});
