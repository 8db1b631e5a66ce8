/** Moving sinon's fake clock while real HTTP on loopback keeps running. */
import type sinon from 'sinon';
import { realDelay } from './real-time';

/**
 * Moves fake time on in steps, letting real I/O run between them, until `done()` holds: the
 * transport's retry waits and request deadlines and the simulator's slow answers all run on the
 * fake clock. Fails after `maxMs` of fake time.
 */
export async function pump(clock: sinon.SinonFakeTimers, done: () => boolean, what: string, stepMs = 250, maxMs = 120_000): Promise<void> {
  for (let advanced = 0; !done(); advanced += stepMs) {
    if (advanced > maxMs) throw new Error(`no ${what} after ${advanced} ms of fake time`);
    await realDelay(3);
    if (!done()) await clock.tickAsync(stepMs);
  }
}
