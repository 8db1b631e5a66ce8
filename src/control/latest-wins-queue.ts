/**
 * Runs jobs for one key (an inverter) one at a time, in arrival order; while one runs, a burst of
 * new jobs collapses to the last: the ones it replaces resolve as superseded without running.
 */
export const SUPERSEDED = Symbol('superseded');

interface Pending<T> {
  job: () => Promise<T>;
  resolve: (value: T | typeof SUPERSEDED) => void;
  reject: (err: unknown) => void;
}

export class LatestWinsQueue<T> {
  private readonly running = new Set<string>();
  private readonly pending = new Map<string, Pending<T>>();

  run(key: string, job: () => Promise<T>): Promise<T | typeof SUPERSEDED> {
    return new Promise((resolve, reject) => {
      if (!this.running.has(key)) {
        this.start(key, { job, resolve, reject });
        return;
      }
      this.pending.get(key)?.resolve(SUPERSEDED);
      this.pending.set(key, { job, resolve, reject });
    });
  }

  /** Drops the jobs still waiting (on close); they resolve as superseded. */
  clear(): void {
    for (const p of this.pending.values()) p.resolve(SUPERSEDED);
    this.pending.clear();
  }

  private start(key: string, item: Pending<T>): void {
    this.running.add(key);
    item.job().then(item.resolve, item.reject).finally(() => {
      this.running.delete(key);
      const next = this.pending.get(key);
      if (next) {
        this.pending.delete(key);
        this.start(key, next);
      }
    });
  }
}
