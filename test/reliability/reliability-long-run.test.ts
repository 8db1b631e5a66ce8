/**
 * Issue 8, the long run: five read nodes on one account poll every 10 s of fake time for 100,000
 * ticks in all (20,000 polls each, 2.3 simulated days) against the simulator over real HTTP. The
 * heap after a full collection, the timers, the node listeners and the open handles must not grow
 * with the number of ticks. The figures are printed for RELIABILITY.md.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import configNode = require('../../nodes/redback-config');
import readNode = require('../../nodes/redback-read');
import { simCredentials } from '../helpers/account';
import { forgetHarnessCalls } from '../helpers/harness-memory';
import { heapUsedAfterGc, mb } from '../helpers/heap';
import { watchProcess } from '../helpers/process-watch';
import { realDelay } from '../helpers/read-flow';
import { activeHandleCount } from '../helpers/resources';
import { runtimeWithSim } from '../helpers/runtime-with-sim';
import { FIXED_START } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';
const READERS = ['r1', 'r2', 'r3', 'r4', 'r5'];
const TICKS = 100_000;
const ROUNDS = TICKS / READERS.length;
const WARM_UP_ROUNDS = 1000;
const INTERVAL_MS = 10_000;
/** Generous: a leak of even 100 bytes a tick would show as 10 MB. */
const MAX_HEAP_GROWTH = 8 * 1024 * 1024;

interface Listening { on(event: string, listener: (msg: { topic: string; payload: Record<string, unknown> }) => void): void; listenerCount(event: string): number }

describe('reliability: the long run', function () {
  this.timeout(300_000);
  const shared = runtimeWithSim();
  let clock: sinon.SinonFakeTimers;


  it(`${TICKS} ticks of five read nodes: bounded heap, no growth in timers, listeners or handles`, async () => {
    const { sim } = shared;
    const watch = watchProcess();
    clock = sinon.useFakeTimers({ now: Date.parse(FIXED_START), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldAdvanceTime: false });
    try {
      const z = 'tab';
      const flow = [
        { id: z, type: 'tab', label: 'long run' },
        { id: 'acc', type: 'redback-config', apiUrl: sim.url, portalUrl: sim.url, z },
        ...READERS.map((id) => ({ id, type: 'redback-read', z, x: 1, y: 1, account: 'acc', site: '', serial: ST, interval: INTERVAL_MS / 1000, wires: [['sink'], [], []] })),
        { id: 'sink', type: 'helper', z, x: 1, y: 1 },
        { id: 'catch', type: 'catch', z, x: 1, y: 1, scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z, x: 1, y: 1 },
      ];
      await helper.load([configNode, readNode], flow as Parameters<typeof helper.load>[1], { acc: simCredentials() });

      // Counted, not kept: a list of 300,000 messages would be the leak.
      let sites = 0;
      let others = 0;
      let zeroOrMissing = 0;
      let caught = 0;
      let wake: (() => void) | null = null;
      let want = 0;
      (helper.getNode('sink') as unknown as Listening).on('input', (msg) => {
        if (msg.topic.endsWith('/site')) {
          sites++;
          if (typeof msg.payload.pvPowerW !== 'number' || msg.payload.batterySocPct === null) zeroOrMissing++;
        } else others++;
        if (sites >= want && wake) wake();
      });
      (helper.getNode('caught') as unknown as Listening).on('input', () => void caught++);
      const sitesReach = (n: number): Promise<void> => new Promise<void>((resolve, reject) => {
        if (sites >= n) return resolve();
        want = n;
        const guard = realTimeout(() => reject(new Error(`only ${sites} of ${n} site messages, ${caught} errors`)), 10_000);
        wake = () => {
          wake = null;
          clearRealTimeout(guard);
          resolve();
        };
      });
      const round = async (n: number): Promise<void> => {
        await clock.tickAsync(n === 1 ? 2000 : INTERVAL_MS);
        await sitesReach(n * READERS.length);
        if (n % 1000 === 0) {
          forgetHarnessCalls();
          sim.clearRequests();
        }
      };
      const snapshot = () => ({
        heap: heapUsedAfterGc(),
        timers: clock.countTimers(),
        handles: activeHandleCount(),
        listeners: READERS.map((id) => ['input', 'close'].map((e) => (helper.getNode(id) as unknown as Listening).listenerCount(e))),
      });

      let n = 1;
      for (; n <= WARM_UP_ROUNDS; n++) await round(n);
      forgetHarnessCalls();
      const before = snapshot();
      const started = performance.now();
      const samples: string[] = [];
      for (; n <= ROUNDS; n++) {
        await round(n);
        if (n % 5000 === 0) samples.push(`${n * READERS.length} ticks: ${mb(heapUsedAfterGc())}`);
      }
      forgetHarnessCalls();
      await realDelay(50);
      const afterRun = snapshot();
      const growth = afterRun.heap - before.heap;
      console.log(`      long run: ${TICKS} ticks (${sites} site messages) in ${((performance.now() - started) / 1000).toFixed(1)} s; heap after gc ${mb(before.heap)} -> ${mb(afterRun.heap)} (growth ${mb(growth)}); ${samples.join(', ')}; timers ${before.timers} -> ${afterRun.timers}; handles ${before.handles} -> ${afterRun.handles}`); // eslint-disable-line no-console

      should(sites).equal(TICKS);
      should(others).equal(0);
      should(zeroOrMissing).equal(0);
      should(caught).equal(0);
      should(growth).be.below(MAX_HEAP_GROWTH);
      should(afterRun.timers).equal(before.timers);
      should(afterRun.listeners).eql(before.listeners);
      should(afterRun.handles).be.belowOrEqual(before.handles);
      should(watch.rejections.map(String)).eql([]);
      await helper.unload();
      should(clock.countTimers()).equal(0);
    } finally {
      clock.restore();
      watch.stop();
    }
  });
});

// The real timer functions, for the guard while sinon fakes the global ones.
const realTimeout = globalThis.setTimeout;
const clearRealTimeout = globalThis.clearTimeout;
