import should from 'should';
import {
  commandFor, decide, sameDecision, type Decision, type PriceSettings,
} from '../../src/control/amber-policy';
import { PriceError, readAmberPrices, readHomeAssistantPrices, type PriceInput } from '../../src/control/price-input';
import { thrown } from '../helpers/errors';

const T = (iso: string): number => Date.parse(iso);
const NOW = T('2025-07-16T22:32:30Z');

/** Amber's documented example answer for one 5-minute interval, verbatim. */
const EXAMPLE = [
  {
    type: 'CurrentInterval', duration: 5, date: '2025-07-17',
    startTime: '2025-07-16T22:30:01Z', endTime: '2025-07-16T22:35:00Z', nemTime: '2025-07-17T08:35:00+10:00',
    perKwh: 24.51, spotPerKwh: 9.87, renewables: 31.2, channelType: 'general',
    spikeStatus: 'none', descriptor: 'neutral', estimate: true,
    advancedPrice: { low: 22.1, predicted: 24.3, high: 27.9 },
  },
  {
    type: 'CurrentInterval', duration: 5, date: '2025-07-17',
    startTime: '2025-07-16T22:30:01Z', endTime: '2025-07-16T22:35:00Z', nemTime: '2025-07-17T08:35:00+10:00',
    perKwh: -8.3, spotPerKwh: 9.87, renewables: 31.2, channelType: 'feedIn',
    spikeStatus: 'none', descriptor: 'neutral', estimate: true,
    advancedPrice: { low: -7.1, predicted: -8.2, high: -9.6 },
  },
];

/** A firm 5-minute Amber pair for 22:30..22:35 with the given prices. */
function amber(general: number, feedIn: number | null, extra: { estimate?: boolean; spike?: boolean } = {}): unknown[] {
  const base = { type: 'CurrentInterval', duration: 5, startTime: '2025-07-16T22:30:01Z', endTime: '2025-07-16T22:35:00Z', spikeStatus: extra.spike ? 'spike' : 'none', descriptor: 'neutral', estimate: extra.estimate ?? false };
  const items: unknown[] = [{ ...base, channelType: 'general', perKwh: general }];
  if (feedIn !== null) items.push({ ...base, channelType: 'feedIn', perKwh: feedIn });
  return items;
}

const SETTINGS: PriceSettings = {
  chargeBelowCents: 10, dischargeAboveCents: 8, dischargeMinSocPct: 20, curtailWhenFeedInFree: true,
  powerW: 3000, actOnEstimates: false, source: 'amber',
};

function priceError(fn: () => unknown): string {
  return thrown(fn, PriceError).message;
}

const decideAmber = (items: unknown[], soc: number | null, settings: Partial<PriceSettings> = {}, previous: Decision | null = null, now = NOW): Decision =>
  decide(readAmberPrices(items, now), { ...SETTINGS, ...settings }, soc, previous, now);

