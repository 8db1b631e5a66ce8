/** `redback-control`: charge, discharge, import, export, conserve, curtail or auto, from a message or from Amber prices. */
import { randomBytes } from 'crypto';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AccountProvider } from '../src/account/account-holder';
import { readState, type ControlState } from '../src/control/control-state';
import { ControlRunner, type RunnerSettings } from '../src/control/control-runner';
import { failureStatus, outcomeStatus, readBackStatus } from '../src/control/status-text';
import { isRedbackError } from '../src/http/errors';
import { errorText } from '../src/util/error-text';

interface RedbackControlDef extends NodeDef {
  account: string;
  serial: string;
  method: string;
  durationMinutes: string | number;
  dryRun: boolean;
  pricePolicy: boolean;
  chargeBelow: string | number;
  dischargeAbove: string | number;
  dischargeMinSoc: string | number;
  curtailWhenFeedInFree: boolean;
  pricePowerW: string | number;
  actOnEstimates: boolean;
  priceSource: string;
  haIntervalMinutes: string | number;
}

type AccountNode = Node & AccountProvider;

const STATE_KEY = 'control';
const REVERT_ON_REMOVE_MS = 10_000;

export = function register(RED: NodeAPI): void {
  function RedbackControl(this: Node, config: RedbackControlDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode = RED.nodes.getNode(config.account) as AccountNode | null;
    if (!accountNode) {
      node.status(failureStatus('no Redback account'));
      node.on('input', (_msg: NodeMessage, _send: unknown, done: (err?: Error) => void) =>
        done(new Error('redback-control needs a Redback account (redback-config)')));
      return;
    }
    if (config.method === 'portal' && !(RED.settings as { contextStorage?: unknown }).contextStorage) {
      node.warn('the portal method keeps its revert-to-Auto deadline in context: configure a persistent contextStorage in settings.js so a restart still reverts on time');
    }
    const context = node.context();
    const store = {
      load: (): ControlState => readState(context.get(STATE_KEY)),
      save: (state: ControlState): void => context.set(STATE_KEY, state),
    };
    let runner: ControlRunner | null = null;
    let closed = false;
    const getRunner = (): ControlRunner => {
      if (!runner) {
        runner = new ControlRunner(accountNode.acquire(node), settingsFrom(node.id, config), store, {
          reverted: (err) => {
            if (err) {
              node.status(failureStatus('revert to Auto failed; retrying'));
              node.error(errorText(err), { payload: { command: 'auto', revert: true } });
            } else {
              node.status({ fill: 'grey', shape: 'dot', text: 'auto (portal command ended)' });
            }
          },
        });
        runner.start();
      }
      return runner;
    };

    node.on('input', (msg: NodeMessage, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      let active: ControlRunner;
      try {
        active = getRunner();
      } catch (err) {
        node.status(failureStatus((err as Error).message));
        node.error(errorText(err), msg);
        done();
        return;
      }
      active.handle(msg.payload).then((result) => {
        if (result.kind === 'superseded') {
          done();
          return;
        }
        if (result.kind === 'unchanged') {
          send({ ...msg, payload: { ok: true, sent: false, decision: result.decision } });
          done();
          return;
        }
        const payload = { ...result.outcome, applied: null, ...(result.decision ? { decision: result.decision } : {}) };
        send({ ...msg, payload });
        node.status(outcomeStatus(result.outcome));
        done();
        result.readBack?.then((check) => {
          if (closed) return;
          node.status(readBackStatus(result.outcome, check));
          node.send({ ...msg, topic: 'readback', payload: { ...payload, applied: check.applied, reportedMode: check.reported } });
          if (!check.applied) node.warn(`${result.outcome.command} was accepted but inverter ${result.outcome.serial} still reports ${check.reported?.mode ?? 'no mode'} after ${check.checks} reads`);
        }, () => undefined);
      }, (err: unknown) => {
        if (isRedbackError(err) && err.kind === 'closed') {
          done();
          return;
        }
        node.status(failureStatus((err as Error).message));
        node.error(errorText(err), msg);
        done();
      });
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
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
        done();
      };
      if (!removed || !active) {
        finish();
        return;
      }
      // Deleted or disabled during a portal command: nothing would set Auto later, so do it now
      // (within Node-RED's close timeout).
      const guard = setTimeout(finish, REVERT_ON_REMOVE_MS);
      active.revertNow().catch((err: unknown) => node.error(errorText(err))).finally(() => {
        clearTimeout(guard);
        finish();
      });
    });

    // A portal command that was active before a restart must still be reverted on time.
    if (readState(context.get(STATE_KEY)).portalRevert) {
      try {
        getRunner();
      } catch (err) {
        node.error(errorText(err));
      }
    }
  }

  RED.nodes.registerType('redback-control', RedbackControl);
};

function settingsFrom(nodeId: string, config: RedbackControlDef): RunnerSettings {
  const optionalNumber = (v: unknown): number | null => (v === '' || v === undefined || v === null ? null : Number(v));
  return {
    nodeId,
    serial: (config.serial ?? '').trim(),
    method: config.method === 'portal' ? 'portal' : 'schedule',
    dryRun: config.dryRun === true,
    random: () => randomBytes(8).toString('hex'),
    durationMinutes: Number(config.durationMinutes) || 30,
    prices: config.pricePolicy
      ? {
          chargeBelowCents: optionalNumber(config.chargeBelow),
          dischargeAboveCents: optionalNumber(config.dischargeAbove),
          dischargeMinSocPct: Number(config.dischargeMinSoc ?? 20),
          curtailWhenFeedInFree: config.curtailWhenFeedInFree === true,
          powerW: Number(config.pricePowerW) || 0,
          actOnEstimates: config.actOnEstimates === true,
          source: config.priceSource === 'homeassistant' ? 'homeassistant' : 'amber',
          haIntervalMinutes: Number(config.haIntervalMinutes) || 30,
        }
      : null,
  };
}
