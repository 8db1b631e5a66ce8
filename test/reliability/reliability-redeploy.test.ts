/**
 * Issue 8, 200 redeploys of a flow with a read node and a portal control node in Node-RED's
 * runtime, alternating full deploys (the account node restarts) and "modified nodes" deploys
 * (only the read node restarts). After each deploy the read node polls and the control node sets
 * a mode through the portal. No handle, timer, account or portal login may be left behind.
 */
import should from 'should';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import configNode = require('../../nodes/redback-config');
import controlNode = require('../../nodes/redback-control');
import readNode = require('../../nodes/redback-read');
import type { RedbackAccount } from '../../src/account/account';
import { AccountHolder } from '../../src/account/account-holder';
import type { RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { forgetHarnessCalls } from '../helpers/harness-memory';
import { heapUsedAfterGc, mb } from '../helpers/heap';
import { watchProcess } from '../helpers/process-watch';
import { realDelay, waitUntil } from '../helpers/read-flow';
import { activeResources } from '../helpers/resources';
import { runtimeWithSim } from '../helpers/runtime-with-sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';
const DEPLOYS = Number(process.env.DEPLOYS ?? 200);

interface Listening { on(event: string, listener: (msg: { topic?: string; payload: Record<string, unknown> }) => void): void; receive(msg: object): void }

/** The flow of deploy `n`: the read node's interval changes every time, so each deploy touches it. */
function flowFor(sim: RedbackSimulator, n: number): object[] {
  const z = 'tab';
  return [
    { id: z, type: 'tab', label: 'redeploy' },
    { id: 'acc', type: 'redback-config', apiUrl: sim.url, portalUrl: sim.url, z },
    { id: 'read', type: 'redback-read', z, x: 1, y: 1, account: 'acc', site: '', serial: ST, interval: 60 + (n % 2), wires: [['sink'], [], []] },
    { id: 'ctl', type: 'redback-control', z, x: 1, y: 1, account: 'acc', serial: ST, method: 'portal', durationMinutes: 30, wires: [['sink']] },
    { id: 'sink', type: 'helper', z, x: 1, y: 1 },
    { id: 'catch', type: 'catch', z, x: 1, y: 1, scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z, x: 1, y: 1 },
  ];
}

describe('reliability: redeploys', function () {
  this.timeout(180_000);
  const shared = runtimeWithSim();


  const portalLogins = (): number => shared.sim.requestCount({ surface: 'portal', method: 'POST', path: '/Account/Login' });

  it(`${DEPLOYS} redeploys leave no handles, timers, accounts or portal sessions behind`, async () => {
    const { sim } = shared;
    const watch = watchProcess();
    // Weakly held: the test must not keep closed accounts alive itself.
    const accounts = new Set<WeakRef<RedbackAccount>>();
    const seen = new WeakSet<RedbackAccount>();
    // Patched by hand: a sinon stub would keep every call's stack, and with it every node.
    const acquire = AccountHolder.prototype.acquire;
    AccountHolder.prototype.acquire = function (this: AccountHolder, userId: string) {
      const account = acquire.call(this, userId);
      if (!seen.has(account)) {
        seen.add(account);
        accounts.add(new WeakRef(account));
      }
      return account;
    };
    // Node-RED starts its editor heartbeat with the first flows it loads: in the baseline, not ours.
    await helper.load([configNode, readNode, controlNode], []);
    await helper.unload();
    const baseline = activeResources();
    const heard = new WeakSet<object>();
    const listenOnce = (id: string, listener: Parameters<Listening['on']>[1]): void => {
      const node = helper.getNode(id) as unknown as Listening;
      if (heard.has(node)) return;
      heard.add(node);
      node.on('input', listener);
    };
    let logins = 0;
    const heap = (): number => {
      forgetHarnessCalls();
      logins += portalLogins();
      sim.clearRequests(); // the simulator shares the heap: its request log is not ours
      return heapUsedAfterGc();
    };
    try {
      let sites = 0;
      let results = 0;
      const errors: string[] = [];
      let fullDeploys = 0;
      let atTen: { resources: Record<string, number>; heap: number } | null = null;
      const started = performance.now();
      for (let n = 1; n <= DEPLOYS; n++) {
        const flows = flowFor(sim, n) as Parameters<typeof helper.load>[1];
        if (n === 1) {
          await helper.load([configNode, readNode, controlNode], flows, { acc: simCredentials() });
        } else {
          const full = n % 2 === 1;
          if (full) fullDeploys++;
          await helper.setFlows(flows as Parameters<typeof helper.setFlows>[0], full ? 'full' : 'nodes', { acc: simCredentials() });
        }
        // A "nodes" deploy keeps the sinks: listen once per node instance.
        listenOnce('sink', (msg) => {
          if (msg.topic?.endsWith('/site')) sites++;
          else if (msg.topic !== 'readback') results++;
        });
        listenOnce('caught', (msg) => void errors.push(String((msg as unknown as { error: { message: string } }).error.message)));
        const [sitesBefore, resultsBefore] = [sites, results];
        (helper.getNode('read') as unknown as Listening).receive({});
        (helper.getNode('ctl') as unknown as Listening).receive({ payload: { command: 'charge', powerW: 1000 + n } });
        await waitUntil(() => (sites > sitesBefore && results > resultsBefore) || errors.length > 0, `deploy ${n}: a reading and a result`);
        should(errors).eql([]);
        if (n === 10) atTen = { resources: activeResources(), heap: heap() };
      }
      await realDelay(100);
      const atEnd = { resources: activeResources(), heap: heap() };
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const liveSessions = sim.portalSessions.count();
      logins += portalLogins();
      await helper.unload();
      const open = [...accounts].filter((ref) => ref.deref()?.transport.closed === false).length;
      const settled = (): boolean => (activeResources().TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) && (activeResources().Timeout ?? 0) <= (baseline.Timeout ?? 0);
      await waitUntil(settled, 'the sockets and timers to go', 8000);
      const afterUnload = activeResources();
      const sessionsAfterUnload = sim.portalSessions.count();
      console.log(`      redeploys: ${DEPLOYS} (${fullDeploys + 1} full) in ${seconds} s; accounts made ${accounts.size}, open after unload ${open}; portal logins ${logins}, live portal sessions ${liveSessions} at deploy ${DEPLOYS} and ${sessionsAfterUnload} after unload; resources at deploy 10 ${JSON.stringify(atTen!.resources)}, at ${DEPLOYS} ${JSON.stringify(atEnd.resources)}, after unload ${JSON.stringify(afterUnload)} (before ${JSON.stringify(baseline)}); heap after gc ${mb(atTen!.heap)} at deploy 10, ${mb(atEnd.heap)} at ${DEPLOYS}`); // eslint-disable-line no-console

      should(sites).equal(DEPLOYS);
      should(results).equal(DEPLOYS);
      should(open).equal(0);
      // One account per full deploy (the config node restarts); a "nodes" deploy keeps it.
      should(accounts.size).equal(fullDeploys + 1);
      // One login per account: a session is never made twice, and a "nodes" deploy reuses it.
      should(logins).equal(accounts.size);
      // Each closed account logged off: only the running one's session is live, and none after unload.
      should(liveSessions).equal(1);
      should(sessionsAfterUnload).equal(0);
      should(atEnd.resources.Timeout ?? 0).equal(atTen!.resources.Timeout ?? 0);
      should(atEnd.resources.TCPSocketWrap ?? 0).be.belowOrEqual((atTen!.resources.TCPSocketWrap ?? 0) + 2);
      should(afterUnload.Timeout ?? 0).be.belowOrEqual(baseline.Timeout ?? 0);
      should(atEnd.heap - atTen!.heap).be.below(16 * 1024 * 1024);
      should(watch.rejections.map(String)).eql([]);
    } finally {
      AccountHolder.prototype.acquire = acquire;
      watch.stop();
    }
  });
});
