/**
 * Every flow in examples/, deployed through the admin API of a real Node-RED that loads this
 * package from `npm pack` output installed into a temporary user directory (with the Home
 * Assistant nodes and the dashboard beside it), against the simulator instead of Redback's cloud
 * and a local stand-in for Amber's API; the plan-mode control nodes against the simulator's Amber
 * feed (docs/amber-sim.md) and, for Home Assistant's sensors, stand-ins built from that feed.
 */
import should from 'should';
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import { ANSWER_FROM_LAST_POLL_MS } from '../../src/read/read-runner';
import { DEFAULT_AMBER_SITES, DEFAULT_CREDENTIALS, defaultAccount, type AccountDef, type RedbackSimulator } from '../../src/sim';
import { amberSensors, solcastDailySensor, type HaState } from '../helpers/ha-sensors';
import { installedVersion, packAndInstall, startInstalledNodeRed, type InstalledUserDir } from '../helpers/installed-node-red';
import { openComms, type Comms } from '../helpers/node-red-comms';
import { PACKAGE_ROOT, freePort, type NodeRedProcess } from '../helpers/node-red-process';
import { realDelay, waitUntil } from '../helpers/real-time';
import { api, getToken, request, startSim } from '../helpers/sim';

const MODULE = '@solar-nodes/node-red-redback';
const OTHER_MODULES = ['node-red-contrib-home-assistant-websocket', '@flowfuse/node-red-dashboard'];
const EXAMPLES_DIR = path.join(PACKAGE_ROOT, 'examples');
const ARTIFACTS_DIR = path.join(PACKAGE_ROOT, 'test-artifacts');
const AMBER_API = 'https://api.amber.com.au';
const AMBER_SITE_ID = '01HE2ETESTAMBERSITE00000';
const AMBER_API_KEY = 'psk_e2e0123456789abcdef';
/** Types that are part of a flow's structure rather than nodes a module registers. */
const STRUCTURAL_TYPES = new Set(['tab', 'group', 'junction', 'subflow']);
/** How long our nodes run after the checks before their log is inspected. */
const SETTLE_MS = 3000;

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

function exampleFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return exampleFiles(full);
    return entry.name.endsWith('.json') ? [full] : [];
  }).sort();
}

function waitFor(done: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  return waitUntil(done, what, timeoutMs, 100);
}

