/**
 * Load cost: the time to require this package's runtime modules in a fresh node process, against
 * node-red-contrib-home-assistant-websocket's, and whether cheerio is loaded only on the portal path.
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { table, type Section } from '../lib/markdown';
import { startSimProcess } from '../lib/sims';
import { fmt, median, ratio } from '../lib/stats';

const SPAWNS = 9;
const run = promisify(execFile);
const PROBES = path.join(__dirname, '..', 'probes');
const ROOT = path.join(__dirname, '..', '..', '..');
const HA_PACKAGE = 'node-red-contrib-home-assistant-websocket';

interface RequireResult {
  ms: number;
  modules: number;
  cheerio: boolean;
}

export async function loadCostSection(): Promise<Section> {
  const haDir = path.dirname(require.resolve(`${HA_PACKAGE}/package.json`));
  const haVersion = (require(`${HA_PACKAGE}/package.json`) as { version: string }).version;
  const ours: RequireResult[] = [];
  const theirs: RequireResult[] = [];
  // Alternated, so that a busy moment on the machine falls on both.
  for (let i = 0; i < SPAWNS; i++) {
    ours.push(await probe('require-probe.js', [ROOT]));
    theirs.push(await probe('require-probe.js', [haDir]));
  }
  const sim = await startSimProcess([]);
  const cheerio = JSON.parse((await run(process.execPath, [path.join(PROBES, 'cheerio-probe.js'), sim.url])).stdout) as Record<string, boolean>;
  await sim.stop();

  const [oursMs, theirsMs] = [median(ours.map((r) => r.ms)), median(theirs.map((r) => r.ms))];
  const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
  return {
    title: 'Load cost',
    method: `
A fresh \`node\` process per measurement requires every file a package names under \`node-red.nodes\` in its package.json,
as Node-RED does at start (ours: dist/nodes/redback-config.js, redback-read.js, redback-control.js; ${HA_PACKAGE}
${haVersion}: its bundled dist/index.js), timed inside the process; median of ${SPAWNS} spawns each, alternating.
Then another fresh process loads our modules, polls the simulator once and sends a portal command, and looks for cheerio
in \`require.cache\` after each step.`,
    body: `${table(['package', 'require time (ms, median)', 'modules loaded', 'ours / theirs'], [
      ['@solar-nodes/node-red-redback', fmt(oursMs, 1), ours[0].modules, ratio(oursMs, theirsMs)],
      [`${HA_PACKAGE} ${haVersion}`, fmt(theirsMs, 1), theirs[0].modules, ''],
    ])}

${table(['cheerio in require.cache', 'after loading our modules', 'after a poll', 'after a portal command'], [
      ['ours', yesNo(cheerio.afterLoad), yesNo(cheerio.afterPoll), yesNo(cheerio.afterPortal)],
    ])}`,
  };
}

async function probe(script: string, args: string[]): Promise<RequireResult> {
  const { stdout } = await run(process.execPath, [path.join(PROBES, script), ...args], { cwd: ROOT });
  return JSON.parse(stdout) as RequireResult;
}
