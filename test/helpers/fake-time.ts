/** Moving sinon's fake clock while real HTTP on loopback keeps running: the tests' one set of clock-stepping helpers. */
import type sinon from 'sinon';
import { realDelay } from './real-time';

/**
 * Moves fake time on in steps, letting real I/O run between them, until `done()` holds: the
 * transport's retry waits and request deadlines and the simulator's slow answers all run on the
 * fake clock. Fails after `maxMs` of fake time.
 */
export async function pump(
  clock: sinon.SinonFakeTimers, done: () => boolean, what: string, stepMs = 250, maxMs = 120_000, settleMs = 3,
): Promise<void> {
  for (let advanced = 0; !done(); advanced += stepMs) {
    if (advanced > maxMs) throw new Error(`no ${what} after ${advanced} ms of fake time`);
    await realDelay(settleMs);
    if (!done()) await clock.tickAsync(stepMs);
  }
}

/** Moves fake time on by `ms`, then lets the real I/O its timers started run for `settleMs` of real time. */
export async function tick(clock: sinon.SinonFakeTimers, ms: number, settleMs = 20): Promise<void> {
  await clock.tickAsync(ms);
  await realDelay(settleMs);
}

/** Moves the fake timers and the simulator's clock on together, `stepMs` at a time, letting real I/O run between steps. */
export async function advanceWithSim(
  clock: sinon.SinonFakeTimers, simClock: { advance(ms: number): void }, ms: number, stepMs = 1000, settleMs = 2,
): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    simClock.advance(stepMs);
    await clock.tickAsync(stepMs);
    await realDelay(settleMs);
  }
}

/** When the next fake timer is due, or null (sinon's clock keeps its timers in `timers`). */
export function nextTimerAt(clock: sinon.SinonFakeTimers): number | null {
  const timers = Object.values((clock as unknown as { timers?: Record<string, { callAt: number }> }).timers ?? {});
  return timers.length === 0 ? null : Math.min(...timers.map((t) => t.callAt));
}

/**
 * Moves the node's clock (fake timers and Date) and the simulator's clock on together, from
 * timer to timer, letting the requests each timer starts finish (`settle`) before going on (a
 * request's own deadline is a fake timer too, and must not pass while it is on the wire).
 */
export async function advanceTimerByTimer(
  clock: sinon.SinonFakeTimers, simClock: { advance(ms: number): void }, ms: number, settle: () => Promise<void>, maxSteps: number,
): Promise<void> {
  const target = clock.now + ms;
  for (let steps = 0; ; steps++) {
    if (steps > maxSteps) throw new Error('a timer keeps re-arming itself');
    const next = nextTimerAt(clock);
    const to = next !== null && next <= target ? Math.max(next, clock.now) : target;
    simClock.advance(to - clock.now);
    await clock.tickAsync(to - clock.now);
    await settle();
    const after = nextTimerAt(clock);
    if (clock.now >= target && (after === null || after > target)) return;
  }
}
