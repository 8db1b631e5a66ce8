/** Counts the messages that reach some Node-RED helper nodes, and waits for a total without polling. */
import { getNode } from './node-red';

export class MessageCounter {
  count = 0;
  private waiter: { target: number; resolve: () => void } | null = null;

  constructor(nodeIds: string[]) {
    for (const id of nodeIds) {
      getNode(id).on('input', () => {
        this.count++;
        if (this.waiter && this.count >= this.waiter.target) {
          this.waiter.resolve();
          this.waiter = null;
        }
      });
    }
  }

  /** Resolves once `target` messages have arrived in total; rejects after `timeoutMs`. */
  until(target: number, timeoutMs = 60_000): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${target} messages, have ${this.count}`)), timeoutMs);
      this.waiter = { target, resolve: () => { clearTimeout(timer); resolve(); } };
    });
  }

  /** Resolves when no message has arrived for `quietMs`. */
  async quiet(quietMs: number): Promise<void> {
    let seen = -1;
    while (seen !== this.count) {
      seen = this.count;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }
}
