/**
 * A `redback-control` node in a test flow against the simulator: the node, its `redback-config`,
 * a helper sink on its output and a Catch node wired to a sink, with everything the node sends,
 * shows, warns and reports collected as it happens; every HTTP request the package makes, with
 * its body; and a context store that outlives `helper.unload()`, as a file store outlives a
 * Node-RED restart.
 */
import type { NodeMessage, NodeStatus } from 'node-red';
import helper from 'node-red-node-test-helper';
import sinon from 'sinon';
import configNode = require('../../nodes/redback-config');
import controlNode = require('../../nodes/redback-control');
import type { AccountCredentials, RedbackAccount } from '../../src/account/account';
import { Transport, type HttpRequest } from '../../src/http/transport';
import type { RedbackSimulator } from '../../src/sim';
import { simCredentials } from './account';
import { realDelay, waitUntil } from './real-time';

// Re-exported: the tests take them from here with the flow helpers.
export { realDelay, waitUntil };

export const IDS = { tab: 'tab', account: 'acc', control: 'ctl', out: 'out', catcher: 'catch', caught: 'caught' };

/** The node's settings as the editor saves them (strings where the editor has text inputs). */
export interface ControlSettings {
  serial?: string;
  method?: 'schedule' | 'portal';
  durationMinutes?: number | string;
  dryRun?: boolean;
  pricePolicy?: boolean;
  chargeBelow?: number | string;
  dischargeAbove?: number | string;
  dischargeMinSoc?: number | string;
  curtailWhenFeedInFree?: boolean;
  pricePowerW?: number | string;
  actOnEstimates?: boolean;
  priceSource?: 'amber' | 'homeassistant';
  haIntervalMinutes?: number | string;
  priceStrategy?: 'thresholds' | 'plan';
}

export interface ControlFlowOptions {
  /** The config node's credentials; default the simulator's account (API and portal). */
  credentials?: AccountCredentials;
  /** Keep the node's context in the persistent test store (see usePersistentContext). */
  persistentContext?: boolean;
}

