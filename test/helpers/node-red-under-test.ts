/**
 * The node-red the node tests run against: the devDependency, or the install that
 * scripts/compat.js names in REDBACK_NODE_RED (a node-red package directory).
 */
import path from 'path';

export const NODE_RED_DIR = process.env.REDBACK_NODE_RED
  ? path.resolve(process.env.REDBACK_NODE_RED)
  : path.dirname(require.resolve('node-red/package.json'));

/** The runtime module, for node-red-node-test-helper's `init`. */
export const NODE_RED_RUNTIME = require.resolve(NODE_RED_DIR);

/** The command-line entry point, for real `node-red` processes. */
export const NODE_RED_CLI = path.join(NODE_RED_DIR, 'red.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const NODE_RED_VERSION: string = require(path.join(NODE_RED_DIR, 'package.json')).version;