/** A stand-in for Amber's `/v1/sites/{id}/prices/current`: a 30-minute interval around now, cheap enough to charge. */
interface AmberStub {
  url: string;
  requests: { path: string; query: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

async function startAmberStub(): Promise<AmberStub> {
  const requests: AmberStub['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://amber.invalid');
    requests.push({ path: url.pathname, query: url.search, authorization: req.headers.authorization });
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${AMBER_API_KEY}`) return reply(401, { message: 'Unauthorized' });
    if (req.method !== 'GET' || url.pathname !== `/v1/sites/${AMBER_SITE_ID}/prices/current`) return reply(404, { message: 'Not found' });
    const start = Math.floor(Date.now() / 1_800_000) * 1_800_000;
    const interval = (channelType: string, perKwh: number): Record<string, unknown> => ({
      type: 'CurrentInterval', duration: 30, date: new Date(start).toISOString().slice(0, 10),
      startTime: new Date(start + 1000).toISOString().replace('.000Z', 'Z'),
      endTime: new Date(start + 1_800_000).toISOString().replace('.000Z', 'Z'),
      nemTime: new Date(start + 1_800_000 + 36_000_000).toISOString().replace('.000Z', '+10:00'),
      perKwh, spotPerKwh: 2.1, renewables: 61.5, channelType, spikeStatus: 'none', descriptor: 'veryLow', estimate: false,
    });
    // general 4.2 c/kWh (at or below the example's 10 c: charge); feed-in -1.5 = the user earns 1.5 c/kWh.
    return reply(200, [interval('general', 4.2), interval('feedIn', -1.5)]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** The sites of the simulator's default account that the examples name (by site or serial), or its first site. */
function accountFor(flows: FlowNode[][]): AccountDef {
  const account = defaultAccount();
  const named = new Set(flows.flat().flatMap((n) => [n.site, n.serial]).filter((v): v is string => typeof v === 'string' && v !== ''));
  const sites = account.sites.filter((s) => named.has(s.siteId) || s.inverters.some((inv) => named.has(inv.serial)));
  return { ...account, sites: sites.length > 0 ? sites : [account.sites[0]] };
}

/**
 * The example as deployed here: Redback's cloud is the simulator, Amber is the stub, delays are
 * short, and Home Assistant is a loopback address where nothing listens (without credentials the
 * `server` node fails to start, and so does every config node that depends on it).
 */
function forTest(flow: FlowNode[], sim: RedbackSimulator, amberUrl: string, nobodyUrl: string): FlowNode[] {
  const nodes = JSON.parse(JSON.stringify(flow).split(AMBER_API).join(amberUrl)) as FlowNode[];
  for (const node of nodes) {
    if (node.type === 'redback-config') {
      Object.assign(node, { apiUrl: sim.url, portalUrl: sim.url, tokenUrl: '', tokenScope: '', credentials: { ...DEFAULT_CREDENTIALS } });
    }
    if (node.type === 'server') node.credentials = { host: nobodyUrl, access_token: 'e2e-no-home-assistant' };
    if (node.type === 'delay' && node.pauseType === 'delay') Object.assign(node, { timeout: '0.2', timeoutUnits: 'seconds' });
  }
  return nodes;
}

/** Inject nodes whose messages reach `target`, nearest first; the search does not pass through other Redback nodes. */
function injectsUpstreamOf(flow: FlowNode[], target: string): FlowNode[] {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const sources = new Map<string, string[]>();
  for (const node of flow) {
    for (const output of node.wires ?? []) for (const to of output) sources.set(to, [...(sources.get(to) ?? []), node.id]);
  }
  const found: FlowNode[] = [];
  const seen = new Set([target]);
  let frontier = [target];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const from of sources.get(id) ?? []) {
        if (seen.has(from)) continue;
        seen.add(from);
        const node = byId.get(from);
        if (!node) continue;
        if (node.type === 'inject') found.push(node);
        else if (!node.type.startsWith('redback-')) next.push(from);
      }
    }
    frontier = next;
  }
  return found;
}

/** The nodes that run: not disabled, and not on a disabled tab. */
function running(flow: FlowNode[]): FlowNode[] {
  const disabledTabs = new Set(flow.filter((n) => n.type === 'tab' && n.disabled === true).map((n) => n.id));
  return flow.filter((n) => n.d !== true && !(n.z !== undefined && disabledTabs.has(n.z)));
}

/** Nodes that messages from `source` reach. */
function downstreamOf(flow: FlowNode[], source: string): FlowNode[] {
  const byId = new Map(flow.map((n) => [n.id, n]));
  const seen = new Set([source]);
  const found: FlowNode[] = [];
  let frontier = [source];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const output of byId.get(id)?.wires ?? []) {
        for (const to of output) {
          const node = byId.get(to);
          if (seen.has(to) || !node) continue;
          seen.add(to);
          found.push(node);
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return found;
}

/** An inject whose payload is the `auto` command, which creates nothing when nothing is active. */
function sendsAuto(inject: FlowNode): boolean {
  const payload = String(inject.payload ?? '').trim();
  if (payload.toLowerCase() === 'auto') return true;
  try {
    const parsed = JSON.parse(payload) as unknown;
    return parsed === 'auto' || (typeof parsed === 'object' && parsed !== null && (parsed as { command?: unknown }).command === 'auto');
  } catch {
    return false;
  }
}

function controlRequests(sim: RedbackSimulator): number {
  return sim.requestCount({ method: 'POST', path: 'Schedule/Create' }) + sim.requestCount({ method: 'POST', path: 'OperatingEnvelope/Create' });
}

/**
 * A Home Assistant `current state` node replaced by a change node that sets what it would have
 * set: the entity's state object, on the message properties it names.
 */
function currentStateStandIn(node: FlowNode, states: Record<string, HaState>): FlowNode {
  const state = states[String(node.entity_id)];
  if (!state) throw new Error(`no stand-in state for ${String(node.entity_id)} (node "${String(node.name)}")`);
  const properties = node.outputProperties as { property: string; propertyType: string; valueType: string }[];
  should(properties.every((p) => p.propertyType === 'msg' && p.valueType === 'entity')).be.true(`"${String(node.name)}" gives the whole entity`);
  return {
    id: node.id, type: 'change', z: node.z, name: `${String(node.name)} (stand-in)`,
    rules: properties.map((p) => ({ t: 'set', p: p.property, pt: 'msg', to: JSON.stringify(state), tot: 'json' })),
    action: '', property: '', from: '', to: '', reg: false, x: node.x, y: node.y, wires: node.wires,
  };
}

/** What the plan mode's debug node receives. */
interface PlanOutput {
  payload: { dryRun?: boolean; sent?: boolean; fallback?: string; wouldSend?: { command: string }[] };
  plan: { now: string; intervals: { start: string; end: string; command: string }[] };
  planSummary: { expectedCostCents: number; autoCostCents: number; savingCents: number; forecastSource: string };
}

describe('every example flow in a real Node-RED, installed from npm pack', function () {
  this.timeout(180_000);
  const files = exampleFiles(EXAMPLES_DIR);
  const flows = new Map(files.map((f) => [f, JSON.parse(fs.readFileSync(f, 'utf8')) as FlowNode[]]));
  let installed: InstalledUserDir | undefined;
  let nr: NodeRedProcess | undefined;
  let sim: RedbackSimulator | undefined;
  let amber: AmberStub | undefined;
  let comms: Comms | undefined;

  before(async function () {
    this.timeout(240_000);
    installed = await packAndInstall(OTHER_MODULES.map((name) => `${name}@${installedVersion(name)}`));
    sim = await startSim({
      clock: { speed: 1 }, accounts: [accountFor([...flows.values()])],
      amber: { apiKey: AMBER_API_KEY, sites: [{ ...DEFAULT_AMBER_SITES[0], id: AMBER_SITE_ID }] },
    });
    amber = await startAmberStub();
    nr = await startInstalledNodeRed(installed.userDir, { AMBER_SITE_ID, AMBER_API_KEY });
    comms = await openComms(nr.url);
  });

  after(async () => {
    comms?.close();
    await nr?.stop();
    if (nr) {
      // Kept for a look after a failure (test-artifacts/ is git-ignored).
      fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
      fs.writeFileSync(path.join(ARTIFACTS_DIR, 'e2e-examples-node-red.log'), nr.output());
    }
    await sim?.stop();
    await amber?.close();
    installed?.remove();
  });

  it('has example flows', () => {
    should(files.length).be.above(0);
  });

  it('loads this package and the other modules from the user directory', async () => {
    const res = await request(`${nr!.url}/nodes`, { headers: { Accept: 'application/json' } });
    should(res.status).equal(200);
    const sets = res.body as { module: string; name: string; version: string; local?: boolean; enabled: boolean; err?: string }[];
    const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const ours = sets.filter((s) => s.module === MODULE);
    should(ours.map((s) => s.name).sort()).eql(['redback-config', 'redback-control', 'redback-read']);
    for (const set of ours) {
      should(set).have.properties({ enabled: true, local: true, version });
      should(set.err).be.undefined();
    }
    for (const name of OTHER_MODULES) {
      const theirs = sets.filter((s) => s.module === name);
      should(theirs.length).be.above(0, `${name} is loaded`);
      for (const set of theirs) should(set).have.properties({ enabled: true, local: true, version: installedVersion(name) });
    }
    should(fs.realpathSync(path.join(installed!.userDir, 'node_modules', MODULE))).startWith(fs.realpathSync(installed!.userDir));
  });

  it('gives every example the same account node (one id, one set of settings) on the simulator\'s default URL', () => {
    const accounts = [...flows.values()].map((flow) => flow.filter((n) => n.type === 'redback-config'));
    for (const list of accounts) should(list).have.length(1);
    const [first] = accounts[0];
    for (const [account] of accounts) should(account).eql(first);
    // `npx redback-sim` and `npm start` listen there by default.
    should(first).have.properties({ apiUrl: 'http://127.0.0.1:8124', portalUrl: 'http://127.0.0.1:8124' });
    for (const flow of flows.values()) {
      for (const node of flow.filter((n) => n.type.startsWith('redback-') && n.type !== 'redback-config')) should(node.account).equal(first.id);
    }
  });

  it('gives every example with Home Assistant nodes the same server node, so importing a second keeps the first', () => {
    const servers = [...flows.values()].flatMap((flow) => flow.filter((n) => n.type === 'server'));
    should(servers.length).be.above(1);
    for (const server of servers) should(server).eql(servers[0]);
  });

  it('runs "Manual control" on an account with several inverters: it names its inverter', async () => {
    const file = files.find((f) => path.basename(f) === 'Manual control.json')!;
    const example = flows.get(file)!;
    const whole = await startSim({ clock: { speed: 1 }, accounts: [defaultAccount()] });
    try {
      should(defaultAccount().sites.flatMap((s) => s.inverters).length).be.above(1);
      const logStart = await deploy(forTest(example, whole, amber!.url, `http://127.0.0.1:${await freePort()}`));
      const charge = example.find((n) => n.type === 'inject' && /charge/.test(String(n.name)) && !/discharge/.test(String(n.name)))!;
      should((await request(`${nr!.url}/inject/${charge.id}`, { method: 'POST' })).status).equal(200);
      await waitFor(() => whole.requestCount({ method: 'POST', path: 'Schedule/Create' }) === 1,
        () => `a charge schedule\n${nr!.output().slice(logStart)}`);
      const schedules = await api(whole, await getToken(whole), 'GET', '/Api/v2/Schedule/By/SerialNumber/RB21081800001734');
      should(schedules.body.Data.Schedules).have.length(1);
      should(schedules.body.Data.Schedules[0].DesiredMode).have.properties({ InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 });
      await realDelay(500);
      const ourErrors = nr!.output().slice(logStart).split('\n').filter((line) => /\[error\] \[redback-[\w-]+[:\]]/.test(line));
      should(ourErrors).eql([]);
    } finally {
      await whole.stop();
    }
  });

  const exampleNamed = (name: string): FlowNode[] => flows.get(files.find((f) => path.basename(f) === name)!)!;

  /** Deploys `flow` (full) and waits for it to start; the log offset from before the deploy. */
  async function deploy(flow: FlowNode[]): Promise<number> {
    const logStart = nr!.output().length;
    const res = await request(`${nr!.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({ flows: flow }),
    });
    should(res.status).equal(200, res.text);
    await waitFor(() => /\[info\] Started flows/.test(nr!.output().slice(logStart)), () => `the flows to start\n${nr!.output().slice(logStart)}`);
    return logStart;
  }

  /** Fires `inject`, waits for the plan node's dry-run status and its debug node's message, and checks that nothing was sent. */
  async function dryRunPlan(flow: FlowNode[], planNode: FlowNode, inject: FlowNode, logStart: number): Promise<PlanOutput> {
    const debug = downstreamOf(flow, planNode.id).find((n) => n.type === 'debug')!;
    should((await request(`${nr!.url}/inject/${inject.id}`, { method: 'POST' })).status).equal(200);
    await waitFor(() => comms!.debugged(debug.id).length > 0, () => `a plan at debug "${String(debug.name)}"; status ${String(comms!.statusText(planNode.id))}\n${nr!.output().slice(logStart)}`);
    const out = comms!.debugged(debug.id)[0] as PlanOutput;
    should(out.payload.fallback).be.undefined();
    should(out.payload).have.properties({ dryRun: true, sent: false });
    should(out.plan.intervals.length).be.above(24);
    const [first] = out.plan.intervals;
    should(Date.parse(first.start)).be.belowOrEqual(Date.parse(out.plan.now));
    should(Date.parse(first.end)).be.above(Date.parse(out.plan.now));
    should(comms!.statusText(planNode.id)).startWith(`dry run: plan: ${first.command}`);
    should(out.planSummary).have.properties(['expectedCostCents', 'autoCostCents', 'savingCents']);
    should(controlRequests(sim!)).equal(0);
    const ourErrors = nr!.output().slice(logStart).split('\n').filter((line) => /\[error\] \[redback-[\w-]+[:\]]/.test(line));
    should(ourErrors).eql([]);
    return out;
  }

  it('runs "Amber price automation" switched to B, plan over the forecast, in dry run on the simulator\'s Amber feed', async () => {
    const example = exampleNamed('Amber price automation.json');
    const controls = example.filter((n) => n.type === 'redback-control');
    const [plan] = controls.filter((n) => n.priceStrategy === 'plan');
    const [thresholds] = controls.filter((n) => n.priceStrategy !== 'plan');
    // As imported: A (thresholds) runs, B (plan) is disabled and in dry run; both are fed by the same fetch.
    should(controls).have.length(2);
    should(plan).have.properties({ d: true, dryRun: true, pricePolicy: true });
    should(thresholds.d).not.be.true();
    should(running(example).filter((n) => n.type === 'redback-control').map((n) => n.id)).eql([thresholds.id]);
    // The switch its comment describes: disable A, enable B.
    const switched = example.map((n) => (n.id === plan.id ? { ...n, d: false } : n.id === thresholds.id ? { ...n, d: true } : n));
    sim!.clearRequests();
    const logStart = await deploy(forTest(switched, sim!, sim!.url, `http://127.0.0.1:${await freePort()}`));
    const inject = injectsUpstreamOf(running(switched), plan.id).find((n) => n.name === 'prices now')!;
    const out = await dryRunPlan(switched, plan, inject, logStart);
    should(out.planSummary.forecastSource).equal('profile');
    should(sim!.requestCount({ surface: 'amber', path: `/v1/sites/${AMBER_SITE_ID}/prices/current` })).be.above(0);
  });

  it('runs "Plan with Home Assistant" in dry run on stand-ins for its Amber and Solcast sensors', async () => {
    const example = exampleNamed('Plan with Home Assistant.json');
    const [plan] = example.filter((n) => n.type === 'redback-control');
    should(plan).have.properties({ priceStrategy: 'plan', pricePolicy: true, dryRun: true });
    // What Home Assistant would hold: Amber's sensors from the simulator's feed, a clear day of Solcast's.
    // Taken early enough in a 5-minute interval that its current interval is still current at the tick.
    const toNextInterval = 300_000 - (Date.now() % 300_000);
    if (toNextInterval < 20_000) await realDelay(toNextInterval + 2000);
    const answer = await request(`${sim!.url}/v1/sites/${AMBER_SITE_ID}/prices/current?next=288&previous=0`, { headers: { Authorization: `Bearer ${AMBER_API_KEY}` } });
    should(answer.status).equal(200);
    const day = 86_400_000;
    const brisbaneMidnight = Math.floor((Date.now() + 36_000_000) / day) * day - 36_000_000;
    const states: Record<string, HaState> = {
      ...amberSensors(answer.body),
      'sensor.solcast_pv_forecast_forecast_today': solcastDailySensor('sensor.solcast_pv_forecast_forecast_today', brisbaneMidnight, 6),
      'sensor.solcast_pv_forecast_forecast_tomorrow': solcastDailySensor('sensor.solcast_pv_forecast_forecast_tomorrow', brisbaneMidnight + day, 6),
    };
    should(example.filter((n) => n.type === 'api-current-state').map((n) => n.entity_id).sort()).eql(Object.keys(states).sort());
    const standIns = example.map((n) => (n.type === 'api-current-state' ? currentStateStandIn(n, states) : n));
    sim!.clearRequests();
    const logStart = await deploy(forTest(standIns, sim!, amber!.url, `http://127.0.0.1:${await freePort()}`));
    const [inject] = injectsUpstreamOf(running(standIns), plan.id);
    const out = await dryRunPlan(standIns, plan, inject, logStart);
    should(out.planSummary.forecastSource).equal('flow');
  });

  for (const file of files) {
    const name = path.relative(EXAMPLES_DIR, file);
    it(`deploys and runs "${name}" against the simulator`, async () => {
      const example = flows.get(file)!;
      const live = running(example);
      sim!.clearRequests();
      amber!.requests.length = 0;
      const flow = forTest(example, sim!, amber!.url, `http://127.0.0.1:${await freePort()}`);
      const logStart = await deploy(flow);
      const deployedAt = Date.now();

      // Every node type of the example is installed, and the runtime has the whole flow.
      const nodes = await request(`${nr!.url}/nodes`, { headers: { Accept: 'application/json' } });
      const registered = new Set((nodes.body as { enabled: boolean; types: string[] }[]).flatMap((s) => (s.enabled ? s.types : [])));
      const types = [...new Set(example.map((n) => n.type))].filter((t) => !STRUCTURAL_TYPES.has(t) && !t.startsWith('subflow:'));
      should(types.filter((t) => !registered.has(t))).eql([], 'node types of the example that no installed module registers');
      const deployed = await request(`${nr!.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
      should((deployed.body.flows as FlowNode[]).map((n) => n.id).sort()).eql(example.map((n) => n.id).sort());

      // Each read node polls the simulator, on its own and when an inject upstream of it fires.
      const reads = live.filter((n) => n.type === 'redback-read');
      if (reads.length > 0) {
        await waitFor(() => sim!.requestCount({ path: '/Dynamic/' }) > 0, () => `a read poll of the simulator\n${nr!.output().slice(logStart)}`);
        const firstPollAt = Date.now();
        for (const read of reads) {
          const [inject] = injectsUpstreamOf(live, read.id);
          if (!inject) continue;
          // An input within 2 s of the end of the last poll is answered from that poll, without a request.
          await waitFor(() => Date.now() - deployedAt > 2500 && Date.now() - firstPollAt > ANSWER_FROM_LAST_POLL_MS + 1000, () => 'the first poll');
          const before = sim!.requestCount({ path: '/Dynamic/' });
          should((await request(`${nr!.url}/inject/${inject.id}`, { method: 'POST' })).status).equal(200, `POST /inject/${inject.id}`);
          await waitFor(() => sim!.requestCount({ path: '/Dynamic/' }) > before, () => `a poll after inject "${String(inject.name)}"`);
        }
      }

      // Every inject upstream of a control node (except "auto") leads to a command. With the Amber
      // price policy each one fetches prices from the stub, with the key and site from the
      // environment, and the first decision (charge at 4.2 c/kWh) is sent; repeats of an unchanged
      // decision send nothing.
      // Plan-mode nodes (priceStrategy "plan") have their own tests below.
      for (const control of live.filter((n) => n.type === 'redback-control' && n.priceStrategy !== 'plan')) {
        const amberPolicy = control.pricePolicy === true && control.priceSource === 'amber';
        for (const inject of injectsUpstreamOf(live, control.id).filter((n) => !sendsAuto(n))) {
          const commandsBefore = controlRequests(sim!);
          const fetchesBefore = amber!.requests.length;
          should((await request(`${nr!.url}/inject/${inject.id}`, { method: 'POST' })).status).equal(200, `POST /inject/${inject.id}`);
          if (amberPolicy) {
            await waitFor(() => amber!.requests.length > fetchesBefore, () => `an Amber request after inject "${String(inject.name)}"\n${nr!.output().slice(logStart)}`);
          } else {
            await waitFor(() => controlRequests(sim!) > commandsBefore, () => `a schedule or envelope after inject "${String(inject.name)}"\n${nr!.output().slice(logStart)}`);
          }
        }
        if (amberPolicy) {
          await waitFor(() => sim!.requestCount({ method: 'POST', path: 'Schedule/Create' }) > 0, () => `a charge schedule for a 4.2 c/kWh general price\n${nr!.output().slice(logStart)}`);
          for (const r of amber!.requests) {
            should(r).have.properties({ path: `/v1/sites/${AMBER_SITE_ID}/prices/current`, authorization: `Bearer ${AMBER_API_KEY}` });
            should(Object.fromEntries(new URLSearchParams(r.query))).eql({ next: '288', previous: '0' });
          }
        }
      }

      // Readings reach every Home Assistant sensor fed by a read node; with no Home Assistant there,
      // each one says so in the log, which shows the message got through (not null, not dropped).
      const sensors = reads.flatMap((read) => downstreamOf(live, read.id)).filter((n) => n.type === 'ha-sensor');
      for (const sensor of sensors) {
        const label = `[ha-sensor:${String(sensor.name || sensor.id)}]`;
        await waitFor(() => nr!.output().slice(logStart).includes(label), () => `a reading at ${label}\n${nr!.output().slice(logStart)}`);
      }

      // A few seconds of running: nothing missing, and no error from our nodes (other modules, e.g.
      // the Home Assistant nodes without a Home Assistant, may complain).
      await realDelay(Math.max(0, deployedAt + SETTLE_MS - Date.now()));
      const log = nr!.output().slice(logStart);
      should(log).not.match(/Waiting for missing types/);
      should(log).not.match(/\[error\] (Unhandled|Uncaught)|config node dependency/i);
      const ourErrors = log.split('\n').filter((line) => /\[error\] \[redback-[\w-]+[:\]]/.test(line));
      should(ourErrors).eql([], `errors from our nodes:\n${log}`);
    });
  }
});
