/** Hostile Amber and Home Assistant price input is refused, never acted on (issue 14 §3). */
import should from 'should';
import { PriceError, readAmberPrices, readHomeAssistantPrices } from '../../src/control/price-input';
import { thrown } from '../helpers/errors';

const NOW = Date.parse('2026-01-15T02:02:00Z');
const item = (channelType: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'CurrentInterval', duration: 5, startTime: '2026-01-15T02:00:01Z', endTime: '2026-01-15T02:05:00Z',
  perKwh: channelType === 'feedIn' ? -8.3 : 24.51, channelType, spikeStatus: 'none', descriptor: 'neutral', estimate: false, ...extra,
});
const refusal = (payload: unknown): string => thrown(() => readAmberPrices(payload, NOW), PriceError).message;

describe('control: hostile price input', () => {
  it('still reads a 5-minute and a 30-minute interval', () => {
    should(readAmberPrices([item('general'), item('feedIn')], NOW).durationMinutes).equal(5);
    const half = { startTime: '2026-01-15T02:00:01Z', endTime: '2026-01-15T02:30:00Z', duration: 30 };
    should(readAmberPrices([item('general', half), item('feedIn', half), item('controlledLoad', half)], NOW).durationMinutes).equal(30);
  });

  it('refuses an interval longer than 30 minutes (one once asked for an envelope until 2030)', () => {
    should(refusal([item('general', { endTime: '2030-01-01T00:00:00Z' })])).match(/longer than 30 minutes/);
    should(refusal([item('general', { startTime: '2026-01-15T01:00:00Z', endTime: '2026-01-18T01:00:00Z' })])).match(/longer than 30 minutes/);
  });

  it('refuses an interval that ends more than 24 hours ahead, or does not end after it starts', () => {
    should(refusal([item('general', { startTime: '2026-01-17T02:00:01Z', endTime: '2026-01-17T02:05:00Z' })])).equal('the general interval ends 2026-01-17T02:05:00.000Z, more than 24 hours ahead');
    should(refusal([item('general', { startTime: '1970-01-01T00:00:00Z', endTime: '9999-12-31T23:59:59Z' })])).match(/longer than 30 minutes/);
    should(refusal([item('general', { startTime: '2026-01-15T02:05:00Z', endTime: '2026-01-15T02:05:00Z' })])).match(/ends .* before it starts/);
  });

  for (const estimate of ['true', 1, 'yes', {}, 'false', 0]) {
    it(`refuses an estimate of ${JSON.stringify(estimate)}: only true or false`, () => {
      should(refusal([item('general', { estimate })])).match(/^the general estimate must be true or false, got /);
    });
  }

  for (const perKwh of [1.7e308, -1.7e308, 100_001, -100_001]) {
    it(`refuses perKwh ${perKwh}`, () => {
      should(refusal([item('general', { perKwh })])).match(/beyond ±100000: not a price$/);
    });
  }

  it('reports an item of an unknown channel instead of skipping it', () => {
    should(refusal([item('general'), item('feedIn'), item('gas')])).equal('Amber prices item 2 has channelType "gas", not one of general, feedIn, controlledLoad');
    should(refusal([item('general'), { ...item('feedIn'), channelType: undefined }])).match(/^Amber prices item 1 has channelType nothing/);
  });

  it('refuses Home Assistant prices beyond ±1000 $/kWh', () => {
    should(() => readHomeAssistantPrices({ general: 2000, feedIn: 0.05 }, NOW, 5)).throw(/general is beyond ±1000 \$\/kWh/);
    should(() => readHomeAssistantPrices({ general: 0.3, feedIn: -1e300 }, NOW, 5)).throw(/feedIn is beyond/);
  });
});
