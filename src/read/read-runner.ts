/**
 * Everything a `redback-read` node does, without Node-RED: polls on a tick (in step with the
 * other read nodes of the account), polls when an input arrives, keeps the energy periods in the
 * node's store, and turns each poll into the three outputs' messages and a status.
 *
 * - Polls never overlap: an input during a poll joins it, and the poll's owner reports its outcome.
 * - An input within 2 s of the end of the last completed poll is answered from that poll (the
 *   cloud refreshes once a minute), its messages marked `fromLastPoll: true`, with no request.
 * - A poll that fails because the node closed is silent.
 */
import type { RedbackAccount } from '../account/account';
import { isRedbackError } from '../http/errors';
import { isEnergyPeriodState, type EnergyPeriodState } from '../model/energy-periods';
import { isPlainObject } from '../util/objects';
import { pollMessages, type OutputMessages } from './messages';
import { Poller } from './poller';
import { pollOnce, type PeriodStore, type PollResult } from './read-service';
import type { ReadSettings } from './settings';
import { errorStatus, readingStatus, type StatusView } from './status-text';

/** How long after a completed poll an input is answered from it. */
export const ANSWER_FROM_LAST_POLL_MS = 2000;
export const FIRST_POLL_DELAY_MS = 2000;

/** The account a node holds while it runs: acquired at its first poll, released when it closes. */
export interface AccountLease {
  acquire(): RedbackAccount;
  release(): void;
}

export interface ReadEvents<M> {
  /** One poll's messages for the three outputs (each a copy of the input message with its topic and payload). */
  send(messages: OutputMessages<M>): void;
  warn(text: string): void;
  status(status: StatusView): void;
  /** A timed poll failed (an input's failure rejects its `input()` instead). */
  error(err: unknown): void;
}

export class ReadRunner<M extends object> {
  private readonly poller: Poller<M>;
  private account: RedbackAccount | null = null;
  private closed = false;
  private last: { result: PollResult; endedMs: number } | null = null;

  constructor(
    private readonly settings: ReadSettings,
    private readonly lease: AccountLease,
    private readonly periods: PeriodStore,
    private readonly events: ReadEvents<M>,
    private readonly now: () => number = Date.now,
  ) {
    this.poller = new Poller<M>({
      intervalMs: settings.intervalMs,
      firstDelayMs: FIRST_POLL_DELAY_MS,
      anchorMs: (started) => this.account?.pollAnchor.anchor(started) ?? started,
      poll: (msg) => this.poll(msg ?? ({} as M)),
      onError: (err) => this.report(err),
    });
  }

  start(): void {
    this.poller.start();
  }

  /**
   * An input message: joins the poll under way, is answered from a poll that ended moments ago,
   * or polls now. Resolves once the messages are sent; rejects with the poll's error (never for
   * a node that closed meanwhile, nor for an input that joined another's poll).
   */
  async input(msg: M): Promise<void> {
    if (this.poller.busy) {
      await this.poller.now().catch(() => undefined);
      return;
    }
    const last = this.last;
    if (last && this.now() - last.endedMs <= ANSWER_FROM_LAST_POLL_MS) {
      this.events.send(pollMessages(last.result, { ...msg, fromLastPoll: true as const }));
      return;
    }
    try {
      await this.poller.now(msg);
    } catch (err) {
      if (isClosed(err)) return;
      this.events.status(errorStatus(err));
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    this.poller.stop();
    if (this.account) this.lease.release();
    this.account = null;
    this.last = null;
  }

  private async poll(msg: M): Promise<void> {
    this.account = this.account ?? this.lease.acquire();
    const result = await pollOnce(this.account, this.settings.selection, this.periods, { timeZone: this.settings.timeZone });
    // A poll that outlives the node (the account is shared) must not emit.
    if (this.closed) return;
    this.last = { result, endedMs: this.now() };
    this.events.send(pollMessages(result, msg));
    for (const warning of result.warnings) this.events.warn(warning);
    this.events.status(readingStatus(result, this.now()));
  }

  private report(err: unknown): void {
    if (isClosed(err)) return;
    this.events.status(errorStatus(err));
    this.events.error(err);
  }
}

/** The energy-period state of each site, kept in one record under one key of the node's store. */
export function periodStore(store: { load(): Record<string, unknown>; save(all: Record<string, unknown>): void }): PeriodStore {
  return {
    get: (key) => {
      const state = store.load()[key];
      return isEnergyPeriodState(state) ? state : undefined;
    },
    set: (key, state: EnergyPeriodState) => store.save({ ...store.load(), [key]: state }),
  };
}

/** What the node's context holds under the periods key, as a record (anything else: empty). */
export function periodRecord(stored: unknown): Record<string, unknown> {
  return isPlainObject(stored) ? stored : {};
}

function isClosed(err: unknown): boolean {
  return isRedbackError(err) && err.kind === 'closed';
}
