/**
 * Runs a poll every `intervalMs`, the first one shortly after start. Polls never overlap: a poll
 * asked for while one is under way joins that one instead of starting another. A failed poll
 * leaves the timer running. `stop()` clears the timer for good.
 *
 * With `anchorMs`, the polls after the first fall on anchor + k × intervalMs. Pollers that share
 * an anchor and an interval then poll together, so their identical reads share one request,
 * however far apart they were started; counted from each poll's own start, timers that began
 * together drift apart by a few ms a tick and soon miss each other's requests.
 *
 * A timed poll due within half an interval of the start of a poll `now()` completed is skipped:
 * the timer moves on to the next instant of the cadence instead.
 */
export interface PollerOptions<T> {
  intervalMs: number;
  /** Delay before the first poll. */
  firstDelayMs: number;
  /** `trigger` is what `now()` was given; undefined for timer-driven polls. */
  poll: (trigger?: T) => Promise<void>;
  /** Receives a failed timer-driven poll's error (polls asked for by `now()` reject instead). */
  onError: (err: unknown) => void;
  /** Given the start of the poll just made, the instant the cadence is counted from (see above); default: that start. */
  anchorMs?: (started: number) => number;
}

export class Poller<T = unknown> {
  private timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires (Date.now() scale). */
  private timerDueMs = 0;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: PollerOptions<T>) {}

  start(): void {
    this.schedule(this.options.firstDelayMs);
  }

  /** Polls now, or joins the poll under way (then `trigger` is not used); rejects with the poll's error. */
  now(trigger?: T): Promise<void> {
    if (this.running) return this.running;
    if (this.stopped) return Promise.resolve();
    const started = Date.now();
    let completed = false;
    this.running = this.options.poll(trigger).then(() => {
      completed = true;
    }).finally(() => {
      this.running = null;
      if (this.stopped) return;
      const timerTooSoon = completed && this.timer !== null && this.timerDueMs - started < this.options.intervalMs / 2;
      if (this.timer === null || timerTooSoon) this.schedule(this.delayAfter(started));
    });
    return this.running;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** How long to wait for the next timer-driven poll after a poll that started at `started`. */
  private delayAfter(started: number): number {
    const { intervalMs, anchorMs } = this.options;
    const anchor = anchorMs ? anchorMs(started) : started;
    // The first instant on the anchor's grid at least half an interval after this poll started.
    const earliest = started + intervalMs / 2;
    const next = earliest + positiveModulo(anchor - earliest, intervalMs);
    return Math.max(0, next - Date.now());
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueMs = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      // A poll asked for by now() is under way: its caller reports the outcome, and it reschedules the timer.
      if (this.running) return;
      this.now().catch((err) => this.options.onError(err));
    }, delayMs);
  }
}

function positiveModulo(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}
