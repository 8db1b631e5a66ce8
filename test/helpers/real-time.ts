/** Waiting on the real clock, whatever sinon's fake timers have done to setTimeout. */

// The real timer functions, kept before any test installs sinon's fake timers.
const realSetTimeout = globalThis.setTimeout;
const realSetImmediate = globalThis.setImmediate;

/** Waits `ms` of real time. */
export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/**
 * Lets real I/O run until `done()` holds, checking again every `pauseMs` of real time (and after
 * pending I/O callbacks); fails after `timeoutMs` of real time.
 */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 5000,
  pauseMs = 1,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => realSetImmediate(resolve));
    await realDelay(pauseMs);
  }
}
