import should from 'should';
import { SimClock } from '../../src/sim/clock';

describe('simulator clock', () => {
  it('runs at the given speed against the wall clock', () => {
    let wall = 1_000_000;
    const clock = new SimClock({ start: '2026-01-15T00:00:00Z', speed: 60, wallNow: () => wall });
    const start = Date.parse('2026-01-15T00:00:00Z');
    should(clock.now()).equal(start);
    wall += 1000;
    should(clock.now()).equal(start + 60_000);
  });

  it('can be frozen, advanced by hand and sped up without jumping', () => {
    let wall = 0;
    const clock = new SimClock({ start: 0, speed: 0, wallNow: () => wall });
    wall += 5000;
    should(clock.now()).equal(0);
    clock.advance(60_000);
    should(clock.now()).equal(60_000);
    clock.setSpeed(2);
    should(clock.now()).equal(60_000);
    wall += 1000;
    should(clock.now()).equal(62_000);
  });

  it('refuses to run backwards or at a negative speed', () => {
    const clock = new SimClock({ start: 0, speed: 0 });
    should(() => clock.advance(-1)).throw(/forward/);
    should(() => clock.setSpeed(-1)).throw(/speed/);
    should(() => new SimClock({ start: 'not a time' })).throw(/start time/);
  });
});
