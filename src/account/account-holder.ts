/**
 * One account per config node, shared by the nodes that use it: made when the first user
 * arrives, closed (every socket and timer released) when the last one leaves or the config node
 * closes.
 */
import type { RedbackAccount } from './account';

/** What a `redback-config` node offers the nodes that use it. */
export interface AccountProvider {
  /** The shared account; throws a `config` error for bad settings. */
  acquire(user: { id: string }): RedbackAccount;
  release(user: { id: string }): void;
}

const EDITOR = '\u0000editor';

export class AccountHolder {
  private account: RedbackAccount | null = null;
  private readonly users = new Set<string>();
  private onReleased: (() => void) | null = null;
  /** The last account's shutdown (a portal log-off, then closing), for closeWhenReleased. */
  private closing: Promise<void> = Promise.resolve();
  /** Keeps the account (its token and site list) for the editor a while after it asked. */
  private lendTimer: NodeJS.Timeout | null = null;

  constructor(private readonly create: () => RedbackAccount) {}

  /** The shared account; throws whatever creating it throws (a `config` error for a bad URL). */
  acquire(userId: string): RedbackAccount {
    if (!this.account) this.account = this.create();
    this.users.add(userId);
    return this.account;
  }

  /**
   * The account for the editor's site list, kept `keepMs` after the last such call even when no
   * node holds it, so repeated listings reuse the token and the cached sites.
   */
  lend(keepMs: number): RedbackAccount {
    const account = this.acquire(EDITOR);
    if (this.lendTimer) clearTimeout(this.lendTimer);
    this.lendTimer = setTimeout(() => {
      this.lendTimer = null;
      this.release(EDITOR);
    }, keepMs);
    this.lendTimer.unref?.();
    return account;
  }

  release(userId: string): void {
    this.users.delete(userId);
    if (this.users.size === 0) {
      this.close();
      this.onReleased?.();
    }
  }

  /**
   * Closes once every user has released the account, or after `timeoutMs`. Node-RED stops a
   * config node together with its users; a user may still need the account to finish (the
   * control node sets Auto when it is deleted during a portal command).
   */
  closeWhenReleased(timeoutMs: number): Promise<void> {
    this.endLoan();
    if (this.users.size === 0) {
      this.close();
      return this.closing;
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onReleased = null;
        this.close();
        void this.closing.then(resolve);
      }, timeoutMs);
      this.onReleased = () => {
        clearTimeout(timer);
        this.onReleased = null;
        void this.closing.then(resolve);
      };
    });
  }

  private endLoan(): void {
    if (this.lendTimer) clearTimeout(this.lendTimer);
    this.lendTimer = null;
    this.users.delete(EDITOR);
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Forgets the account at once; its shutdown (portal log-off, then close) finishes in `closing`. */
  close(): void {
    this.endLoan();
    this.users.clear();
    const account = this.account;
    this.account = null;
    if (account) this.closing = account.shutdown();
  }
}
