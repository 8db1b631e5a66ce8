/**
 * The simulator's clock. Simulated time runs `speed` times faster than the wall clock (0 freezes
 * it) and can be moved forward by hand, so demos can run a day in minutes and tests can step
 * exactly one minute at a time.
 */
export interface SimClockOptions {
  /** Simulated time at start, ms since the epoch or an ISO string; default: the wall clock. */
  start?: number | string;
  /** Simulated seconds per wall-clock second; default 1. */
  speed?: number;
  /** Source of wall-clock time; default Date.now. */
  wallNow?: () => number;
}

export class SimClock {
  private readonly wallNow: () => number;
  private anchorWall: number;
  private anchorSim: number;
  private rate: number;

  constructor(options: SimClockOptions = {}) {
    this.wallNow = options.wallNow ?? Date.now;
    this.anchorWall = this.wallNow();
    this.anchorSim = parseStart(options.start, this.anchorWall);
    this.rate = checkSpeed(options.speed ?? 1);
  }

  /** Simulated time, ms since the epoch. */
  now(): number {
    return this.anchorSim + (this.wallNow() - this.anchorWall) * this.rate;
  }

  get speed(): number {
    return this.rate;
  }

  setSpeed(speed: number): void {
    this.reanchor();
    this.rate = checkSpeed(speed);
  }

  /** Moves simulated time forward; the clock never runs backwards. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms} ms`);
    this.reanchor();
    this.anchorSim += ms;
  }

  private reanchor(): void {
    this.anchorSim = this.now();
    this.anchorWall = this.wallNow();
  }
}

function parseStart(start: number | string | undefined, fallback: number): number {
  if (start === undefined) return fallback;
  const ms = typeof start === 'number' ? start : Date.parse(start);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid simulator start time: ${String(start)}`);
  return ms;
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`invalid clock speed: ${speed}`);
  return speed;
}
