/**
 * A `redback-read` node in a test flow against the simulator: the node, a `redback-config` node,
 * a helper sink on each output and a Catch node wired to a sink, with everything the node sends,
 * shows and reports collected as it happens.
 */
import type { NodeMessage, NodeStatus } from 'node-red';
import helper from 'node-red-node-test-helper';
import configNode = require('../../nodes/redback-config');
import readNode = require('../../nodes/redback-read');
import type { AccountCredentials } from '../../src/account/account';
import type { BatteryPayload, InverterPayload, SitePayload } from '../../src/model/payloads';
import type { RedbackSimulator } from '../../src/sim';
import type { EnergyCounters } from '../../src/sim/types';
import { simCredentials } from './account';
import { realDelay, waitUntil } from './real-time';

// Re-exported: the tests take them from here with the flow helpers.
export { realDelay, waitUntil };

export type Msg<P> = NodeMessage & { payload: P; [key: string]: unknown };

export interface ReadNodeView {
  id: string;
  receive(msg: object): void;
  context(): { get(key: string): unknown; set(key: string, value: unknown): void };
  on(event: string, listener: (...args: any[]) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ReadFlowOptions {
  site?: string;
  serial?: string;
  interval?: number | string;
  /** The node's time zone setting (default: empty, the host's). */
  timeZone?: string;
  /** The config node's credentials; default the simulator's account. */
  credentials?: AccountCredentials;
  /** More nodes for the flow (give them `z: IDS.tab` and an x and y). */
  extraNodes?: object[];
}

export interface ReadFlow {
  node: ReadNodeView;
  site: Msg<SitePayload>[];
  inverter: Msg<InverterPayload>[];
  battery: Msg<BatteryPayload>[];
  /** What the Catch node caught. */
  caught: (NodeMessage & { error: { message: string; source: { id: string } }; [key: string]: unknown })[];
  statuses: NodeStatus[];
  warnings: unknown[];
  /** Sends a message to the node's input (any message polls now). */
  poll(msg?: object): void;
  /** Waits until `count` site messages have arrived in total. */
  sites(count: number): Promise<Msg<SitePayload>[]>;
  /** Waits until at least these many messages have arrived on each output in total. */
  received(counts: { site?: number; inverter?: number; battery?: number }): Promise<void>;
  lastStatus(): NodeStatus | undefined;
}

export const IDS = { tab: 'tab', account: 'acc', read: 'read', site: 'out-site', inverter: 'out-inverter', battery: 'out-battery', catcher: 'catch', caught: 'caught' };

/** The flow nodes and credentials for one read node with its sinks and a Catch node. */
export function readFlowConfig(sim: RedbackSimulator, options: ReadFlowOptions = {}): { flow: object[]; credentials: Record<string, AccountCredentials> } {
  // A node on a tab needs x and y, or the runtime takes it for a config node of that tab.
  const [z, x, y] = [IDS.tab, 100, 100];
  return {
    flow: [
      { id: IDS.tab, type: 'tab', label: 'test' },
      { id: IDS.account, type: 'redback-config', name: 'sim', apiUrl: sim.url, portalUrl: sim.url, z },
      {
        id: IDS.read, type: 'redback-read', z, x, y, account: IDS.account,
        site: options.site ?? '', serial: options.serial ?? '', interval: options.interval ?? 60,
        timeZone: options.timeZone ?? '', wires: [[IDS.site], [IDS.inverter], [IDS.battery]],
      },
      { id: IDS.site, type: 'helper', z, x, y },
      { id: IDS.inverter, type: 'helper', z, x, y },
      { id: IDS.battery, type: 'helper', z, x, y },
      { id: IDS.catcher, type: 'catch', z, x, y, scope: null, uncaught: false, wires: [[IDS.caught]] },
      { id: IDS.caught, type: 'helper', z, x, y },
      ...(options.extraNodes ?? []),
    ],
    credentials: { [IDS.account]: options.credentials ?? simCredentials() },
  };
}

/** Deploys the flow and starts collecting; the node's first timed poll is 2 s later. */
export async function loadReadFlow(sim: RedbackSimulator, options: ReadFlowOptions = {}): Promise<ReadFlow> {
  const { flow, credentials } = readFlowConfig(sim, options);
  await helper.load([configNode, readNode], flow as Parameters<typeof helper.load>[1], credentials);
  return observe();
}

/** Starts collecting what the deployed read node and the sinks see. */
export function observe(): ReadFlow {
  const node = helper.getNode(IDS.read) as unknown as ReadNodeView;
  const collect = <T>(id: string): T[] => {
    const list: T[] = [];
    (helper.getNode(id) as unknown as ReadNodeView).on('input', (msg: T) => list.push(msg));
    return list;
  };
  const view: ReadFlow = {
    node,
    site: collect(IDS.site),
    inverter: collect(IDS.inverter),
    battery: collect(IDS.battery),
    caught: collect(IDS.caught),
    statuses: [],
    warnings: [],
    poll: (msg = {}) => node.receive(msg),
    sites: async (count) => {
      await waitUntil(() => view.site.length >= count, `${count} site message(s), have ${view.site.length}`);
      return view.site;
    },
    received: (counts) => waitUntil(
      () => view.site.length >= (counts.site ?? 0) && view.inverter.length >= (counts.inverter ?? 0) && view.battery.length >= (counts.battery ?? 0),
      `messages ${JSON.stringify(counts)}, have site ${view.site.length}, inverter ${view.inverter.length}, battery ${view.battery.length}`),
    lastStatus: () => view.statuses[view.statuses.length - 1],
  };
  // The test helper's spies report each call as a `call:<method>` event on the node.
  node.on('call:status', (call: { args: [NodeStatus] }) => view.statuses.push(call.args[0]));
  node.on('call:warn', (call: { args: unknown[] }) => view.warnings.push(call.args[0]));
  return view;
}

/** Fixes an inverter's state in the simulator from its current minute on. */
export function fixInverter(
  sim: RedbackSimulator,
  serial: string,
  state: { pvKW?: number; loadKW?: number; soc?: number; counters?: Partial<EnergyCounters> },
): void {
  const entry = sim.cloud.inverterBySerial(serial);
  if (!entry) throw new Error(`no simulated inverter ${serial}`);
  sim.cloud.snapshot(entry); // bring it up to the simulator's now first
  if (state.pvKW !== undefined || state.loadKW !== undefined) entry.sim.setOverrides({ pvKW: state.pvKW, loadKW: state.loadKW });
  if (state.soc !== undefined) entry.sim.setSoc(state.soc);
  if (state.counters) entry.sim.setCounters(state.counters);
}
