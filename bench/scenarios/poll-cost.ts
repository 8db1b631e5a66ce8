/**
 * CPU per poll for one site, and the heap after 100k polls against after 1k. Normalise and emit:
 * the read service and the node's message building on canned cloud answers (no HTTP), so the
 * figure is the package's own work. A whole poll through HTTP (simulator in a child process) is
 * set beside the naive client's fetch of the same site.
 */
import { NaiveClient } from '../baseline/naive-client';
import { benchAccount, memoryPeriods } from '../lib/accounts';
import { table, type Section } from '../lib/markdown';
import { startSimProcess } from '../lib/sims';
import { fmt, median, ratio } from '../lib/stats';
import type { RedbackAccount } from '../../src/account/account';
import { pollMessages } from '../../src/read/messages';
import { pollOnce, type ReadSelection } from '../../src/read/read-service';
import { DEFAULT_CREDENTIALS } from '../../src/sim';

const SERIAL = 'RB21081800001734';
const SELECTION: ReadSelection = { site: 'S4b1e7c20d93a5', serial: '' };
const TICKS = 100_000;
const EARLY_TICKS = 1_000;
const BLOCK = 5_000;
const HTTP_POLLS = 500;

export async function pollCostSection(): Promise<Section> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('poll-cost needs node --expose-gc (npm run bench passes it)');
  const sim = await startSimProcess([]);
  const live = benchAccount(sim.url);
  const canned = await cannedAccount(live);

  const periods = memoryPeriods();
  const start = Date.parse('2026-01-15T02:00:00Z');
  let tick = 0;
  let emitted: unknown = null;
  const poll = async (): Promise<void> => {
    const now = start + tick++ * 60_000;
    emitted = pollMessages(await pollOnce(canned, SELECTION, periods, { now: () => now }), { _msgid: 'bench' });
  };
  while (tick < EARLY_TICKS) await poll();
  const heapEarly = heapAfterGc(gc);
  const blockMicros: number[] = [];
  while (tick < TICKS) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < BLOCK && tick < TICKS; i++) await poll();
    const used = process.cpuUsage(cpu);
    blockMicros.push((used.user + used.system) / BLOCK);
  }
  const heapLate = heapAfterGc(gc);
  if (emitted === null) throw new Error('nothing emitted');

  const oursHttp = await cpuPerCall(() => pollOnce(live, SELECTION, periods).then((r) => pollMessages(r, {})));
  const naive = new NaiveClient(sim.url, DEFAULT_CREDENTIALS);
  const naiveHttp = await cpuPerCall(() => naive.poll([SERIAL]));
  live.close();
  await sim.stop();

  const normalise = median(blockMicros);
  return {
    title: 'CPU per poll for one site, and the heap over 100k polls',
    method: `
Site ${SELECTION.site} (one three-phase inverter with a battery). "Normalise and emit": \`pollOnce\` (site, inverter and
battery payloads, energy today/month/year) and \`pollMessages\` (the node's three outputs) on the cloud's answers fetched
once and served from memory, ${TICKS.toLocaleString('en')} ticks of one simulated minute each (so days, months and the
year roll over); CPU per poll is the median over blocks of ${BLOCK.toLocaleString('en')} ticks. Heap: \`heapUsed\` of the whole bench process (Node-RED from the earlier benchmarks included) after
\`global.gc()\`, after ${EARLY_TICKS.toLocaleString('en')} ticks and after ${TICKS.toLocaleString('en')}.
Whole poll: the same through HTTP to the simulator in a child process (warm: token and static data cached), against the
naive client's by-serial fetch of the same inverter, which normalises nothing; mean CPU of this process over
${HTTP_POLLS} polls after ${HTTP_POLLS / 10} to warm up.`,
    body: table(['measure', 'ours', 'naive', 'ours / naive'], [
      ['CPU per poll, normalise and emit, no HTTP (µs)', fmt(normalise, 0), '—', ''],
      ['CPU per poll, whole poll through HTTP (µs)', fmt(oursHttp, 0), fmt(naiveHttp, 0), ratio(oursHttp, naiveHttp)],
      [`heap after ${EARLY_TICKS.toLocaleString('en')} ticks (MB)`, fmt(heapEarly / 2 ** 20, 2), '', ''],
      [`heap after ${TICKS.toLocaleString('en')} ticks (MB)`, fmt(heapLate / 2 ** 20, 2), '', ''],
      ['heap growth, 100k / 1k', ratio(heapLate, heapEarly), '', ''],
    ]),
  };
}

/** An account that answers from memory with what `live` answered once. */
async function cannedAccount(live: RedbackAccount): Promise<RedbackAccount> {
  const [sites, staticView, configuration, dynamic] = await Promise.all([
    live.sites(), live.staticData(SERIAL), live.configuration(SERIAL), live.dynamic(SERIAL),
  ]);
  const canned = {
    sites: async () => sites,
    staticData: async () => staticView,
    configuration: async () => configuration,
    dynamic: async () => dynamic,
  };
  return canned as unknown as RedbackAccount;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Mean CPU time of this process per call, in µs, after a warm-up. */
async function cpuPerCall(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < HTTP_POLLS / 10; i++) await call();
  const cpu = process.cpuUsage();
  for (let i = 0; i < HTTP_POLLS; i++) await call();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / HTTP_POLLS;
}