describe('control: reading Amber prices', () => {
  it('reads Amber\'s documented example', () => {
    should(readAmberPrices(EXAMPLE, NOW)).deepEqual({
      generalCents: 24.51, feedInCents: -8.3, estimate: true, spike: false,
      startMs: T('2025-07-16T22:30:00Z'), endMs: T('2025-07-16T22:35:00Z'), durationMinutes: 5,
    });
  });

  it('picks by channelType, never by position', () => {
    const shuffled = [
      { ...EXAMPLE[1], type: 'ForecastInterval', startTime: '2025-07-16T22:35:01Z', endTime: '2025-07-16T22:40:00Z', perKwh: 50 },
      EXAMPLE[1],
      { ...EXAMPLE[0], channelType: 'controlledLoad', perKwh: 1 },
      { ...EXAMPLE[0], type: 'ActualInterval', startTime: '2025-07-16T22:25:01Z', endTime: '2025-07-16T22:30:00Z', perKwh: 99 },
      EXAMPLE[0],
      'junk', null, 7,
    ];
    should(readAmberPrices(shuffled, NOW)).deepEqual(readAmberPrices(EXAMPLE, NOW));
  });

  it('without a CurrentInterval, takes the interval that contains now', () => {
    const forecast = EXAMPLE.map((it) => ({ ...it, type: 'ForecastInterval', estimate: undefined }));
    const later = EXAMPLE.map((it) => ({ ...it, type: 'ForecastInterval', startTime: '2025-07-16T22:35:01Z', endTime: '2025-07-16T23:00:00Z', duration: 30, perKwh: 1 }));
    const p = readAmberPrices([...later, ...forecast], NOW);
    should(p).containDeep({ generalCents: 24.51, feedInCents: -8.3, estimate: false, durationMinutes: 5 });
  });

  it('reads a 30-minute interval and its duration', () => {
    const items = EXAMPLE.map((it) => ({ ...it, duration: 30, startTime: '2025-07-16T22:30:01Z', endTime: '2025-07-16T23:00:00Z' }));
    should(readAmberPrices(items, T('2025-07-16T22:59:59Z'))).containDeep({ durationMinutes: 30, endMs: T('2025-07-16T23:00:00Z') });
  });

  it('is an estimate if either channel says so, a spike from spikeStatus or descriptor', () => {
    should(readAmberPrices([EXAMPLE[0], { ...EXAMPLE[1], estimate: false }], NOW).estimate).be.true();
    should(readAmberPrices([{ ...EXAMPLE[0], estimate: false }, EXAMPLE[1]], NOW).estimate).be.true();
    should(readAmberPrices([{ ...EXAMPLE[0], estimate: false }, { ...EXAMPLE[1], estimate: false }], NOW).estimate).be.false();
    should(readAmberPrices([{ ...EXAMPLE[0], spikeStatus: 'spike' }, EXAMPLE[1]], NOW).spike).be.true();
    should(readAmberPrices([{ ...EXAMPLE[0], descriptor: 'spike' }, EXAMPLE[1]], NOW).spike).be.true();
    should(readAmberPrices([{ ...EXAMPLE[0], spikeStatus: 'potential' }, EXAMPLE[1]], NOW).spike).be.false();
  });

  it('treats a missing feed-in channel as no feed-in price', () => {
    should(readAmberPrices([EXAMPLE[0]], NOW)).containDeep({ generalCents: 24.51, feedInCents: null });
  });

  it('refuses what it cannot read', () => {
    const table: [unknown, string][] = [
      [{ general: 1 }, 'Amber prices must be the array from /sites/{id}/prices/current (parsed JSON), got an object'],
      [JSON.stringify(EXAMPLE), 'Amber prices must be the array from /sites/{id}/prices/current (parsed JSON), got "[{\\"type\\":\\"CurrentInterval\\",\\"duration\\":5,…"'],
      [[EXAMPLE[1]], 'Amber prices have no general interval for now (2025-07-16T22:32:30.000Z)'],
      [[], 'Amber prices have no general interval for now (2025-07-16T22:32:30.000Z)'],
      [[{ ...EXAMPLE[0], perKwh: '24.51' }, EXAMPLE[1]], 'the general perKwh must be a number (c/kWh), got "24.51"'],
      [[EXAMPLE[0], { ...EXAMPLE[1], perKwh: null }], 'the feedIn perKwh must be a number (c/kWh), got null'],
      [[EXAMPLE[0], { ...EXAMPLE[1], perKwh: NaN }], 'the feedIn perKwh must be a number (c/kWh), got NaN'],
      [[{ ...EXAMPLE[0], endTime: 'soon' }, EXAMPLE[1]], 'the general interval needs startTime and endTime as ISO times, got "2025-07-16T22:30:01Z" and "soon"'],
      [[EXAMPLE[0], { ...EXAMPLE[1], startTime: undefined }], 'the feedIn interval needs startTime and endTime as ISO times, got nothing and "2025-07-16T22:35:00Z"'],
      [[EXAMPLE[0], EXAMPLE[0], EXAMPLE[1]], 'Amber prices have 2 general intervals for now'],
      [[{ ...EXAMPLE[0], startTime: '2025-07-16T22:35:01Z', endTime: '2025-07-16T22:30:00Z' }, EXAMPLE[1]], 'the general interval ends (2025-07-16T22:30:00.000Z) before it starts (2025-07-16T22:35:00.000Z)'],
      [EXAMPLE.map((it) => ({ ...it, type: 'ForecastInterval', startTime: '2025-07-16T22:35:01Z', endTime: '2025-07-16T22:40:00Z' })), 'Amber prices have no general interval for now (2025-07-16T22:32:30.000Z)'],
    ];
    for (const [payload, message] of table) should(priceError(() => readAmberPrices(payload, NOW))).equal(message);
  });

  it('refuses a CurrentInterval that no longer contains now', () => {
    should(priceError(() => readAmberPrices(EXAMPLE, T('2025-07-16T22:35:00Z')))).equal(
      'the general CurrentInterval (2025-07-16T22:30:00.000Z to 2025-07-16T22:35:00.000Z) does not contain now (2025-07-16T22:35:00.000Z); the prices are stale',
    );
    should(readAmberPrices(EXAMPLE, T('2025-07-16T22:30:00Z')).startMs).equal(T('2025-07-16T22:30:00Z'));
  });
});

