/**
 * Upstream requests per tick for 1, 5 and 20 read nodes on one account, in a real Node-RED with
 * real timers, against the naive baseline: as many independent clients, each reading every
 * inverter by serial.
 */
import { NaiveClient } from '../baseline/naive-client';
import { deployReadFlow, startNodeRed, stopNodeRed, type AccountSpec, type ReadNodeSpec } from '../lib/node-red';
import { table, type Section } from '../lib/markdown';
import { countsSince, describeCounts, total, type Counts } from '../lib/routes';
import { startBenchSim } from '../lib/sims';
import { median, ratio, sleep } from '../lib/stats';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';

const NODE_COUNTS = [1, 5, 20];
const INTERVAL_S = 10;
const WARM_TICKS = 4;
const FIRST_POLL_MS = 2000;

interface TickCounts {
  cold: Counts;
  warm: Counts[];
}

export async function readNodesSection(): Promise<Section> {
  const sims = await Promise.all(NODE_COUNTS.map(() => startBenchSim()));
  const ours = await measureNodes(sims);
  const naive = await Promise.all(NODE_COUNTS.map((n) => measureNaive(n)));
  await Promise.all(sims.map((s) => s.stop()));

  const inverters = sims[0].cloud.accounts[0].sites.flatMap((s) => s.inverters).length;
  const rows = NODE_COUNTS.map((n, i) => {
    const oursWarm = median(ours[i].warm.map(total));
    const naiveWarm = median(naive[i].warm.map(total));
    return [n, total(ours[i].cold), oursWarm, naiveWarm, ratio(oursWarm, naiveWarm), describeCounts(ours[i].warm[0]), describeCounts(naive[i].warm[0])];
  });
  return {
    title: 'Read nodes on one account: upstream requests per tick',
    method: `
The default simulated account (${inverters} inverters on 4 sites). For each count, that many \`redback-read\` nodes (every
site, every inverter, interval ${INTERVAL_S} s, the editor's minimum, to keep the run short) share one \`redback-config\`
node in a real Node-RED 4 (node-red-node-test-helper) with real timers, each count against its own simulator. Requests are
counted at the simulator per route, between instants halfway between ticks; the first tick is cold (token, site list,
static data, configuration), then the median of ${WARM_TICKS} warm ticks. Goal: as many requests per tick as inverters,
whatever the number of nodes.

Baseline: as many \`NaiveClient\`s (bench/baseline) as nodes, each with its own token and one by-serial dynamic request
per inverter per tick, as the Home Assistant integrations do (they also read configuration and schedules on every poll,
which the baseline leaves out, so the real ratio is lower still). Its warm ticks are the median of ${WARM_TICKS}.`,
    body: table(
      ['read nodes', 'ours: cold tick', `ours: warm tick (median of ${WARM_TICKS})`, 'naive: warm tick', 'ours / naive', 'ours: warm tick by route', 'naive: warm tick by route'],
      rows,
    ),
  };
}

/** Every count at once in one runtime, each on its own account and simulator. */
async function measureNodes(sims: RedbackSimulator[]): Promise<TickCounts[]> {
  const accounts: AccountSpec[] = sims.map((sim, i) => ({ id: `acc${i}`, url: sim.url, credentials: { ...DEFAULT_CREDENTIALS } }));
  const reads: ReadNodeSpec[] = NODE_COUNTS.flatMap((n, i) =>
    Array.from({ length: n }, (_, k) => ({ id: `read${i}-${k}`, account: `acc${i}`, intervalS: INTERVAL_S })));
  await startNodeRed();
  const deployed = performance.now();
  await deployReadFlow(accounts, reads);
  const snapshots: Counts[][] = [sims.map((s) => s.requestCountsByRoute())];
  for (let tick = 0; tick <= WARM_TICKS; tick++) {
    const sampleAt = deployed + FIRST_POLL_MS + (tick + 0.5) * INTERVAL_S * 1000;
    await sleep(Math.max(0, sampleAt - performance.now()));
    snapshots.push(sims.map((s) => s.requestCountsByRoute()));
  }
  await stopNodeRed();
  return sims.map((_, i) => {
    const ticks = snapshots.slice(1).map((snap, t) => countsSince(snapshots[t][i], snap[i]));
    return { cold: ticks[0], warm: ticks.slice(1) };
  });
}

async function measureNaive(nodes: number): Promise<TickCounts> {
  const sim = await startBenchSim();
  const clients = Array.from({ length: nodes }, () => new NaiveClient(sim.url, DEFAULT_CREDENTIALS));
  const tick = async (first: boolean): Promise<Counts> => {
    const before = sim.requestCountsByRoute();
    await Promise.all(clients.map(async (c) => c.poll(first ? await c.serials() : serialsOf(sim))));
    return countsSince(before, sim.requestCountsByRoute());
  };
  const cold = await tick(true);
  const warm: Counts[] = [];
  for (let t = 0; t < WARM_TICKS; t++) warm.push(await tick(false));
  await sim.stop();
  return { cold, warm };
}

function serialsOf(sim: RedbackSimulator): string[] {
  return sim.cloud.accounts[0].sites.flatMap((s) => s.inverters.map((i) => i.serial));
}
