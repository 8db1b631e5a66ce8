/**
 * Requests and wall time per command, cold (a new account: token, site list, static data, portal
 * login) and warm (the account already has them; the node has no earlier command to replace), for
 * the schedule, portal and curtail paths, against the naive baseline.
 */
import { randomBytes } from 'crypto';
import { NaiveClient } from '../baseline/naive-client';
import { benchAccount } from '../lib/accounts';
import { table, type Section } from '../lib/markdown';
import { counted, describeCounts, total, type Counts } from '../lib/routes';
import { startBenchSim } from '../lib/sims';
import { fmt, measure, median, ratio } from '../lib/stats';
import type { RedbackAccount } from '../../src/account/account';
import { parseCommand } from '../../src/control/command';
import { readState, type ControlState, type StateStore } from '../../src/control/control-state';
import { ControlExecutor, type ControlMethod } from '../../src/control/executor';
import { scheduleRequest } from '../../src/control/plans';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';

const SERIAL = 'RB21081800001734';
const SITE = 'S4b1e7c20d93a5';
const SOFTWARE_VERSION_PATH = ['Nodes', 0, 'StaticData', 'SoftwareVersion'] as const;
const REPEATS = 7;

type Path = 'schedule' | 'portal' | 'curtail';
const PATHS: { path: Path; method: ControlMethod; payload: object; goal: string }[] = [
  { path: 'schedule', method: 'schedule', payload: { command: 'charge', powerW: 3000, durationMinutes: 30 }, goal: '1' },
  { path: 'portal', method: 'portal', payload: { command: 'charge', powerW: 3000, durationMinutes: 30 }, goal: '2' },
  { path: 'curtail', method: 'schedule', payload: { command: 'curtail', exportLimitW: 0, durationMinutes: 30 }, goal: '1' },
];

interface Run {
  counts: Counts;
  wallMs: number;
}

export async function controlSection(): Promise<Section> {
  // The simulator's clock runs in real time: commands start "now".
  const sim = await startBenchSim({ clock: { speed: 1 } });
  const rows: (string | number)[][] = [];
  const breakdown: string[] = [];
  for (const p of PATHS) {
    const ours = { cold: await repeat(() => oursCold(sim, p)), warm: await oursWarm(sim, p) };
    const naive = { cold: await repeat(() => naiveCommand(sim, p.path, new NaiveClient(sim.url, DEFAULT_CREDENTIALS), null)), warm: await naiveWarm(sim, p.path) };
    for (const phase of ['cold', 'warm'] as const) {
      const [o, n] = [ours[phase], naive[phase]];
      const requests = [median(o.map((r) => total(r.counts))), median(n.map((r) => total(r.counts)))];
      const wall = [median(o.map((r) => r.wallMs)), median(n.map((r) => r.wallMs))];
      rows.push([p.path, phase, requests[0], requests[1], ratio(requests[0], requests[1]), fmt(wall[0], 1), fmt(wall[1], 1), ratio(wall[0], wall[1])]);
      breakdown.push(`- ${p.path}, ${phase}: ours ${describeCounts(o[0].counts)}; naive ${describeCounts(n[0].counts)}`);
    }
  }
  await sim.stop();
  return {
    title: 'Control: requests and wall time per command',
    method: `
A charge of 3000 W for 30 minutes through a schedule, the same through the portal's Set form, and a curtailment
(export limit 0 W, an operating envelope), on ${SERIAL}. Ours: the control node's executor (\`ControlExecutor\`, which
validates against the inverter's static limits before sending) on a \`RedbackAccount\`. Cold: a new account for each
command (token, site list, static data; for the portal, a login). Warm: one command first to warm the account, then each
command with a fresh node state (nothing of the node's to replace; a command that replaces an earlier one adds its
delete). Goals when warm: ${PATHS.map((p) => `${p.goal} for ${p.path === 'portal' ? 'a portal Set' : `a ${p.path}`}`).join(', ')}.
Baseline (\`NaiveClient\`): its own token, no validation; for the portal a fresh login for every command and, cold, the
static data for the RossVersion. Median of ${REPEATS} commands each; wall time on loopback, simulator in this process.

Requests by route (first command of each kind):
${breakdown.join('\n')}`,
    body: table(['path', 'phase', 'ours: requests', 'naive: requests', 'requests ours / naive', 'ours: wall (ms)', 'naive: wall (ms)', 'wall ours / naive'], rows),
  };
}

