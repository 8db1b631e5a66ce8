/**
 * The part of node start-up that the read and control nodes share: a node that cannot work shows
 * why and fails every input with the same reason. No Node-RED import: the node passes itself.
 */
import type { NodeStatusView } from '../util/node-status';

type Done = (err?: Error) => void;

/** What of a Node-RED node the refusal uses. */
export interface RefusingNode {
  status(status: NodeStatusView): void;
  error(message: string): void;
  on(event: 'input', handler: (msg: unknown, send: unknown, done: Done) => void): unknown;
}

/** A red ring with `statusText`, `message` logged once, and every input failed with `message`. */
export function refuse(node: RefusingNode, statusText: string, message: string): void {
  node.status({ fill: 'red', shape: 'ring', text: statusText });
  node.error(message);
  node.on('input', (_msg, _send, done) => done(new Error(message)));
}

/** The node's account (its `redback-config` node), or null after refusing when the node has none. */
export function accountOrRefuse<A>(node: RefusingNode, account: A | null | undefined, nodeType: string): A | null {
  if (account) return account;
  refuse(node, 'no Redback account', `${nodeType} needs a Redback account (redback-config)`);
  return null;
}