describe('control: Home Assistant prices', () => {
  it('converts $/kWh to c/kWh and flips feed-in back to Amber\'s sign', () => {
    should(readHomeAssistantPrices({ general: 0.2451, feedIn: 0.083, estimate: true }, NOW, 5)).deepEqual({
      generalCents: 24.51, feedInCents: -8.3, estimate: true, spike: false,
      startMs: T('2025-07-16T22:30:00Z'), endMs: T('2025-07-16T22:35:00Z'), durationMinutes: 5,
    });
    should(readHomeAssistantPrices({ general: 0.1, feedIn: -0.02 }, NOW, 5)).containDeep({ feedInCents: 2, estimate: false });
    // 0.07 × 100 is 7.000000000000001 in floating point: the conversion must not miss a 7 c threshold.
    should(readHomeAssistantPrices({ general: 0.07, feedIn: -0.07 }, NOW, 5)).containDeep({ generalCents: 7, feedInCents: 7 });
    should(Object.is(readHomeAssistantPrices({ general: 0, feedIn: 0 }, NOW, 5).feedInCents, 0)).be.true();
    should(readHomeAssistantPrices({ general: 0.3, feedIn: null, spike: true }, NOW, 5)).containDeep({ feedInCents: null, spike: true });
  });

  it('takes the current block of the clock as the interval', () => {
    const at = T('2026-01-15T10:07:00Z');
    should(readHomeAssistantPrices({ general: 0.1, feedIn: 0 }, at, 5)).containDeep({ startMs: T('2026-01-15T10:05:00Z'), endMs: T('2026-01-15T10:10:00Z'), durationMinutes: 5 });
    should(readHomeAssistantPrices({ general: 0.1, feedIn: 0 }, at, 30)).containDeep({ startMs: T('2026-01-15T10:00:00Z'), endMs: T('2026-01-15T10:30:00Z'), durationMinutes: 30 });
    should(readHomeAssistantPrices({ general: 0.1, feedIn: 0 }, T('2026-01-15T10:10:00Z'), 5)).containDeep({ startMs: T('2026-01-15T10:10:00Z') });
  });

  it('refuses what it cannot read', () => {
    const table: [unknown, number, string][] = [
      [{ general: 0.1, feedIn: 0 }, 60, 'the price interval must be 5, 15, 30 minutes, got 60'],
      [[0.1, 0], 5, 'Home Assistant prices must be an object {general, feedIn} in $/kWh, got an array'],
      [{ feedIn: 0 }, 5, 'Home Assistant general must be a number in $/kWh, got nothing'],
      [{ general: '0.25', feedIn: 0 }, 5, 'Home Assistant general must be a number in $/kWh, got "0.25" (Home Assistant states are text: convert them to numbers first)'],
      [{ general: 0.25, feedIn: 'unavailable' }, 5, 'Home Assistant feedIn must be a number in $/kWh, got "unavailable" (Home Assistant states are text: convert them to numbers first)'],
      [{ general: 0.25, feedIn: 0, estimate: 'yes' }, 5, 'Home Assistant estimate must be true or false, got "yes"'],
      [JSON.parse('{"__proto__": {"general": 0.1, "feedIn": 0}}'), 5, 'Home Assistant general must be a number in $/kWh, got nothing'],
    ];
    for (const [payload, minutes, message] of table) should(priceError(() => readHomeAssistantPrices(payload, NOW, minutes))).equal(message);
  });

  it('gives the same decisions as the equivalent Amber input', () => {
    const cases: [number, number | null, boolean][] = [
      [5, -1, false], [24.51, -8.3, false], [24.51, -8.3, true], [30, 2, false], [30, 0, false], [30, -0.01, false], [9.99, 0, false], [40, null, false], [12.5, -7.99, true],
    ];
    const settingsList: Partial<PriceSettings>[] = [{}, { actOnEstimates: true }, { dischargeAboveCents: null }, { chargeBelowCents: null, curtailWhenFeedInFree: false }];
    for (const [general, feedIn, estimate] of cases) {
      for (const soc of [null, 20, 21, 90]) {
        for (const settings of settingsList) {
          const fromAmber = decideAmber(amber(general, feedIn, { estimate }), soc, settings);
          const ha = { general: general / 100, feedIn: feedIn === null ? null : -feedIn / 100, estimate };
          const fromHa = decide(readHomeAssistantPrices(ha, NOW, 5), { ...SETTINGS, ...settings, source: 'homeassistant' }, soc, null, NOW);
          should(fromHa).deepEqual(fromAmber, JSON.stringify({ general, feedIn, estimate, soc, settings }));
        }
      }
    }
  });
});

