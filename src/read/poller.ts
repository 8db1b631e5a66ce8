/**
 * Runs a poll every `intervalMs`, the first one shortly after start. Polls never overlap: a poll
 * asked for while one is under way joins that one instead of starting another. A failed poll
 * leaves the timer running. `stop()` clears the timer for good.
 */
export interface PollerOptions<T> {
  intervalMs: number;
  /** Delay before the first poll. */
  firstDelayMs: number;
  /** `trigger` is what `now()` was given; undefined for timer-driven polls. */
  poll: (trigger?: T) => Promise<void>;
  /** Receives a failed timer-driven poll's error (polls asked for by `now()` reject instead). */
  onError: (err: unknown) => void;
}

export class Poller<T = unknown> {
  private timer: NodeJS.Timeout | null = null;
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
    this.running = this.options.poll(trigger).finally(() => {
      this.running = null;
      if (!this.stopped && this.timer === null) this.schedule(Math.max(0, this.options.intervalMs - (Date.now() - started)));
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

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A poll asked for by now() is under way: its caller reports the outcome, and it reschedules the timer.
      if (this.running) return;
      this.now().catch((err) => this.options.onError(err));
    }, delayMs);
  }
}
