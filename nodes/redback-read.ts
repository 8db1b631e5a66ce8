/** `redback-read`: site, inverter and battery messages on a tick. */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { RedbackAccount } from '../src/account/account';
import type { AccountProvider } from '../src/account/account-holder';
import { isRedbackError } from '../src/http/errors';
import { isEnergyPeriodState, type EnergyPeriodState } from '../src/model/energy-periods';
import { pollMessages } from '../src/read/messages';
import { Poller } from '../src/read/poller';
import { pollOnce, type PeriodStore, type PollResult } from '../src/read/read-service';
import { errorStatus, readingStatus } from '../src/read/status-text';
import { parseTimeZone } from '../src/model/time-zone';
import { errorText } from '../src/util/error-text';

interface RedbackReadDef extends NodeDef {
  account: string;
  site: string;
  serial: string;
  interval: string | number;
  /** IANA zone for the energy periods; empty: the host's. */
  timeZone?: string;
}

type AccountNode = Node & AccountProvider;

const DEFAULT_INTERVAL_S = 60;
const MIN_INTERVAL_S = 10;
/** The editor's maximum; beyond 2^31-1 ms (24.8 days) Node's setTimeout fires after 1 ms instead. */
const MAX_INTERVAL_S = 86_400;
const FIRST_POLL_DELAY_MS = 2000;
const PERIODS_KEY = 'energyPeriods';

export = function register(RED: NodeAPI): void {
  function RedbackRead(this: Node, config: RedbackReadDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode = RED.nodes.getNode(config.account) as AccountNode | null;
    const intervalS = Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, Number(config.interval) || DEFAULT_INTERVAL_S));
    const selection = { site: config.site ?? '', serial: config.serial ?? '' };
    /** A node that cannot work shows why, and fails every input with the same reason. */
    const refuse = (statusText: string, message: string): void => {
      node.status({ fill: 'red', shape: 'ring', text: statusText });
      node.error(message);
      node.on('input', (_msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => done(new Error(message)));
    };
    if (!accountNode) {
      refuse('no Redback account', 'redback-read needs a Redback account (redback-config)');
      return;
    }
    let timeZone: string | undefined;
    try {
      timeZone = parseTimeZone(config.timeZone);
    } catch (err) {
      refuse('invalid time zone', (err as Error).message);
      return;
    }

    const context = node.context();
    const periods: PeriodStore = {
      get: (key) => {
        const all = context.get(PERIODS_KEY) as Record<string, unknown> | undefined;
        const state = all?.[key];
        return isEnergyPeriodState(state) ? state : undefined;
      },
      set: (key, state: EnergyPeriodState) => {
        const all = { ...((context.get(PERIODS_KEY) as Record<string, unknown> | undefined) ?? {}), [key]: state };
        context.set(PERIODS_KEY, all);
      },
    };

    let account: RedbackAccount | null = null;
    let closed = false;
    const poll = async (msg: NodeMessage): Promise<void> => {
      account = account ?? accountNode.acquire(node);
      const result = await pollOnce(account, selection, periods, { timeZone });
      // A poll that outlives the node (the account is shared) must not emit.
      if (!closed) emit(result, msg);
    };
    const emit = (result: PollResult, msg: NodeMessage): void => {
      node.send(pollMessages(result, msg));
      for (const warning of result.warnings) node.warn(warning);
      node.status(readingStatus(result, Date.now()));
    };
    const report = (err: unknown, msg: NodeMessage): void => {
      if (isRedbackError(err) && err.kind === 'closed') return;
      node.status(errorStatus(err));
      node.error(errorText(err), msg);
    };

    const poller = new Poller<NodeMessage>({
      intervalMs: intervalS * 1000,
      firstDelayMs: FIRST_POLL_DELAY_MS,
      anchorMs: (started) => account?.pollAnchor.anchor(started) ?? started,
      poll: (msg) => poll(msg ?? {}),
      onError: (err) => report(err, {}),
    });

    node.on('input', (msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => {
      if (poller.busy) {
        // Polls never overlap: this message joins the poll under way, whose owner reports its outcome.
        poller.now().then(() => done(), () => done());
        return;
      }
      poller.now(msg).then(
        () => done(),
        (err: unknown) => {
          if (isRedbackError(err) && err.kind === 'closed') {
            done();
            return;
          }
          node.status(errorStatus(err));
          node.error(errorText(err), msg);
          done();
        },
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      poller.stop();
      if (account) accountNode.release(node);
      account = null;
      done();
    });

    poller.start();
  }

  RED.nodes.registerType('redback-read', RedbackRead);
};
