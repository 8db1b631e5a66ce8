/**
 * Fleet scale: one account with 1000 inverters and one read node in a real Node-RED, against the
 * naive baseline reading every inverter by serial. The simulator runs in a child process, so the
 * CPU time measured here is the client's alone.
 */
import { NaiveClient } from '../baseline/naive-client';
import { table, type Section } from '../lib/markdown';
import { MessageCounter } from '../lib/message-counter';
import { deployReadFlow, getNode, startNodeRed, stopNodeRed } from '../lib/node-red';
import { counted, describeCounts, of, total, type Counts } from '../lib/routes';
import { startSimProcess, type SimProcess } from '../lib/sims';
import { fmt, measure, median, ratio, sleep } from '../lib/stats';
import { MULTIPLE_LIMIT } from '../../src/api/api-client';
import { FLEET_CREDENTIALS } from '../../src/sim';

const INVERTERS = 1000;
const WARM_TICKS = 5;
const NAIVE_TICKS = 3;
const SINKS: [string, string, string] = ['fleet-sites', 'fleet-inverters', 'fleet-batteries'];

interface Tick {
  counts: Counts;
  wallMs: number;
  cpuMs: number;
  /** Messages emitted (ours) or raw readings returned (naive). */
  items: number;
}

export async function fleetSection(): Promise<Section> {
  const sim = await startSimProcess(['--fleet', String(INVERTERS)]);
  const ours = await measureNode(sim);
  const naive = await measureNaive(sim);
  await sim.stop();

  const cold = ours[0];
  const warm = ours.slice(1);
  const m = (ticks: Tick[], pick: (t: Tick) => number): number => median(ticks.map(pick));
  const perSecond = (t: Tick): number => (t.items / t.wallMs) * 1000;
  const rows = [
    ['upstream requests per tick', total(cold.counts), m(warm, (t) => total(t.counts)), m(naive, (t) => total(t.counts)),
      ratio(m(warm, (t) => total(t.counts)), m(naive, (t) => total(t.counts)))],
    ['… of which Multiple/BySerialNumber', of(cold.counts, 'multiple'), m(warm, (t) => of(t.counts, 'multiple')), 0, ''],
    ['wall time per tick (ms)', fmt(cold.wallMs, 0), fmt(m(warm, (t) => t.wallMs), 0), fmt(m(naive, (t) => t.wallMs), 0),
      ratio(m(warm, (t) => t.wallMs), m(naive, (t) => t.wallMs))],
    ['CPU per tick, this process (ms)', fmt(cold.cpuMs, 0), fmt(m(warm, (t) => t.cpuMs), 0), fmt(m(naive, (t) => t.cpuMs), 0),
      ratio(m(warm, (t) => t.cpuMs), m(naive, (t) => t.cpuMs))],
    ['items per tick (ours: messages; naive: raw readings)', cold.items, m(warm, (t) => t.items), m(naive, (t) => t.items), ''],
    ['items per second of wall time', fmt(perSecond(cold), 0), fmt(m(warm, perSecond), 0), fmt(m(naive, perSecond), 0), ''],
  ];
  return {
    title: `Fleet: ${INVERTERS} inverters, one read node`,
    method: `
The simulator's fleet account (\`redback-sim --fleet ${INVERTERS}\`: ${INVERTERS} inverters with batteries on
${INVERTERS / 2} sites), served by \`redback-sim\` in a child process so that the CPU time measured (\`process.cpuUsage()\`
of the bench process: Node-RED, the node, the HTTP client) is the client's alone. One \`redback-read\` node (every site,
every inverter) in a real Node-RED; each tick is an input message, timed until the last of its messages reaches the helper
nodes wired to its three outputs. The first tick is cold (token, site list, static data and configuration of every
inverter, kept 30 minutes), then the median of ${WARM_TICKS} warm ticks. Goal for a warm tick: ceil(${INVERTERS}/${MULTIPLE_LIMIT}) =
${Math.ceil(INVERTERS / MULTIPLE_LIMIT)} requests, all \`Multiple/BySerialNumber/Dynamic\`.

Baseline: one \`NaiveClient\` reading the ${INVERTERS} inverters by serial, one request after another (median of ${NAIVE_TICKS}
warm ticks). It only fetches: it builds no messages, so its items are raw readings and the CPU ratio flatters it.
Warm tick by route, ours: ${describeCounts(warm[0].counts)}; naive: ${describeCounts(naive[0].counts)}.`,
    body: table(['per tick', 'ours: cold', `ours: warm (median of ${WARM_TICKS})`, `naive: warm (median of ${NAIVE_TICKS})`, 'ours / naive (warm)'], rows),
  };
}

async function measureNode(sim: SimProcess): Promise<Tick[]> {
  await startNodeRed();
  // A day's interval: the node polls only when told to, apart from its first timed poll 2 s after deploy.
  await deployReadFlow([{ id: 'fleet', url: sim.url, credentials: { ...FLEET_CREDENTIALS } }], [{ id: 'fleet-read', account: 'fleet', intervalS: 86_400, sinks: SINKS }]);
  const deployed = performance.now();
  const messages = new MessageCounter(SINKS);
  const node = getNode('fleet-read');
  const tick = async (expected: number | null): Promise<Tick> => {
    const start = messages.count;
    const { value: counts, wallMs, cpuMs } = await measure(async () => (await counted(sim.counts, async () => {
      node.receive({});
      if (expected === null) {
        await messages.until(start + 1);
        await messages.quiet(200);
      } else {
        await messages.until(start + expected);
      }
    })).counts);
    const items = messages.count - start;
    // The poll finishes just after its last message; an input before that would join it and poll nothing.
    await messages.quiet(100);
    return { counts, wallMs, cpuMs, items };
  };
  const cold = await tick(null);
  // Let the node's first timed poll (2 s after deploy) come and go before the warm ticks.
  await sleep(Math.max(0, deployed + 2500 - performance.now()));
  await messages.quiet(300);
  const ticks = [cold];
  for (let i = 0; i < WARM_TICKS; i++) ticks.push(await tick(cold.items));
  await stopNodeRed();
  return ticks;
}

async function measureNaive(sim: SimProcess): Promise<Tick[]> {
  const client = new NaiveClient(sim.url, FLEET_CREDENTIALS);
  const serials = await client.serials();
  const ticks: Tick[] = [];
  for (let i = 0; i < NAIVE_TICKS; i++) {
    const { value, wallMs, cpuMs } = await measure(() => counted(sim.counts, () => client.poll(serials)));
    ticks.push({ counts: value.counts, wallMs, cpuMs, items: value.value.length });
  }
  return ticks;
}
