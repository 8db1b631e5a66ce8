/**
 * `redback-control`: charge, discharge, import, export, conserve, curtail or auto, from a message
 * or from Amber prices. `nodes/` wires; every decision lives in `src/control/`.
 */
import { randomBytes } from 'crypto';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AccountProvider } from '../src/account/account-holder';
import { ControlRunner, type RunnerSettings } from '../src/control/control-runner';
import { nodeStore } from '../src/control/control-store';
import { failureOf, respond, REVERT_MESSAGE, revertStatus } from '../src/control/messages';
import { parseControlSettings, parsePriceStrategy, type ControlNodeConfig, type PriceStrategy } from '../src/control/settings';
import { failureStatus } from '../src/control/status-text';
import { planRespond, takenByPlan } from '../src/plan-mode/plan-messages';
import { PlanRunner } from '../src/plan-mode/plan-runner';
import { clockFromSetting, type Clock } from '../src/util/clock';
import { errorText } from '../src/util/error-text';

type AccountNode = Node & AccountProvider;
type Done = (err?: Error) => void;

const STATE_KEY = 'control';
const PLAN_KEY = 'plan';

export = function register(RED: NodeAPI): void {
  function RedbackControl(this: Node, config: NodeDef & ControlNodeConfig & { account: string }): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const refuse = (message: string, log: boolean, status = message): void => {
      node.status(failureStatus(status));
      if (log) node.error(message);
      node.on('input', (_msg: NodeMessage, _send: unknown, done: Done) => done(new Error(message)));
    };
    const accountNode = RED.nodes.getNode(config.account) as AccountNode | null;
    if (!accountNode) return refuse('redback-control needs a Redback account (redback-config)', false, 'no Redback account');
    let settings: RunnerSettings;
    let strategy: PriceStrategy | null;
    let clock: Clock;
    try {
      settings = parseControlSettings(config, node.id, () => randomBytes(8).toString('hex'));
      strategy = parsePriceStrategy(config);
      clock = clockFromSetting((RED.settings as { redbackClock?: unknown }).redbackClock);
    } catch (err) {
      return refuse((err as Error).message, true);
    }
    const { store, forget } = nodeStore((RED.settings as { userDir?: unknown }).userDir, node.id, node.context(), STATE_KEY);
    let runner: ControlRunner | null = null;
    let closed = false;
    const getRunner = (): ControlRunner => {
      if (runner) return runner;
      runner = new ControlRunner(accountNode.acquire(node), settings, store, {
        reverted: (err, retry) => {
          node.status(revertStatus(err, retry));
          if (err) node.error(errorText(err), REVERT_MESSAGE);
        },
      }, clock);
      runner.start();
      return runner;
    };

    let planRunner: PlanRunner | null = null;
    const getPlanRunner = (): PlanRunner => {
      const context = node.context();
      planRunner ??= new PlanRunner({
        account: accountNode.acquire(node),
        control: getRunner(),
        memory: { get: () => context.get(PLAN_KEY), set: (v) => context.set(PLAN_KEY, v) },
        serial: settings.serial,
        dryRun: settings.dryRun,
        now: () => clock.now(),
      });
      return planRunner;
    };
    const fail = (err: unknown, msg: NodeMessage, done: Done): void => {
      const status = failureOf(err);
      if (status) {
        node.status(status);
        node.error(errorText(err), msg);
      }
      done();
    };

    const planTick = (msg: NodeMessage, send: (m: NodeMessage) => void, done: Done): void => {
      let plan: PlanRunner;
      try {
        plan = getPlanRunner();
      } catch (err) {
        return fail(err, msg, done);
      }
      plan.tick(msg.payload, (msg as { forecast?: unknown }).forecast).then((tick) => {
        const response = planRespond(tick, msg);
        node.status(response.status);
        send(response.message);
        done();
        for (const readBack of response.readBacks) {
          readBack.then((later) => {
            if (closed) return;
            node.send(later.message);
            if (later.status) node.status(later.status);
            if (later.warning) node.warn(later.warning);
          }, () => undefined);
        }
      }, (err: unknown) => fail(err, msg, done));
    };

    node.on('input', (msg: NodeMessage, send: (m: NodeMessage) => void, done: Done) => {
      if (takenByPlan(strategy, msg.payload)) return planTick(msg, send, done);
      let active: ControlRunner;
      try {
        active = getRunner();
      } catch (err) {
        return fail(err, msg, done);
      }
      active.handle(msg.payload).then((result) => {
        const response = respond(result, msg);
        if (response.message) send(response.message);
        if (response.status) node.status(response.status);
        done();
        response.readBack?.then((later) => {
          if (closed) return;
          node.status(later.status);
          node.send(later.message);
          if (later.warning) node.warn(later.warning);
        }, () => undefined);
      }, (err: unknown) => fail(err, msg, done));
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
      planRunner = null;
      const active = runner;
      runner = null;
      void (active ? active.shutdown(removed) : Promise.resolve(null)).then((err) => {
        if (err) node.error(errorText(err));
        if (active) accountNode.release(node);
        if (removed) forget();
        done();
      });
    });

    // A portal revert a previous run recorded is armed at once (sent at once when its deadline has passed).
    if (store.load().portalRevert !== null) {
      try {
        getRunner();
      } catch (err) {
        node.error(errorText(err));
      }
    }
  }

  RED.nodes.registerType('redback-control', RedbackControl);
};
