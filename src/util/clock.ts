/**
 * The time the control path runs on: the host's clock, or one that follows the simulator's faster
 * clock in the demo and in tests (the Node-RED setting `redbackClock`, docs/simulator.md), so that
 * a 30-minute command lasts 30 simulated minutes.
 */
import { closedError } from '../http/backoff';
import { describeValue } from './objects';

export interface Clock {
  now(): number;
  /** Calls `fn` once `ms` of this clock's time have passed; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The longest delay Node's setTimeout holds (a longer one fires at once, with a warning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A followed clock checks at least this often (wall ms), so a clock moved forward or frozen is seen. */
export const FOLLOW_POLL_MS = 500;

/** The host's clock (global timers looked up at each call, so fake timers in tests take effect). */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    return wallTimer(Math.max(0, ms), fn);
  },
};

/**
 * A clock read from `now`, running `speed` times faster than the wall (0: frozen, moved only by
 * whoever owns it). A timer waits its remaining time / speed of wall time, at most FOLLOW_POLL_MS,
 * then looks at `now` again.
 */
export function followingClock(now: () => number, speed: number): Clock {
  return {
    now,
    after(ms, fn) {
      const dueMs = now() + Math.max(0, ms);
      let cancel: (() => void) | null = null;
      let cancelled = false;
      const check = (): void => {
        if (cancelled) return;
        const left = dueMs - now();
        if (left <= 0) {
          fn();
          return;
        }
        cancel = wallTimer(speed > 0 ? Math.min(Math.ceil(left / speed), FOLLOW_POLL_MS) : FOLLOW_POLL_MS, check);
      };
      check();
      return () => {
        cancelled = true;
        cancel?.();
      };
    },
  };
}

/** Resolves after `ms` of the clock's time; rejects with the "closed" error when `signal` aborts. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(closedError());
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(closedError());
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The clock the Node-RED setting `redbackClock` asks for: absent = the host's;
 * `{simulatedAtMs, wallAtMs, speed}` = simulated time that was `simulatedAtMs` at wall time
 * `wallAtMs` and runs `speed` times faster (what the demo writes into its settings.js);
 * `{now(), speed?}` = read from a function, for a simulator in the same process (tests).
 */
export function clockFromSetting(value: unknown): Clock {
  if (value === undefined || value === null) return systemClock;
  const v = value as Record<string, unknown>;
  const speedOf = (s: unknown): number => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) throw new Error(`settings.redbackClock.speed must be a number of 0 or more, got ${describeValue(s)}`);
    return s;
  };
  if (typeof v === 'object' && typeof v.now === 'function') {
    const read = v.now as () => unknown;
    const speed = v.speed === undefined ? 1 : speedOf(v.speed);
    return followingClock(() => {
      const ms = Number(read.call(v));
      if (!Number.isFinite(ms)) throw new Error(`settings.redbackClock.now() must return ms since the epoch, got ${describeValue(ms)}`);
      return ms;
    }, speed);
  }
  if (typeof v === 'object') {
    for (const field of ['simulatedAtMs', 'wallAtMs'] as const) {
      if (typeof v[field] !== 'number' || !Number.isFinite(v[field])) throw new Error(`settings.redbackClock.${field} must be ms since the epoch, got ${describeValue(v[field])}`);
    }
    const simulatedAtMs = v.simulatedAtMs as number;
    const wallAtMs = v.wallAtMs as number;
    const speed = speedOf(v.speed);
    return followingClock(() => simulatedAtMs + (Date.now() - wallAtMs) * speed, speed);
  }
  throw new Error(`settings.redbackClock must be {simulatedAtMs, wallAtMs, speed} or {now(), speed}, got ${describeValue(value)}`);
}

function wallTimer(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(left, MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}