describe('control: price decisions', () => {
  it('charges when the general price is at or below the charge price', () => {
    should(decideAmber(amber(10, -1), 50)).deepEqual({
      command: 'charge', powerW: 3000, reason: 'general price 10 c/kWh is at or below the charge price 10 c/kWh',
      prices: { generalCents: 10, feedInCents: -1, feedInEarnsCents: 1, estimate: false, spike: false },
      intervalEndMs: T('2025-07-16T22:35:00Z'), durationMinutes: 3,
    });
    should(decideAmber(amber(10.01, -1), 50).command).equal('auto');
    should(decideAmber(amber(-5, 3), 50, { chargeBelowCents: null }).command).equal('curtail');
  });

  it('reads the feed-in sign right: -8.3 earns 8.3, which is above a discharge price of 8', () => {
    const d = decideAmber(amber(30, -8.3), 50);
    should(d).containDeep({ command: 'discharge', powerW: 3000, prices: { feedInCents: -8.3, feedInEarnsCents: 8.3 } });
    should(d.reason).equal('feed-in earns 8.3 c/kWh, at or above the discharge price 8 c/kWh; SoC 50% is above the minimum 20%');
    should(decideAmber(amber(30, -8), 50).command).equal('discharge');
    should(decideAmber(amber(30, -7.99), 50).command).equal('auto');
    should(decideAmber(amber(30, 8.3), 50).command).equal('curtail');
  });

  it('curtails when exporting costs money or earns exactly nothing', () => {
    const paying = decideAmber(amber(30, 2), 50);
    should(paying).containDeep({ command: 'curtail', powerW: 0, prices: { feedInCents: 2, feedInEarnsCents: -2 } });
    should(paying.reason).equal('exporting costs 2 c/kWh: export limited to 0 W');
    const zero = decideAmber(amber(30, 0), 50);
    should(zero.command).equal('curtail');
    should(zero.reason).equal('exporting earns nothing: export limited to 0 W');
    should(decideAmber(amber(30, -0.01), 50).command).equal('auto');
    should(decideAmber(amber(30, 2), 50, { curtailWhenFeedInFree: false }).command).equal('auto');
    should(decideAmber(amber(30, null), 50).command).equal('auto');
  });

  it('does not discharge at or below the minimum SoC, or when SoC is unknown', () => {
    const atMin = decideAmber(amber(30, -20), 20);
    should(atMin.command).equal('auto');
    should(atMin.reason).equal('not discharging (feed-in earns 20 c/kWh, at or above the discharge price 8 c/kWh): SoC 20% is at or below the minimum 20%; no price rule applies: self-consumption');
    should(decideAmber(amber(30, -20), 5).command).equal('auto');
    should(decideAmber(amber(30, -20), 20.5).command).equal('discharge');
    const unknown = decideAmber(amber(30, -20), null);
    should(unknown.command).equal('auto');
    should(unknown.reason).equal('not discharging (feed-in earns 20 c/kWh, at or above the discharge price 8 c/kWh): battery SoC unknown; no price rule applies: self-consumption');
  });

  it('discharges on a spike, unless discharging is off or SoC is too low', () => {
    const spike = decideAmber(amber(300, 5, { spike: true }), 60);
    should(spike).containDeep({ command: 'discharge', prices: { spike: true } });
    should(spike.reason).equal('price spike; SoC 60% is above the minimum 20%');
    should(decideAmber(amber(300, -1, { spike: true }), 60, { dischargeAboveCents: null }).command).equal('auto');
    const low = decideAmber(amber(300, 5, { spike: true }), 10);
    should(low.command).equal('curtail');
    should(low.reason).equal('not discharging (price spike): SoC 10% is at or below the minimum 20%; exporting costs 5 c/kWh: export limited to 0 W');
  });

  it('charges first when both rules would apply', () => {
    should(decideAmber(amber(5, -20), 90).command).equal('charge');
  });

  it('holds the previous decision on an estimate within the same interval', () => {
    const previous = decideAmber(amber(30, -9), 50);
    should(previous.command).equal('discharge');
    const held = decideAmber(amber(5, 3, { estimate: true }), 50, {}, previous, NOW + 60_000);
    should(held).equal(previous);
  });

  it('waits for a firm price in a new interval, with no previous decision, and acts on estimates when told to', () => {
    const earlier: Decision = { ...decideAmber(amber(30, -9), 50), intervalEndMs: T('2025-07-16T22:30:00Z') };
    for (const previous of [earlier, null]) {
      const d = decideAmber(amber(5, 3, { estimate: true }), 50, {}, previous);
      should(d).containDeep({ command: 'auto', powerW: 0, reason: 'waiting for a firm price (the current price is an estimate)', prices: { estimate: true } });
      should(d.intervalEndMs).equal(T('2025-07-16T22:35:00Z'));
    }
    should(decideAmber(EXAMPLE, 50, { actOnEstimates: true }).command).equal('discharge');
    should(decideAmber(EXAMPLE, 50).command).equal('auto');
  });

  it('lasts the rest of a 5-minute interval, rounded up, at least a minute', () => {
    const cases: [string, number][] = [
      ['2025-07-16T22:30:00Z', 5], ['2025-07-16T22:30:01Z', 5], ['2025-07-16T22:32:00Z', 3], ['2025-07-16T22:32:30Z', 3], ['2025-07-16T22:32:50Z', 3],
      ['2025-07-16T22:34:00Z', 1], ['2025-07-16T22:34:59.999Z', 1],
    ];
    for (const [at, minutes] of cases) should(decideAmber(amber(5, -1), 50, {}, null, T(at)).durationMinutes).equal(minutes, at);
  });

  it('refuses prices that are not for now', () => {
    const prices = readAmberPrices(EXAMPLE, NOW);
    should(priceError(() => decide(prices, SETTINGS, 50, null, T('2025-07-16T22:35:00Z')))).equal(
      'the prices are for 2025-07-16T22:30:00.000Z to 2025-07-16T22:35:00.000Z, not for now (2025-07-16T22:35:00.000Z)',
    );
    should(priceError(() => decide(prices, SETTINGS, 50, null, T('2025-07-16T22:29:59Z')))).match(/not for now/);
  });

  it('refuses bad settings', () => {
    const prices: PriceInput = readAmberPrices(amber(5, -1), NOW);
    const table: [Partial<PriceSettings>, string][] = [
      [{ powerW: 0 }, 'the powerW setting must be a whole number of watts, 1 or more, got 0'],
      [{ powerW: 2.5 }, 'the powerW setting must be a whole number of watts, 1 or more, got 2.5'],
      [{ chargeBelowCents: NaN }, 'the chargeBelowCents setting must be a number of c/kWh or empty, got NaN'],
      [{ dischargeAboveCents: '8' as unknown as number }, 'the dischargeAboveCents setting must be a number of c/kWh or empty, got "8"'],
      [{ dischargeMinSocPct: 101 }, 'the dischargeMinSocPct setting must be from 0 to 100, got 101'],
    ];
    for (const [bad, message] of table) should(priceError(() => decide(prices, { ...SETTINGS, ...bad }, 50, null, NOW))).equal(message);
  });
});

