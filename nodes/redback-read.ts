/**
 * `redback-read`: site, inverter and battery messages on a tick. This file only wires Node-RED to
 * src/read/ (see src/README.md): every decision lives there.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { AccountProvider } from '../src/account/account-holder';
import { contextStore } from '../src/node-glue/context-store';
import { accountOrRefuse, refuse } from '../src/node-glue/refusal';
import { periodRecord, periodStore, ReadRunner } from '../src/read/read-runner';
import { readSettings, ReadSettingError, type ReadSettings } from '../src/read/settings';
import { errorText } from '../src/util/error-text';

interface RedbackReadDef extends NodeDef {
  account: string;
  site: string;
  serial: string;
  interval: string | number;
  /** IANA zone for the energy periods; empty: the host's. */
  timeZone?: string;
}

const PERIODS_KEY = 'energyPeriods';

export = function register(RED: NodeAPI): void {
  function RedbackRead(this: Node, config: RedbackReadDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode = accountOrRefuse(node, RED.nodes.getNode(config.account) as (Node & AccountProvider) | null, 'redback-read');
    if (!accountNode) return;
    let settings: ReadSettings;
    try {
      settings = readSettings(config);
    } catch (err) {
      if (!(err instanceof ReadSettingError)) throw err;
      refuse(node, err.statusText, err.message);
      return;
    }

    const runner = new ReadRunner<NodeMessage>(
      settings,
      { acquire: () => accountNode.acquire(node), release: () => accountNode.release(node) },
      periodStore(contextStore(node.context(), PERIODS_KEY, periodRecord)),
      {
        send: (messages) => node.send(messages),
        warn: (text) => node.warn(text),
        status: (status) => node.status(status),
        error: (err) => node.error(errorText(err), {}),
      },
    );

    node.on('input', (msg: NodeMessage, _send: unknown, done: (err?: Error) => void) => {
      runner.input(msg).then(() => done(), (err: unknown) => {
        node.error(errorText(err), msg);
        done();
      });
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      runner.close();
      done();
    });

    runner.start();
  }

  RED.nodes.registerType('redback-read', RedbackRead);
};
