/** scripts/demo.js: where the demo's simulated day starts, its --real-time-start option, and how often the plan runs. */
import path from 'path';
import should from 'should';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const demo = require(path.join(__dirname, '..', '..', '..', 'scripts', 'demo.js')) as {
  lastSunriseMs(nowMs: number, utcOffsetMinutes: number): number;
  parseArgs(argv: string[]): { realTimeStart: boolean };
  planTickSeconds(speed: number): number;
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

  it('plans every 5 simulated minutes, at most once a real second', () => {
    should(demo.planTickSeconds(1)).equal(300);
    should(demo.planTickSeconds(60)).equal(5);
    should(demo.planTickSeconds(7)).equal(42.857);
    should(demo.planTickSeconds(300)).equal(1);
    should(demo.planTickSeconds(600)).equal(1);
  });
});