export type Msg = NodeMessage & { payload: any; topic?: string; [key: string]: unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Caught = NodeMessage & { error: { message: string; source: { id: string } }; payload: unknown };

export interface ControlNodeView {
  id: string;
  receive(msg: object): void;
  context(): { get(key: string): unknown; set(key: string, value: unknown): void };
  on(event: string, listener: (...args: any[]) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ControlFlow {
  node: ControlNodeView;
  /** Messages on the node's output, in order (results and read-backs). */
  out: Msg[];
  /** What the Catch node caught. */
  caught: Caught[];
  statuses: NodeStatus[];
  warnings: unknown[];
  /** Sends `payload` to the node (as msg.payload, with msg.topic "test"). */
  send(payload: unknown, extra?: object): void;
  /** Waits until `count` output messages have arrived in total; returns the last. */
  output(count: number): Promise<Msg>;
  /** Waits until `count` messages have been caught in total; returns the last. */
  error(count: number): Promise<Caught>;
  lastStatus(): NodeStatus | undefined;
  /** What the node keeps in its context. */
  state(): { schedules: { serial: string; scheduleId: string }[]; envelopes: string[]; portalRevert: { serial: string; atMs: number } | null; decision: unknown } | undefined;
}

/** The flow nodes and credentials for one control node with a sink and a Catch node. */
export function controlFlowConfig(sim: RedbackSimulator, settings: ControlSettings = {}, options: ControlFlowOptions = {}): { flow: object[]; credentials: Record<string, AccountCredentials> } {
  // A node on a tab needs x and y, or the runtime takes it for a config node of that tab.
  const [z, x, y] = [IDS.tab, 100, 100];
  return {
    flow: [
      { id: IDS.tab, type: 'tab', label: 'test' },
      { id: IDS.account, type: 'redback-config', name: 'sim', apiUrl: sim.url, portalUrl: sim.url, z },
      {
        id: IDS.control, type: 'redback-control', z, x, y, name: '', account: IDS.account,
        serial: '', method: 'schedule', durationMinutes: 30, dryRun: false,
        pricePolicy: false, chargeBelow: '', dischargeAbove: '', dischargeMinSoc: 20, curtailWhenFeedInFree: true,
        pricePowerW: 5000, actOnEstimates: false, priceSource: 'amber', haIntervalMinutes: 30,
        ...settings,
        wires: [[IDS.out]],
      },
      { id: IDS.out, type: 'helper', z, x, y },
      { id: IDS.catcher, type: 'catch', z, x, y, scope: null, uncaught: false, wires: [[IDS.caught]] },
      { id: IDS.caught, type: 'helper', z, x, y },
    ],
    credentials: { [IDS.account]: options.credentials ?? simCredentials() },
  };
}

/** Deploys the flow and starts collecting. */
export async function loadControlFlow(sim: RedbackSimulator, settings: ControlSettings = {}, options: ControlFlowOptions = {}): Promise<ControlFlow> {
  const { flow, credentials } = controlFlowConfig(sim, settings, options);
  const modules: unknown[] = [configNode, controlNode];
  // The test helper never loads the configured context stores; this "module" does it between
  // the runtime's init and the start of the flows, as Node-RED's own start-up does.
  if (options.persistentContext) modules.push(() => (helper as unknown as HelperInternals)._redNodes.loadContextsPlugin());
  await helper.load(modules as Parameters<typeof helper.load>[0], flow as Parameters<typeof helper.load>[1], credentials);
  return observe();
}

/** Starts collecting what the deployed control node and the sinks see. */
function observe(): ControlFlow {
  const node = helper.getNode(IDS.control) as unknown as ControlNodeView;
  const collect = <T>(id: string): T[] => {
    const list: T[] = [];
    (helper.getNode(id) as unknown as ControlNodeView).on('input', (msg: T) => list.push(msg));
    return list;
  };
  const view: ControlFlow = {
    node,
    out: collect(IDS.out),
    caught: collect(IDS.caught),
    statuses: [],
    warnings: [],
    send: (payload, extra = {}) => node.receive({ topic: 'test', payload, ...extra }),
    output: async (count) => {
      await waitUntil(() => view.out.length >= count, () => `${count} output message(s), have ${view.out.length}; caught ${JSON.stringify(view.caught.map((c) => c.error.message))}`);
      return view.out[count - 1];
    },
    error: async (count) => {
      await waitUntil(() => view.caught.length >= count, () => `${count} caught error(s), have ${view.caught.length}; output ${JSON.stringify(view.out.map((m) => m.payload))}`);
      return view.caught[count - 1];
    },
    lastStatus: () => view.statuses[view.statuses.length - 1],
    state: () => node.context().get('control') as ReturnType<ControlFlow['state']>,
  };
  // The test helper's spies report each call as a `call:<method>` event on the node.
  node.on('call:status', (call: { args: [NodeStatus] }) => view.statuses.push(call.args[0]));
  node.on('call:warn', (call: { args: unknown[] }) => view.warnings.push(call.args[0]));
  return view;
}

interface HelperInternals {
  _redNodes: { loadContextsPlugin(): Promise<unknown> };
}

/** The statuses the control node showed while it was deployed (before a flow's observers were attached). */
export function deployStatuses(): unknown[] {
  const spy = (helper as unknown as { _NodePrototype: { status: sinon.SinonSpy } })._NodePrototype.status;
  return spy.getCalls().filter((c) => (c.thisValue as { id: string }).id === IDS.control).map((c) => c.args[0]);
}

/** The shared account the config node hands out (the one the control node uses). */
export function sharedAccount(): RedbackAccount {
  const config = helper.getNode(IDS.account) as unknown as { acquire(user: { id: string }): RedbackAccount };
  return config.acquire({ id: OBSERVER });
}

/** Lets go of the account sharedAccount() took, as a node would on close (the config node waits for its users). */
export function releaseSharedAccount(): void {
  const config = helper.getNode(IDS.account) as unknown as { release(user: { id: string }): void } | null;
  config?.release({ id: OBSERVER });
}

const OBSERVER = 'test-observer';

// ---- every request the package sends ----------------------------------------------------------

export interface SentRequest {
  method: string;
  /** Path without host and query, e.g. /Api/v2/Schedule/Create/By/SerialNumber. */
  path: string;
  /** JSON bodies parsed; form bodies as an object of their fields; undefined without a body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Order in the log of starts and ends of all requests (for "one at a time"). */
  started: number;
  ended: number | null;
}

/** Records every Transport request (every HTTP exchange of every account) until `restore()`. */
export function recordRequests(): { list: SentRequest[]; writes(): SentRequest[]; settled(): Promise<void>; restore(): void } {
  const list: SentRequest[] = [];
  let step = 0;
  const original = Transport.prototype.request;
  const stub = sinon.stub(Transport.prototype, 'request').callsFake(function (this: Transport, req: HttpRequest) {
    const url = new URL(req.url);
    const entry: SentRequest = { method: req.method, path: url.pathname, body: parseBody(req), started: step++, ended: null };
    list.push(entry);
    return original.call(this, req).finally(() => {
      entry.ended = step++;
    });
  });
  return {
    list,
    writes: () => list.filter((r) => r.method !== 'GET' && !/\/Auth\/token$|\/Account\/Login$/i.test(r.path)),
    /** Waits until every request under way has its answer, and a little for what follows it. */
    settled: async () => {
      await waitUntil(() => list.every((r) => r.ended !== null), 'the requests under way');
      await realDelay(10);
    },
    restore: () => stub.restore(),
  };
}

function parseBody(req: HttpRequest): unknown {
  if (req.body === undefined) return undefined;
  const type = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (/json/i.test(type)) return JSON.parse(req.body);
  if (/x-www-form-urlencoded/i.test(type)) return Object.fromEntries(new URLSearchParams(req.body));
  return req.body;
}

// ---- a context store that survives helper.unload() --------------------------------------------

const persisted = new Map<string, Map<string, unknown>>();

/**
 * Node-RED's context-store interface over a map that lives as long as the test process. Its
 * `clean` keeps everything: helper.unload() cleans with no active nodes, where a restarted
 * Node-RED would still know the node.
 */
function persistentStore(): object {
  const scope = (name: string): Map<string, unknown> => {
    let map = persisted.get(name);
    if (!map) persisted.set(name, (map = new Map()));
    return map;
  };
  const copy = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  return {
    open: () => Promise.resolve(),
    close: () => Promise.resolve(),
    get(s: string, key: string | string[], cb?: (err: unknown, ...values: unknown[]) => void) {
      const values = (Array.isArray(key) ? key : [key]).map((k) => copy(scope(s).get(k)));
      if (cb) return cb(null, ...values);
      return Array.isArray(key) ? values : values[0];
    },
    set(s: string, key: string | string[], value: unknown, cb?: (err: unknown) => void) {
      const keys = Array.isArray(key) ? key : [key];
      const values = Array.isArray(key) ? (value as unknown[]) : [value];
      keys.forEach((k, i) => (values[i] === undefined ? scope(s).delete(k) : scope(s).set(k, copy(values[i]))));
      if (cb) cb(null);
    },
    keys(s: string, cb?: (err: unknown, keys: string[]) => void) {
      const keys = [...scope(s).keys()];
      if (cb) return cb(null, keys);
      return keys;
    },
    delete: (s: string) => {
      persisted.delete(s);
      return Promise.resolve();
    },
    clean: () => Promise.resolve(),
  };
}

/**
 * Configures the persistent store as Node-RED's default context store (used by flows loaded with
 * `persistentContext: true`); call the returned function to go back to the defaults and forget
 * what was stored.
 */
export function usePersistentContext(): () => void {
  persisted.clear();
  // The typings say a module name; Node-RED also takes the module itself.
  helper.settings({ contextStorage: { default: { module: persistentStore as unknown as string } } });
  return () => {
    persisted.clear();
    helper.settings({});
  };
}
