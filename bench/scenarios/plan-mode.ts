/**
 * Upstream requests per tick with a plan-mode `redback-control` node added beside a read node on
 * the same account, in a real Node-RED with real timers: the plan takes the battery's state from
 * the read node's reading of the minute (RedbackAccount.recentDynamic), so a warm tick stays at one
 * dynamic request per inverter.
 */
import helper from 'node-red-node-test-helper';
import configNode = require('../../nodes/redback-config');
import controlNode = require('../../nodes/redback-control');
import readNode = require('../../nodes/redback-read');
import { table, type Section } from '../lib/markdown';
import { startNodeRed, stopNodeRed } from '../lib/node-red';
import { countsSince, describeCounts, total, type Counts } from '../lib/routes';
import { startBenchSim } from '../lib/sims';
import { median, sleep } from '../lib/stats';
import { amberAnswer, type Step } from '../../test/helpers/plan-amber';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';

const INTERVAL_S = 10;
const WARM_TICKS = 4;
const FIRST_POLL_MS = 2000;
const ST = 'RB21081800001734';
const STEPS: Step[] = [
  ...Array.from({ length: 2 }, () => ({ minutes: 5, general: -10, feedIn: 5 })),
  ...Array.from({ length: 10 }, () => ({ minutes: 5, general: 45, feedIn: -6 })),
  ...Array.from({ length: 46 }, () => ({ minutes: 30, general: 45, feedIn: -6 })),
];

interface Run {
  cold: Counts;
  warm: Counts[];
  planOutputs: number;
}

export async function planModeSection(): Promise<Section> {
  const alone = await measure(false);
  const withPlan = await measure(true);
  const inverters = 5;
  const dynamic = (c: Counts): number => Object.entries(c).filter(([route]) => /Dynamic/i.test(route)).reduce((sum, [, n]) => sum + n, 0);
  const row = (label: string, r: Run): (string | number)[] => [
    label, total(r.cold), median(r.warm.map(total)), median(r.warm.map(dynamic)), describeCounts(r.warm[0]),
  ];
  return {
    title: 'Plan mode beside the read nodes: upstream requests per tick',
    method: `
The default simulated account (${inverters} inverters on 4 sites), its simulator on the wall clock. One \`redback-read\` node
(every site, every inverter, interval ${INTERVAL_S} s) on one \`redback-config\` node in a real Node-RED 4
(node-red-node-test-helper) with real timers; then the same with a \`redback-control\` node in plan mode (inverter ${ST},
schedule method) on the same account, sent an Amber answer (cheap for 10 minutes, then dear: it charges) in the middle of
every tick, as a flow fetching Amber's prices would. Requests are counted at the simulator per route between instants
halfway between ticks; the first tick is cold (token, site list, static data, configuration, and the plan's first command),
then the median of ${WARM_TICKS} warm ticks. Goal: the plan mode adds no request on a warm tick (its reading is the read
node's, at most 60 s old; static data and configuration come from the account's 30-minute cache; a decision that holds
sends nothing).`,
    body: table(
      ['flow', 'cold tick', `warm tick (median of ${WARM_TICKS})`, 'of which dynamic reads', 'warm tick by route'],
      [row('read node', alone), row(`read node + plan-mode control node (${withPlan.planOutputs} plan outputs)`, withPlan)],
    ),
  };
}

async function measure(withPlan: boolean): Promise<Run> {
  const sim = await startBenchSim({ clock: { speed: 1 } });
  await startNodeRed();
  const z = 'bench';
  const flow: object[] = [
    { id: z, type: 'tab', label: 'bench' },
    { id: 'acc', type: 'redback-config', name: 'bench', apiUrl: sim.url, portalUrl: sim.url, z },
    { id: 'read', type: 'redback-read', z, x: 100, y: 100, account: 'acc', site: '', serial: '', interval: INTERVAL_S, wires: [[], [], []] },
  ];
  if (withPlan) {
    flow.push(
      {
        id: 'plan', type: 'redback-control', z, x: 100, y: 100, account: 'acc', serial: ST, method: 'schedule', durationMinutes: 30,
        dryRun: false, pricePolicy: true, priceStrategy: 'plan', pricePowerW: 5000, wires: [['sink']],
      },
      { id: 'sink', type: 'helper', z, x: 100, y: 100 },
    );
  }
  const deployed = performance.now();
  await helper.load([configNode, readNode, controlNode], flow as Parameters<typeof helper.load>[1], { acc: { ...DEFAULT_CREDENTIALS } });
  let planOutputs = 0;
  if (withPlan) (helper.getNode('sink') as unknown as { on(e: string, f: () => void): void }).on('input', () => { planOutputs++; });
  const snapshots: Counts[] = [sim.requestCountsByRoute()];
  for (let tick = 0; tick <= WARM_TICKS; tick++) {
    const tickStart = deployed + FIRST_POLL_MS + tick * INTERVAL_S * 1000;
    if (withPlan) {
      await sleep(Math.max(0, tickStart + 0.3 * INTERVAL_S * 1000 - performance.now()));
      const start = new Date(Math.floor(Date.now() / 300_000) * 300_000).toISOString();
      (helper.getNode('plan') as unknown as { receive(m: object): void }).receive({ payload: amberAnswer(start, STEPS) });
    }
    await sleep(Math.max(0, tickStart + 0.5 * INTERVAL_S * 1000 - performance.now()));
    snapshots.push(sim.requestCountsByRoute());
  }
  await stopNodeRed();
  await (sim as RedbackSimulator).stop();
  const ticks = snapshots.slice(1).map((snap, t) => countsSince(snapshots[t], snap));
  return { cold: ticks[0], warm: ticks.slice(1), planOutputs };
}
