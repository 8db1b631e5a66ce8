/** Values kept for a fixed time, each loaded by one request however many callers wait for it. */
import { SingleFlight } from './single-flight';

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly loads = new SingleFlight<V>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  async get(key: string, load: () => Promise<V>, force = false): Promise<V> {
    const entry = this.entries.get(key);
    if (!force && entry && entry.expiresAt > this.now()) return entry.value;
    return this.loads.run(key, async () => {
      const value = await load();
      this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
      return value;
    });
  }

  /** The cached value even if stale, or undefined. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  clear(): void {
    this.entries.clear();
  }
}
