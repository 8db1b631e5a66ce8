/** scripts/demo.js: where the demo's simulated day starts, its --real-time-start option, and when the plan runs. */
import path from 'path';
import should from 'should';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const demo = require(path.join(__dirname, '..', '..', '..', 'scripts', 'demo.js')) as {
  lastSunriseMs(nowMs: number, utcOffsetMinutes: number): number;
  parseArgs(argv: string[]): { realTimeStart: boolean };
  nextPlanTick(simNowMs: number, speed: number, options?: { soon?: boolean }): { simAtMs: number; wallDelayMs: number };
  planStepMinutes(speed: number): number;
};

const BRISBANE = 600;

describe('the demo\'s simulated day (scripts/demo.js)', () => {
  it('starts at 06:00 in Brisbane on the same day when it is later than that there', () => {
    // 21:00 in Brisbane
    should(new Date(demo.lastSunriseMs(Date.parse('2026-01-15T11:00:00Z'), BRISBANE)).toISOString()).equal('2026-01-14T20:00:00.000Z');
  });

  it('starts at the previous day\'s 06:00 before sunrise, never in the future', () => {
    // 03:00 in Brisbane on the 15th
    should(new Date(demo.lastSunriseMs(Date.parse('2026-01-14T17:00:00Z'), BRISBANE)).toISOString()).equal('2026-01-13T20:00:00.000Z');
    // 06:00 exactly
    should(new Date(demo.lastSunriseMs(Date.parse('2026-01-14T20:00:00Z'), BRISBANE)).toISOString()).equal('2026-01-14T20:00:00.000Z');
  });

  it('follows the site\'s own offset (Perth, +08:00)', () => {
    should(new Date(demo.lastSunriseMs(Date.parse('2026-01-15T04:00:00Z'), 480)).toISOString()).equal('2026-01-14T22:00:00.000Z');
  });

  it('--real-time-start keeps the current time', () => {
    should(demo.parseArgs([]).realTimeStart).be.false();
    should(demo.parseArgs(['--real-time-start']).realTimeStart).be.true();
  });

  it('plans one simulated minute into each 5-minute price interval, at most once a real second', () => {
    const T = Date.parse('2026-12-07T20:00:00Z');
    const at = (now: number, speed: number): [string, number] => {
      const next = demo.nextPlanTick(now, speed);
      return [new Date(next.simAtMs).toISOString(), next.wallDelayMs];
    };
    should(at(T, 60)).eql(['2026-12-07T20:01:00.000Z', 1000]);
    // Never at once, never less than a real second ahead.
    should(at(T + 60_000, 60)).eql(['2026-12-07T20:06:00.000Z', 5000]);
    should(at(T + 30_000, 1)).eql(['2026-12-07T20:01:00.000Z', 30_000]);
    // At 600x an interval is half a real second: every other one.
    should(at(T, 600)).eql(['2026-12-07T20:11:00.000Z', 1100]);
    should([1, 60, 600].map(demo.planStepMinutes)).eql([5, 5, 10]);
    // The first one comes at once (a real second on) when that is a minute or more from both ends of an interval.
    should(demo.nextPlanTick(T + 2 * 60_000, 1, { soon: true })).eql({ simAtMs: T + 2 * 60_000 + 1000, wallDelayMs: 1000 });
    should(demo.nextPlanTick(T + 30_000, 1, { soon: true }).simAtMs).equal(T + 60_000);
    should(demo.nextPlanTick(T + 4 * 60_000 + 30_000, 1, { soon: true }).simAtMs).equal(T + 6 * 60_000);
    should(demo.nextPlanTick(T + 2 * 60_000, 60, { soon: true })).eql({ simAtMs: T + 3 * 60_000, wallDelayMs: 1000 });
  });
});
