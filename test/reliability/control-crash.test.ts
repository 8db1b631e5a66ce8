/**
 * kill -9 of a real Node-RED 20 s into a portal discharge (issue 14 §1): the intent journal, not
 * the context store, brings the revert to Auto back. With Node-RED's default memory context store
 * and with the file store the README used to recommend (which writes 30 s after a change), the
 * restarted Node-RED sends Auto at the deadline, or at once when the deadline passed while it was
 * down. The simulator runs in this process on loopback; Node-RED is a real child process.
 *
 * The command lasts 1 minute (the contract's shortest) to keep the test short; the figures are
 * printed for RELIABILITY.md.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import type { RedbackSimulator } from '../../src/sim';
import { DEFAULT_CREDENTIALS } from '../../src/sim';
import { journalFile } from '../../src/control/intent-journal';
import { launchNodeRed, PACKAGE_ROOT, type NodeRedProcess } from '../helpers/node-red-process';
import { realDelay, waitUntil } from '../helpers/real-time';
import { request, startSim } from '../helpers/sim';

const ST = 'RB21081800001734';
const V2 = { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2' };
const CONTROL_ID = 'ctl-crash';

function flows(simUrl: string): object[] {
  const z = 'tab';
  return [
    { id: z, type: 'tab', label: 'crash' },
    { id: 'acc', type: 'redback-config', name: 'sim', apiUrl: simUrl, portalUrl: simUrl, credentials: { ...DEFAULT_CREDENTIALS } },
    { id: CONTROL_ID, type: 'redback-control', z, x: 300, y: 100, account: 'acc', serial: ST, method: 'portal', durationMinutes: 30, wires: [[]] },
    {
      id: 'go', type: 'inject', z, x: 100, y: 100, props: [{ p: 'payload' }], payloadType: 'json', repeat: '', once: false,
      payload: JSON.stringify({ command: 'discharge', powerW: 2000, durationMinutes: 1 }), wires: [[CONTROL_ID]],
    },
  ];
}

interface SetSeen { atMs: number; mode: string }

describe('reliability: kill -9 during a portal command', function () {
  this.timeout(240_000);
  let sim: RedbackSimulator;
  let sets: SetSeen[];
  let userDir: string;
  let nr: NodeRedProcess | null = null;

  before(async () => {
    sim = await startSim();
    // Every portal Set the cloud applies, on the wall clock.
    const apply = sim.cloud.setPortalMode.bind(sim.cloud);
    sim.cloud.setPortalMode = (entry, mode) => {
      sets.push({ atMs: Date.now(), mode: mode.mode });
      apply(entry, mode);
    };
  });
  after(() => sim.stop());
  beforeEach(() => {
    sets = [];
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-crash-'));
  });
  afterEach(async () => {
    await nr?.stop();
    nr = null;
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const start = async (store: 'memory' | 'localfilesystem'): Promise<NodeRedProcess> => launchNodeRed(userDir, {
    nodesDir: [PACKAGE_ROOT],
    credentialSecret: 'crash-test-secret',
    ...(store === 'localfilesystem' ? { contextStorage: { default: { module: 'localfilesystem' } } } : {}),
  });

  /** Deploys, sends the 1-minute discharge, waits until the cloud has it; returns the deadline the journal holds. */
  const discharge = async (): Promise<number> => {
    const deploy = await request(`${nr!.url}/flows`, { method: 'POST', headers: { ...V2, 'Node-RED-Deployment-Type': 'full' }, body: JSON.stringify({ flows: flows(sim.url) }) });
    should(deploy.status).equal(200, deploy.text);
    await realDelay(500);
    should((await request(`${nr!.url}/inject/go`, { method: 'POST' })).status).equal(200);
    await waitUntil(() => sets.length === 1, 'the discharge Set', 20_000, 50);
    should(sets[0].mode).equal('DischargeBattery');
    const journal = JSON.parse(fs.readFileSync(journalFile(userDir, CONTROL_ID), 'utf8'));
    const deadline = journal.state.portalRevert.atMs as number;
    should(deadline - sets[0].atMs).be.within(55_000, 60_500);
    return deadline;
  };

  for (const store of ['memory', 'localfilesystem'] as const) {
    it(`${store} context store: killed 20 s in and restarted at once, the revert to Auto comes at the deadline`, async () => {
      nr = await start(store);
      const deadline = await discharge();
      await realDelay(Math.max(0, sets[0].atMs + 20_000 - Date.now()));
      await nr.kill();
      const killedAt = Date.now();
      nr = await start(store);
      const upAt = Date.now();
      should(upAt).be.below(deadline - 2000); // up again well before the deadline
      await waitUntil(() => sets.length === 2, `the revert to Auto (deadline in ${deadline - Date.now()} ms)`, deadline - Date.now() + 20_000, 50);
      should(sets[1].mode).equal('Auto');
      const lateMs = sets[1].atMs - deadline;
      console.log(`      ${store}: killed ${killedAt - sets[0].atMs} ms into the command, up again after ${upAt - killedAt} ms; Auto ${lateMs} ms after the deadline`); // eslint-disable-line no-console
      should(lateMs).be.within(0, 5000);
      await realDelay(2000);
      should(sets).have.length(2);
    });

    it(`${store} context store: the deadline passed while Node-RED was down, Auto comes at once on start`, async () => {
      nr = await start(store);
      const deadline = await discharge();
      await realDelay(Math.max(0, sets[0].atMs + 20_000 - Date.now()));
      await nr.kill();
      await realDelay(Math.max(0, deadline + 5000 - Date.now()));
      should(sets).have.length(1);
      nr = await start(store);
      const upAt = Date.now();
      await waitUntil(() => sets.length === 2, 'the revert to Auto', 20_000, 50);
      should(sets[1].mode).equal('Auto');
      const afterStartMs = sets[1].atMs - upAt;
      console.log(`      ${store}: deadline passed ${upAt - deadline} ms before the flows started; Auto ${afterStartMs} ms after they started`); // eslint-disable-line no-console
      should(afterStartMs).be.below(5000);
    });
  }
});
