/**
 * Found by the fuzz test (issue 8): a command replaced by the next one kept its read-back running,
 * so three minutes later the node reported the replaced command as "accepted but never applied"
 * (a warning, a yellow status over the active command's, a `readback` message with applied:
 * false), and every command sent within those minutes left another listener on the runner's
 * abort signal (Node's MaxListenersExceededWarning after ten).
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import { loadControlFlow, realDelay, waitUntil } from '../helpers/control-flow';
import { advanceWithSim } from '../helpers/fake-time';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';
const T0 = Date.parse(FIXED_START);

describe('reliability: the read-back of a replaced command', function () {
  this.timeout(20_000);
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    sim = await startSim();
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: false });
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    await helper.unload();
    clock.restore();
    await sim.stop();
  });

  /** Moves the node's and the simulator's clocks on together, a second at a time. */
  const advance = (ms: number): Promise<void> => advanceWithSim(clock, sim.clock, ms);

  it('is dropped: only the command in force is read back, and nothing reports the replaced one', async () => {
    const flow = await loadControlFlow(sim, { serial: ST });
    flow.send({ command: 'charge', powerW: 1000 });
    await flow.output(1);
    flow.send({ command: 'discharge', powerW: 2000 });
    await flow.output(2);
    await advance(4 * 60_000);
    await waitUntil(() => flow.out.length >= 3, 'the read-back');
    await realDelay(20);
    const readBacks = flow.out.filter((m) => m.topic === 'readback');
    should(readBacks.map((m) => [m.payload.command, m.payload.applied])).eql([['discharge', true]]);
    should(flow.warnings).eql([]);
    should(flow.lastStatus()).have.properties({ fill: 'green', shape: 'dot' });
  });

  it('leaves no listener behind on the runner: a burst of commands raises no MaxListenersExceededWarning', async () => {
    const flow = await loadControlFlow(sim, { serial: ST });
    for (let i = 1; i <= 15; i++) {
      flow.send({ command: 'charge', powerW: 100 * i });
      await flow.output(i);
    }
    await realDelay(20);
    should(warnings.map(String).filter((w) => /MaxListeners/.test(w))).eql([]);
  });
});
