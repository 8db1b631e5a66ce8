/**
 * Token requests per hour: the simulator and the clients share a fake wall clock, moved on one
 * minute per tick for six simulated hours, so token expiry and renewal happen as they would in
 * real time, in a few seconds.
 */
import { NaiveClient } from '../baseline/naive-client';
import { benchAccount, memoryPeriods } from '../lib/accounts';
import { table, type Section } from '../lib/markdown';
import { counted, of } from '../lib/routes';
import { startBenchSim } from '../lib/sims';
import { fmt, ratio } from '../lib/stats';
import { pollOnce } from '../../src/read/read-service';
import { DEFAULT_CREDENTIALS } from '../../src/sim';

const HOURS = 6;
const TICK_MS = 60_000;
const READERS = 5;
const LIFETIMES_S = [3600, 900];

export async function tokenHoursSection(): Promise<Section> {
  const rows: (string | number)[][] = [];
  for (const lifetimeS of LIFETIMES_S) {
    const ours = await tokensOver(lifetimeS, 'ours');
    const naive = await tokensOver(lifetimeS, 'naive');
    const lifetimes = (HOURS * 3600) / lifetimeS;
    rows.push([
      `${lifetimeS} s`, ours, fmt(ours / HOURS, 2), fmt(ours / lifetimes, 2), naive, fmt(naive / HOURS, 2), fmt(naive / lifetimes, 2), ratio(ours, naive),
    ]);
  }
  return {
    title: 'Token requests per hour',
    method: `
${READERS} readers poll every inverter of the default account once a simulated minute for ${HOURS} simulated hours. Ours:
the read service of ${READERS} read nodes (\`pollOnce\`) sharing one \`RedbackAccount\`, as nodes on one config node do.
Baseline: ${READERS} \`NaiveClient\`s, each with its own token. The simulator (option \`wallNow\`) and the clients (\`now\`)
read the same fake clock, moved on ${TICK_MS / 1000} s per tick, so tokens expire on simulated time; the simulator's
\`tokenLifetimeSeconds\` sets \`expires_in\`. Token requests are counted at the simulator (route \`POST /Api/v2/Auth/token\`).
Both renew 300 s before expiry (ours at half the lifetime for tokens under 10 minutes), so the ideal is
lifetime / (lifetime − 300 s) per lifetime: 1.09 for 3600 s, 1.5 for 900 s. One run (the counts are deterministic).`,
    body: table(
      ['token lifetime', `ours: tokens in ${HOURS} h`, 'ours: per hour', 'ours: per lifetime', `naive: tokens in ${HOURS} h`, 'naive: per hour', 'naive: per lifetime', 'ours / naive'],
      rows,
    ),
  };
}

async function tokensOver(lifetimeS: number, who: 'ours' | 'naive'): Promise<number> {
  let now = Date.parse('2026-01-15T00:00:00Z');
  const clock = (): number => now;
  const sim = await startBenchSim({ wallNow: clock, tokenLifetimeSeconds: lifetimeS });
  const serials = sim.cloud.accounts[0].sites.flatMap((s) => s.inverters.map((i) => i.serial));
  const account = benchAccount(sim.url, { now: clock });
  const stores = Array.from({ length: READERS }, memoryPeriods);
  const naive = Array.from({ length: READERS }, () => new NaiveClient(sim.url, DEFAULT_CREDENTIALS, clock));
  const tick = (): Promise<unknown> => who === 'ours'
    ? Promise.all(stores.map((store) => pollOnce(account, { site: '', serial: '' }, store, { now: clock })))
    : Promise.all(naive.map((client) => client.poll(serials)));
  const { counts } = await counted(() => sim.requestCountsByRoute(), async () => {
    for (let t = 0; t < (HOURS * 3_600_000) / TICK_MS; t++) {
      await tick();
      now += TICK_MS;
    }
  });
  account.close();
  await sim.stop();
  return of(counts, 'token');
}
