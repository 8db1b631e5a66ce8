/**
 * `npm start` keeps what the user made in its user directory: a restart replaces only the demo's
 * own nodes (examples/Demo.json, by id) and their credentials and context; the user's tab, nodes,
 * credentials and context are as they were.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import { PACKAGE_ROOT } from '../helpers/node-red-process';
import { startDemo, type DemoProcess } from '../helpers/demo-process';
import { waitUntil } from '../helpers/real-time';
import { request } from '../helpers/sim';

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  [key: string]: unknown;
}

const DEMO_FLOW = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', 'Demo.json'), 'utf8')) as FlowNode[];
const DEMO_TAB = DEMO_FLOW.find((n) => n.type === 'tab')!;
const DEMO_ACCOUNT = DEMO_FLOW.find((n) => n.type === 'redback-config')!;

/** A tab of the user's: a function that keeps a flow context value, and an account of their own with credentials. */
const USER_NODES: FlowNode[] = [
  { id: 'user-tab', type: 'tab', label: 'My own flow', disabled: false, info: '' },
  {
    id: 'user-function', type: 'function', z: 'user-tab', name: 'remember', outputs: 1, x: 200, y: 100, wires: [[]],
    func: 'return msg;', initialize: "flow.set('mine', 'kept across restarts');", finalize: '', libs: [],
  },
  {
    id: 'user-read', type: 'redback-read', z: 'user-tab', name: 'my read', account: 'user-account', site: '', serial: '', interval: 3600,
    x: 200, y: 160, wires: [[], [], []],
  },
  {
    // Port 9 (discard) on loopback: nothing answers, and nothing leaves the machine.
    id: 'user-account', type: 'redback-config', name: 'My own account', apiUrl: 'http://127.0.0.1:9',
    portalUrl: 'http://127.0.0.1:9', tokenUrl: '', tokenScope: '',
    credentials: { clientId: 'my-own-client-id', clientSecret: 'my-own-secret', email: '', password: '' },
  },
];

async function flowsOf(demo: DemoProcess): Promise<{ flows: FlowNode[]; rev: string }> {
  const res = await request(`${demo.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
  should(res.status).equal(200);
  return res.body as { flows: FlowNode[]; rev: string };
}

describe('npm start keeps the user\'s own work across a restart', function () {
  this.timeout(240_000);
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-demo-keep-'));
  let demo: DemoProcess | undefined;

  after(async () => {
    await demo?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('a user tab, its nodes, credentials and context survive; the demo\'s own nodes are replaced', async () => {
    demo = await startDemo(userDir, ['--speed', '60']);
    // The simulated day starts at 06:00 at the site (Brisbane, +10:00): at 60x it is still morning there.
    const clock = (await request(`${demo.simUrl}/__sim/state`)).body as { now: string };
    const brisbaneHour = new Date(Date.parse(clock.now) + 600 * 60_000).getUTCHours();
    should(brisbaneHour).be.within(6, 7, clock.now);
    // The Home Assistant nodes (a devDependency for the examples' test) stay out of the demo's palette.
    const sets = (await request(`${demo.url}/nodes`, { headers: { Accept: 'application/json' } })).body as { module: string }[];
    should(sets.filter((set) => set.module === 'node-red-contrib-home-assistant-websocket')).eql([]);
    should(sets.some((set) => set.module === '@flowfuse/node-red-dashboard')).be.true();
    const first = await flowsOf(demo);
    // The user edits the demo tab (to be restored) and adds a tab of their own.
    const edited = first.flows.map((n) => (n.id === DEMO_TAB.id ? { ...n, label: 'renamed by the user' } : n));
    const deploy = await request(`${demo.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({ flows: [...edited, ...USER_NODES], rev: first.rev }),
    });
    should(deploy.status).equal(200, deploy.text);
    // Node-RED answers the deploy before the new flows have started.
    const log = path.join(userDir, 'node-red.log');
    await waitUntil(() => (fs.readFileSync(log, 'utf8').match(/Started flows/g) ?? []).length >= 3, 'the user\'s flows to start (after the start and the demo\'s deploy)', 20_000, 100);
    const firstSimUrl = demo.simUrl;
    should(await demo.stop()).equal(0, demo.output());
    // Node-RED writes context to disk when it stops.
    const contextFile = path.join(userDir, 'context', 'user-tab', 'flow.json');
    should(fs.existsSync(contextFile)).be.true(`no ${contextFile}; Node-RED's log:\n${fs.readFileSync(log, 'utf8')}\n${demo.output()}`);
    should(JSON.parse(fs.readFileSync(contextFile, 'utf8'))).eql({ mine: 'kept across restarts' });

    demo = await startDemo(userDir, ['--speed', '60']);
    should(demo.simUrl).not.equal(firstSimUrl);
    const { flows } = await flowsOf(demo);
    const byId = new Map(flows.map((n) => [n.id, n]));
    should(flows.length).equal(DEMO_FLOW.length + USER_NODES.length);
    for (const node of USER_NODES) {
      const { credentials, ...rest } = node;
      void credentials;
      should(byId.get(node.id)).containDeep(rest);
    }
    for (const node of DEMO_FLOW) should(byId.has(node.id)).be.true(`demo node ${node.id}`);
    should(byId.get(DEMO_TAB.id)!.label).equal(DEMO_TAB.label);
    should(byId.get(DEMO_ACCOUNT.id)!.apiUrl).equal(demo.simUrl);

    const mine = await request(`${demo.url}/credentials/redback-config/user-account`);
    should(mine.status).equal(200);
    should(mine.body).containDeep({ clientId: 'my-own-client-id', has_clientSecret: true });
    const theirs = await request(`${demo.url}/credentials/redback-config/${DEMO_ACCOUNT.id}`);
    should(theirs.body).containDeep({ clientId: 'sim-client-id', email: 'owner@example.com', has_clientSecret: true, has_password: true });
    should(JSON.parse(fs.readFileSync(contextFile, 'utf8'))).eql({ mine: 'kept across restarts' });

    // The demo still runs: its read node reads the new simulator.
    await waitUntil(async () => {
      const log = (await request(`${demo!.simUrl}/__sim/requests`)).body as { path: string; status: number }[];
      return log.some((r) => r.path.includes('/EnergyData/Dynamic/') && r.status === 200);
    }, 'a dynamic read of the new simulator', 30_000, 250);
    should(await demo.stop()).equal(0, demo.output());
  });

  it('refuses a flows.json it cannot read instead of overwriting it', async () => {
    const flowFile = path.join(userDir, 'flows.json');
    fs.writeFileSync(flowFile, '[{"id": "half a flow"');
    await startDemo(userDir).then(
      () => should.fail(null, null, 'the demo started over a broken flows.json'),
      (err: Error) => should(err.message).match(/flows\.json is not valid JSON/),
    );
    should(fs.readFileSync(flowFile, 'utf8')).equal('[{"id": "half a flow"');
  });
});
