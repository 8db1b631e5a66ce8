/** The control path's clock (src/util/clock.ts): the host's, or one that follows a simulator's. */
import should from 'should';
import { clockFromSetting, followingClock, sleepOn, systemClock, FOLLOW_POLL_MS } from '../../src/util/clock';
import { realDelay, waitUntil } from '../helpers/real-time';

describe('control clock', () => {
  it('without the setting it is the host clock', () => {
    const clock = clockFromSetting(undefined);
    should(clock).equal(systemClock);
    should(Math.abs(clock.now() - Date.now())).be.below(50);
  });

  it('{simulatedAtMs, wallAtMs, speed} runs from the simulated instant at `speed` times the wall clock', async () => {
    const start = Date.parse('2026-01-15T02:00:00Z');
    const clock = clockFromSetting({ simulatedAtMs: start, wallAtMs: Date.now(), speed: 60 });
    const first = clock.now();
    should(first - start).be.within(0, 60 * 50);
    await realDelay(200);
    // 200 ms of wall time is 12 simulated seconds at 60x.
    should(clock.now() - first).be.within(11_000, 20_000);
  });

  it('a timer on a fast clock fires after its simulated time, long before that much wall time', async () => {
    const clock = clockFromSetting({ simulatedAtMs: 0, wallAtMs: Date.now(), speed: 600 });
    const armedAt = clock.now();
    let firedAt: number | null = null;
    const began = performance.now();
    clock.after(60_000, () => (firedAt = clock.now()));
    await waitUntil(() => firedAt !== null, 'the timer', 2000);
    should(firedAt! - armedAt).be.aboveOrEqual(60_000);
    should(performance.now() - began).be.within(90, 1000);
  });

  it('a followed clock that is frozen and then moved forward fires within one poll, and never before', async () => {
    let simNow = 1_000_000;
    const clock = followingClock(() => simNow, 0);
    let fired = false;
    clock.after(30 * 60_000, () => (fired = true));
    await realDelay(FOLLOW_POLL_MS + 100);
    should(fired).be.false();
    simNow += 30 * 60_000 - 1;
    await realDelay(FOLLOW_POLL_MS + 100);
    should(fired).be.false();
    simNow += 1;
    await waitUntil(() => fired, 'the timer', FOLLOW_POLL_MS + 500);
  });

  it('a cancelled timer never fires; an aborted sleep rejects', async () => {
    let simNow = 0;
    const clock = followingClock(() => simNow, 0);
    let fired = false;
    const cancel = clock.after(1000, () => (fired = true));
    cancel();
    simNow = 5000;
    await realDelay(FOLLOW_POLL_MS + 100);
    should(fired).be.false();

    const abort = new AbortController();
    const slept = sleepOn(clock, 60_000, abort.signal);
    abort.abort();
    await should(slept).be.rejected();
  });

  it('{now(), speed} reads the function it is given', () => {
    let simNow = 42_000;
    const clock = clockFromSetting({ now: () => simNow, speed: 0 });
    should(clock.now()).equal(42_000);
    simNow = 43_000;
    should(clock.now()).equal(43_000);
  });

  it('a malformed setting is refused with the field named', () => {
    should(() => clockFromSetting({ simulatedAtMs: 1, wallAtMs: 2, speed: 'fast' })).throw(/settings\.redbackClock\.speed must be a number of 0 or more, got "fast"/);
    should(() => clockFromSetting({ simulatedAtMs: '2026-01-15', wallAtMs: 2, speed: 1 })).throw(/settings\.redbackClock\.simulatedAtMs must be ms since the epoch/);
    should(() => clockFromSetting({ now: () => 1, speed: -1 })).throw(/speed must be a number of 0 or more, got -1/);
    should(() => clockFromSetting(60)).throw(/settings\.redbackClock must be \{simulatedAtMs, wallAtMs, speed\} or \{now\(\), speed\}, got 60/);
    const bad = clockFromSetting({ now: () => 'soon' });
    should(() => bad.now()).throw(/now\(\) must return ms since the epoch/);
  });
});