describe('control: acting on decisions', () => {
  it('re-sends for a new interval, a new command or a new power; auto stays auto', () => {
    const a = decideAmber(amber(5, -1), 50);
    should(sameDecision(a, decideAmber(amber(6, -2), 70, {}, null, NOW + 60_000))).be.true();
    should(sameDecision(a, { ...a, intervalEndMs: a.intervalEndMs + 300_000 })).be.false();
    should(sameDecision(a, { ...a, powerW: 2000 })).be.false();
    should(sameDecision(a, { ...a, command: 'discharge' })).be.false();
    const auto = decideAmber(amber(30, -1), 50);
    should(sameDecision(auto, { ...auto, intervalEndMs: auto.intervalEndMs + 300_000, reason: 'other' })).be.true();
    should(sameDecision(null, a)).be.false();
    should(sameDecision(a, null)).be.false();
  });

  it('turns a decision into a command for the rest of the interval', () => {
    const charge = decideAmber(amber(5, -1), 50);
    should(commandFor(charge, { serial: 'RB1', nowMs: NOW })).deepEqual({
      command: 'charge', powerW: 3000, durationMinutes: 3, exportLimitW: 0, startAtMs: NOW, serial: 'RB1',
    });
    should(commandFor(decideAmber(amber(30, 0), 50), { serial: null, nowMs: T('2025-07-16T22:34:10Z') })).deepEqual({
      command: 'curtail', powerW: null, durationMinutes: 1, exportLimitW: 0, startAtMs: T('2025-07-16T22:34:10Z'), serial: null,
    });
    should(commandFor(decideAmber(amber(30, -1), 50), { serial: null, nowMs: NOW })).containDeep({ command: 'auto', powerW: null });
  });

  it('refuses a decision whose interval has ended', () => {
    const d = decideAmber(amber(5, -1), 50);
    should(priceError(() => commandFor(d, { serial: null, nowMs: d.intervalEndMs }))).equal('the decision was for an interval that ended at 2025-07-16T22:35:00.000Z');
  });
});
