/** A real Node-RED runtime (node-red-node-test-helper) with this package's config and read nodes. */
import helper from 'node-red-node-test-helper';
import configNode = require('../../nodes/redback-config');
import readNode = require('../../nodes/redback-read');
import type { AccountCredentials } from '../../src/account/account';

helper.init(require.resolve('node-red'));

export interface ReadNodeSpec {
  id: string;
  account: string;
  intervalS: number;
  /** Helper nodes that collect each output; omitted: the outputs are not wired. */
  sinks?: [string, string, string];
}

export interface AccountSpec {
  id: string;
  url: string;
  credentials: AccountCredentials;
}

export async function startNodeRed(): Promise<void> {
  await helper.startServer();
}

export async function stopNodeRed(): Promise<void> {
  await helper.unload();
  await helper.stopServer();
}

/** Deploys config nodes and read nodes (every site, every inverter) on one tab. */
export async function deployReadFlow(accounts: AccountSpec[], reads: ReadNodeSpec[]): Promise<void> {
  const z = 'bench';
  const flow: object[] = [{ id: z, type: 'tab', label: 'bench' }];
  for (const a of accounts) flow.push({ id: a.id, type: 'redback-config', name: `bench ${a.id}`, apiUrl: a.url, portalUrl: a.url, z });
  for (const r of reads) {
    flow.push({
      id: r.id, type: 'redback-read', z, x: 100, y: 100, account: r.account, site: '', serial: '', interval: r.intervalS,
      wires: r.sinks ? r.sinks.map((s) => [s]) : [[], [], []],
    });
    for (const sink of r.sinks ?? []) flow.push({ id: sink, type: 'helper', z, x: 100, y: 100 });
  }
  const credentials = Object.fromEntries(accounts.map((a) => [a.id, a.credentials]));
  await helper.load([configNode, readNode], flow as Parameters<typeof helper.load>[1], credentials);
}

export function getNode(id: string): { receive(msg: object): void; on(event: string, listener: (msg: unknown) => void): void } {
  return helper.getNode(id) as unknown as { receive(msg: object): void; on(event: string, listener: (msg: unknown) => void): void };
}
