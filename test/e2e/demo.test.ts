/**
 * `npm start` (scripts/demo.js): the simulator and a real Node-RED with the demo flow, read
 * messages with plausible values, a dashboard button's command reaching the simulated battery, and
 * a clean stop on SIGINT. Runs the script with its own ports and user directory, and --no-build so
 * it never rebuilds dist/ under the running suite.
 */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import should from 'should';
import { PACKAGE_ROOT, freePort } from '../helpers/node-red-process';
import { form, request } from '../helpers/sim';
import { openComms, type Comms, type CommsMessage } from '../helpers/node-red-comms';

const DEMO_SCRIPT = path.join(PACKAGE_ROOT, 'scripts', 'demo.js');
const DEMO_FLOW = path.join(PACKAGE_ROOT, 'examples', 'Demo.json');
const SERIAL = 'RB21081800001734';
const SPEED = 600;

interface FlowNode {
  id: string;
  type: string;
  [key: string]: unknown;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The exit code, or 'timeout' (the timer is cleared either way, so mocha is not kept waiting). */
async function exitWithin(demo: Demo, ms: number): Promise<number | null | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([demo.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

interface Demo {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function runDemo(args: string[]): Demo {
  const child = spawn(process.execPath, [DEMO_SCRIPT, ...args, '--no-build'], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('npm start: the demo (scripts/demo.js)', function () {
  this.timeout(90_000);

  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-demo-'));
  let demo: Demo | undefined;
  let nrUrl = '';
  let simUrl = '';
  let nrPort = 0;
  let simPort = 0;
  let comms: Comms | undefined;

  before(async () => {
    nrPort = await freePort();
    simPort = await freePort();
    nrUrl = `http://127.0.0.1:${nrPort}`;
    simUrl = `http://127.0.0.1:${simPort}`;
    const started = Date.now();
    demo = runDemo(['--port', String(nrPort), '--sim-port', String(simPort), '--speed', String(SPEED), '--user-dir', userDir]);
    const d = demo;
    await waitFor('the demo to print its dashboard URL', 60_000, () => {
      if (d.child.exitCode !== null) throw new Error(`the demo exited with ${d.child.exitCode}:\n${d.output()}`);
      return d.output().includes(`Dashboard:  ${nrUrl}/dashboard`) ? true : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${d.output()}`);
    });
    should(Date.now() - started).be.below(60_000);
    comms = await openComms(nrUrl);
  });

  after(async () => {
    comms?.close();
    if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('prints the editor, dashboard and simulator URLs', () => {
    const out = demo!.output();
    should(out).containEql(`Editor:     ${nrUrl}/`);
    should(out).containEql(`Simulator:  ${simUrl}`);
    should(out).containEql('Press Ctrl-C to stop');
  });

  it('deploys examples/Demo.json with every node type registered and the simulator credentials', async () => {
    const expected = JSON.parse(fs.readFileSync(DEMO_FLOW, 'utf8')) as FlowNode[];
    const res = await request(`${nrUrl}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    should(res.status).equal(200);
    const flows = res.body.flows as FlowNode[];
    should(flows.map((n) => n.id).sort()).eql(expected.map((n) => n.id).sort());
    const types = new Set(flows.map((n) => n.type));
    for (const type of ['redback-config', 'redback-read', 'redback-control', 'ui-base', 'ui-page', 'ui-group', 'ui-chart', 'ui-text', 'ui-button']) {
      should(types.has(type)).be.true(`${type} in the deployed flow`);
    }

    const nodes = await request(`${nrUrl}/nodes`, { headers: { Accept: 'application/json' } });
    should(nodes.status).equal(200);
    const registered = new Set((nodes.body as { types: string[]; enabled: boolean }[]).filter((s) => s.enabled).flatMap((s) => s.types));
    const missing = [...types].filter((t) => t !== 'tab' && !registered.has(t));
    should(missing).eql([]);
    const log = fs.readFileSync(path.join(userDir, 'node-red.log'), 'utf8');
    should(log).not.match(/missing types/i);
    should(log).match(/Dashboard 2\.0 .* started at \/dashboard/);

    const account = flows.find((n) => n.type === 'redback-config')!;
    should(account.apiUrl).equal(simUrl);
    should(account.portalUrl).equal(simUrl);
    const creds = await request(`${nrUrl}/credentials/redback-config/${account.id}`);
    should(creds.status).equal(200);
    should(creds.body).containDeep({ clientId: 'sim-client-id', email: 'owner@example.com', has_clientSecret: true, has_password: true });
    should(fs.readFileSync(path.join(userDir, 'settings.js'), 'utf8')).match(/"module": "localfilesystem"/);
  });

  it('serves the dashboard at /dashboard', async () => {
    const redirect = await request(`${nrUrl}/dashboard`);
    should([200, 301, 302]).containEql(redirect.status);
    const page = await request(`${nrUrl}/dashboard/`);
    should(page.status).equal(200);
    should(page.headers.get('content-type')).match(/text\/html/);
  });

  it('reads the simulated account: static and dynamic reads, and a plausible reading', async () => {
    await waitFor('static and dynamic reads of the ST10000', 20_000, async () => {
      const log = (await request(`${simUrl}/__sim/requests`)).body as { method: string; path: string; status: number }[];
      const ok = (fragment: string): boolean => log.some((r) => r.method === 'GET' && r.path.includes(fragment) && r.status === 200);
      return ok(`/EnergyData/Dynamic/BySerialNumber/${SERIAL}`) && ok(`/EnergyData/Static/BySerialNumber/${SERIAL}`) ? true : undefined;
    });
    // The read node's status is its last reading: "PV 4.2 kW · SoC 78% · 12:03".
    const status = await waitFor('a green status on the read node', 20_000, () =>
      comms!.messages.find((m) => m.topic === 'status/redback-demo-read' && m.data?.fill === 'green'));
    const match = /^PV (\d+\.\d) kW · SoC (\d+)% · \d\d:\d\d$/.exec(status.data.text as string);
    should(match !== null).be.true(`status text "${String(status.data.text)}"`);
    const pvKW = Number(match![1]);
    const socPct = Number(match![2]);
    should(pvKW).be.within(0, 40); // four sites, at most 5 + 5 + 5 + 2 x 10 kW of PV
    should(socPct).be.within(0, 100);
    should(comms!.messages.filter((m) => m.topic === 'status/redback-demo-read' && m.data?.fill !== 'green')).eql([]);
  });

  it("runs the battery by the plan from the start, on the simulator's Amber feed", async () => {
    await waitFor('the NSW prices fetched from the simulator', 20_000, async () => {
      const log = (await request(`${simUrl}/__sim/requests`)).body as { method: string; path: string; status: number }[];
      return log.some((r) => r.method === 'GET' && r.path.startsWith('/v1/sites/01HSMAMBERNSW0000000000001/prices/current') && r.status === 200) ? true : undefined;
    });
    // The control node's status is the plan's command now: "plan: charge 4.6 kW until 06:35 · SoC 60%→80%".
    const planned = await waitFor('a plan on the control node', 20_000, () =>
      comms!.messages.find((m) => m.topic === 'status/redback-demo-control' && /^plan: /.test(String(m.data?.text))));
    should(planned.data.fill).equal('green');
    should(planned.data.text).match(/^plan: (auto|conserve|charge [\d.]+ kW|discharge [\d.]+ kW)( \+ curtail)? until \d\d:\d\d · SoC \d+%→\d+%$/);
  });

  it('a control command (the charge inject) turns the plan off and makes the simulated ST10000 charge at 3 kW', async () => {
    // Any button (here the auto inject) turns the plan off first, so the battery stays as set.
    const auto = await request(`${nrUrl}/inject/redback-demo-inject-auto`, { method: 'POST' });
    should(auto.status).equal(200);
    await waitFor('the ST10000 on Auto', 15_000, async () => {
      const state = (await request(`${simUrl}/__sim/state`)).body;
      const inverter = state.accounts[0].sites.flatMap((s: { inverters: unknown[] }) => s.inverters).find((i: { serial: string }) => i.serial === SERIAL);
      return inverter.mode.mode === 'Auto' ? true : undefined;
    });
    // Leave room in the battery so the charge shows as battery power.
    const set = await request(`${simUrl}/__sim/inverters/${SERIAL}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ socPct: 20 }),
    });
    should(set.status).equal(200);
    should(set.body.mode.mode).equal('Auto');

    const inject = await request(`${nrUrl}/inject/redback-demo-inject-charge`, { method: 'POST' });
    should(inject.status).equal(200);

    const snapshot = await waitFor('the ST10000 to charge at 3 kW', 15_000, async () => {
      const state = (await request(`${simUrl}/__sim/state`)).body;
      const inverter = state.accounts[0].sites.flatMap((s: { inverters: unknown[] }) => s.inverters).find((i: { serial: string }) => i.serial === SERIAL);
      return inverter.mode.mode === 'ChargeBattery' ? inverter : undefined;
    });
    should(snapshot.mode.powerW).equal(3000);
    should(snapshot.batteryKW).be.approximately(-3, 0.01);

    // The control node's output reached the debug node (the charge's result, not one of the plan's, which have a reason).
    const isCharge = (m: CommsMessage): boolean => m.topic === 'debug' && m.data?.id === 'redback-demo-control-debug'
      && /"command":"charge"/.test(String(m.data?.msg)) && !/"reason"/.test(String(m.data?.msg));
    const debug = await waitFor('the control result in the debug sidebar', 10_000, () => comms!.messages.find(isCharge));
    should(JSON.parse(debug.data.msg as string)).containDeep({ ok: true, command: 'charge', mode: 'ChargeBattery', powerW: 3000, serial: SERIAL, method: 'schedule' });

    // The control node runs on the simulator's clock (settings.redbackClock): 30 minutes are 30
    // simulated minutes, from the simulated now, even at 600x.
    const token = await request(`${simUrl}/Api/v2/Auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ client_id: 'sim-client-id', client_secret: 'sim-client-secret' }),
    });
    const schedules = await request(`${simUrl}/Api/v2/Schedule/By/SerialNumber/${SERIAL}`, {
      headers: { Authorization: `Bearer ${token.body.access_token as string}` },
    });
    // The plan stayed off: no plan status since the command.
    const since = comms!.messages.findIndex(isCharge);
    should(comms!.messages.slice(since).filter((m) => m.topic === 'status/redback-demo-control' && /^plan: /.test(String(m.data?.text)))).eql([]);
    should(schedules.body.Data.Schedules).have.length(1);
    should(schedules.body.Data.Schedules[0].Duration).equal('00:30:00');
    const simNow = Date.parse((await request(`${simUrl}/__sim/state`)).body.now as string);
    const startUtc = Date.parse(`${String(schedules.body.Data.Schedules[0].StartTimeUtc).replace(/Z?$/, 'Z')}`);
    should(simNow - startUtc).be.within(0, 30 * 60_000);
  });

  it('stops Node-RED and the simulator on SIGINT and exits 0', async () => {
    comms?.close();
    comms = undefined;
    demo!.child.kill('SIGINT');
    const code = await exitWithin(demo!, 20_000);
    should(code).equal(0);
    should(demo!.output()).containEql('Stopped.');
    should(await portIsFree(nrPort)).be.true('the Node-RED port is free');
    should(await portIsFree(simPort)).be.true('the simulator port is free');
    should(fs.readFileSync(path.join(userDir, 'node-red.log'), 'utf8')).match(/Stopped flows/);
  });

  it('fails with a clear message when the simulator port is busy', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const run = runDemo(['--port', String(await freePort()), '--sim-port', String(busy), '--user-dir', userDir]);
      const code = await exitWithin(run, 20_000);
      should(code).equal(1);
      should(run.output()).containEql(`port ${busy} on 127.0.0.1 is already in use`);
      should(run.output()).containEql('--sim-port');
    } finally {
      blocker.close();
    }
  });
});