async function repeat(run: () => Promise<Run>): Promise<Run[]> {
  const runs: Run[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await run());
  return runs;
}

async function oursCold(sim: RedbackSimulator, p: (typeof PATHS)[number]): Promise<Run> {
  const account = benchAccount(sim.url);
  try {
    return await oursCommand(sim, account, p);
  } finally {
    account.close();
  }
}

async function oursWarm(sim: RedbackSimulator, p: (typeof PATHS)[number]): Promise<Run[]> {
  const account = benchAccount(sim.url);
  await oursCommand(sim, account, p);
  const runs = await repeat(() => oursCommand(sim, account, p));
  account.close();
  return runs;
}

async function oursCommand(sim: RedbackSimulator, account: RedbackAccount, p: (typeof PATHS)[number]): Promise<Run> {
  const executor = new ControlExecutor(account, {
    nodeId: 'bench', serial: SERIAL, method: p.method, dryRun: false, random: () => randomBytes(8).toString('hex'),
  }, memoryStore());
  const cmd = parseCommand(p.payload, { durationMinutes: 30 }, Date.now());
  const { value, wallMs } = await measure(() => counted(() => sim.requestCountsByRoute(), () => executor.run(cmd)));
  return { counts: value.counts, wallMs };
}

async function naiveWarm(sim: RedbackSimulator, path: Path): Promise<Run[]> {
  const client = new NaiveClient(sim.url, DEFAULT_CREDENTIALS);
  const rossVersion = await rossVersionOf(client);
  await naiveCommand(sim, path, client, rossVersion);
  return repeat(() => naiveCommand(sim, path, client, rossVersion));
}

/** One command the naive way; `rossVersion` null: it reads the static data first (cold). */
async function naiveCommand(sim: RedbackSimulator, path: Path, client: NaiveClient, rossVersion: string | null): Promise<Run> {
  const send = async (): Promise<void> => {
    const now = Date.now();
    if (path === 'schedule') {
      await client.createSchedule(scheduleRequest(parseCommand(PATHS[0].payload, { durationMinutes: 30 }, now), SERIAL, 'naive'));
    } else if (path === 'curtail') {
      await client.createEnvelope({
        EventId: `naive-${randomBytes(6).toString('hex')}`, SiteId: SITE, StartAtUtc: new Date(now).toISOString(),
        EndAtUtc: new Date(now + 30 * 60_000).toISOString(), MaxExportPowerW: 0, MaxImportPowerW: 10_000,
        MaxChargePowerW: 10_000, MaxDischargePowerW: 10_000, MaxGenerationPowerVA: 10_000,
      });
    } else {
      await client.portalSet(SERIAL, 'ChargeBattery', 3000, rossVersion ?? await rossVersionOf(client));
    }
  };
  const { value, wallMs } = await measure(() => counted(() => sim.requestCountsByRoute(), send));
  return { counts: value.counts, wallMs };
}

async function rossVersionOf(client: NaiveClient): Promise<string> {
  let value: unknown = await client.staticData(SERIAL);
  for (const key of SOFTWARE_VERSION_PATH) value = (value as Record<string | number, unknown>)[key];
  return String(value);
}

function memoryStore(): StateStore {
  let saved: ControlState | undefined;
  return { load: () => readState(saved === undefined ? undefined : structuredClone(saved)), save: (state) => void (saved = structuredClone(state)) };
}
