/**
 * `redback-control`: charge, discharge, import, export, conserve, curtail or auto, from a message
 * or from Amber prices. `nodes/` wires; every decision lives in `src/control/`.
 */
import { randomBytes } from 'crypto';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AccountProvider } from '../src/account/account-holder';
import { ControlRunner } from '../src/control/control-runner';
import { journaledStore } from '../src/control/control-store';
import { IntentJournal, journalFile } from '../src/control/intent-journal';
import { notAppliedWarning, readBackPayload, resultPayload, revertRetryText, unchangedPayload } from '../src/control/messages';
import { parseControlSettings, parsePriceStrategy, type ControlNodeConfig } from '../src/control/settings';
import { failureStatus, outcomeStatus, readBackStatus } from '../src/control/status-text';
import { isRedbackError } from '../src/http/errors';
import { isPlanPriceInput, planTickPayload } from '../src/plan-mode/plan-messages';
import { PlanRunner } from '../src/plan-mode/plan-runner';

type AccountNode = Node & AccountProvider;
type Done = (err?: Error) => void;

const STATE_KEY = 'control';
const PLAN_KEY = 'plan';
const REVERT_ON_REMOVE_MS = 10_000;

export = function register(RED: NodeAPI): void {
  function RedbackControl(this: Node, config: NodeDef & ControlNodeConfig & { account: string }): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const refuse = (text: string, message: string, log = false): void => {
      node.status(failureStatus(text));
      if (log) node.error(message);
      node.on('input', (_msg: NodeMessage, _send: unknown, done: Done) => done(new Error(message)));
    };
    const accountNode = RED.nodes.getNode(config.account) as AccountNode | null;
    if (!accountNode) return refuse('no Redback account', 'redback-control needs a Redback account (redback-config)');
    let settings;
    let strategy;
    try {
      settings = parseControlSettings(config, node.id, () => randomBytes(8).toString('hex'));
      strategy = parsePriceStrategy(config);
    } catch (err) {
      return refuse((err as Error).message, (err as Error).message, true);
    }
    const userDir = (RED.settings as { userDir?: unknown }).userDir;
    const journal = new IntentJournal(typeof userDir === 'string' && userDir !== '' ? journalFile(userDir, node.id) : null);
    const context = node.context();
    const store = journaledStore(journal, { get: () => context.get(STATE_KEY), set: (v) => context.set(STATE_KEY, v) });
    let runner: ControlRunner | null = null;
    let closed = false;
    const getRunner = (): ControlRunner => {
      if (runner) return runner;
      runner = new ControlRunner(accountNode.acquire(node), settings, store, {
        reverted: (err, retry) => {
          if (!err) return node.status({ fill: 'grey', shape: 'dot', text: 'auto (portal command ended)' });
          node.status(failureStatus(revertRetryText(retry)));
          node.error(err, { payload: { command: 'auto', revert: true } });
        },
      });
      runner.start();
      return runner;
    };
    let planRunner: PlanRunner | null = null;
    const getPlanRunner = (): PlanRunner => {
      planRunner ??= new PlanRunner({
        account: accountNode.acquire(node),
        control: getRunner(),
        memory: { get: () => context.get(PLAN_KEY), set: (v) => context.set(PLAN_KEY, v) },
        serial: settings.serial,
        dryRun: settings.dryRun,
      });
      return planRunner;
    };

    const planTick = (msg: NodeMessage, send: (m: NodeMessage) => void, done: Done): void => {
      let plan: PlanRunner;
      try {
        plan = getPlanRunner();
      } catch (err) {
        node.status(failureStatus((err as Error).message));
        return done(err as Error);
      }
      plan.tick(msg.payload, (msg as { forecast?: unknown }).forecast).then((tick) => {
        node.status(tick.status);
        send({ ...msg, payload: planTickPayload(tick), plan: tick.plan, planSummary: tick.planSummary } as NodeMessage);
        done();
        for (const result of tick.sent) {
          if (result.kind !== 'done') continue;
          result.readBack?.then((check) => {
            if (closed) return;
            node.send({ ...msg, topic: 'readback', payload: readBackPayload(resultPayload(result.outcome), check) });
            if (!check.applied) {
              node.status(readBackStatus(result.outcome, check));
              node.warn(notAppliedWarning(result.outcome, check));
            }
          }, () => undefined);
        }
      }, (err: unknown) => {
        if (isRedbackError(err) && err.kind === 'closed') return done();
        node.status(failureStatus((err as Error).message));
        done(err as Error);
      });
    };

    node.on('input', (msg: NodeMessage, send: (m: NodeMessage) => void, done: Done) => {
      if (strategy === 'plan' && isPlanPriceInput(msg.payload)) return planTick(msg, send, done);
      let active: ControlRunner;
      try {
        active = getRunner();
      } catch (err) {
        node.status(failureStatus((err as Error).message));
        return done(err as Error);
      }
      active.handle(msg.payload).then((result) => {
        if (result.kind === 'superseded') return done();
        if (result.kind === 'unchanged') {
          send({ ...msg, payload: unchangedPayload(result.decision) });
          return done();
        }
        const payload = resultPayload(result.outcome, result.decision);
        send({ ...msg, payload });
        node.status(outcomeStatus(result.outcome));
        done();
        result.readBack?.then((check) => {
          if (closed) return;
          node.status(readBackStatus(result.outcome, check));
          node.send({ ...msg, topic: 'readback', payload: readBackPayload(payload, check) });
          if (!check.applied) node.warn(notAppliedWarning(result.outcome, check));
        }, () => undefined);
      }, (err: unknown) => {
        if (isRedbackError(err) && err.kind === 'closed') return done();
        node.status(failureStatus((err as Error).message));
        done(err as Error);
      });
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
      planRunner = null;
      const active = runner;
      runner = null;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (active) {
          active.close();
          accountNode.release(node);
        }
        // A deleted node with nothing left to revert leaves no journal behind.
        if (removed && store.load().portalRevert === null) journal.remove();
        done();
      };
      if (!removed || !active) return finish();
      // Deleted or disabled during a portal command: nothing would set Auto later, so do it now
      // (within Node-RED's close timeout).
      const guard = setTimeout(finish, REVERT_ON_REMOVE_MS);
      active.revertNow().catch((err: unknown) => node.error(err)).finally(() => {
        clearTimeout(guard);
        finish();
      });
    });

    // A portal revert a previous run recorded is armed at once (sent at once when its deadline has passed).
    if (store.load().portalRevert !== null) {
      try {
        getRunner();
      } catch (err) {
        node.error(err);
      }
    }
  }

  RED.nodes.registerType('redback-control', RedbackControl);
};
