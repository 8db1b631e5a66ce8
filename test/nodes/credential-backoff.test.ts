/**
 * A read node with a refused client secret (issue 13): the token endpoint is asked once, later
 * polls are answered from the refusal until the backoff ends, and the status says when the next
 * try is. Timers and Date are sinon's; the HTTP to the simulator is real.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import type { RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { loadReadFlow, realDelay, waitUntil } from '../helpers/read-flow';
import { startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

describe('redback-read with refused credentials', () => {
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    sim = await startSim();
    clock = sinon.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: Date.parse('2026-01-15T02:00:00Z'),
      shouldAdvanceTime: false,
    });
  });
  afterEach(async () => {
    await helper.unload();
    clock.restore();
    await sim.stop();
  });

  it('asks the token endpoint once per backoff step however often it polls, and shows the next try', async () => {
    const flow = await loadReadFlow(sim, { credentials: simCredentials({ clientSecret: 'refused-Secret-7781' }) });
    for (let i = 1; i <= 5; i++) {
      flow.poll();
      await waitUntil(() => flow.caught.length >= i, `${i} caught error(s)`);
    }
    should(sim.requestCount({ surface: 'token' })).equal(1);
    const next = new Date(Date.now() + 60_000);
    const hhmm = `${String(next.getHours()).padStart(2, '0')}:${String(next.getMinutes()).padStart(2, '0')}`;
    should(flow.lastStatus()).match({ fill: 'red', text: `credentials refused · next try ${hhmm}` });
    for (const caught of flow.caught) {
      should(caught.error.message).match(/next try at 2026-01-15T02:01:00Z/);
      should(caught.error.message).not.containEql('refused-Secret-7781');
    }

    // A minute later the endpoint is asked again, once, and the next wait is two minutes.
    await clock.tickAsync(60_000);
    await realDelay(20);
    flow.poll();
    await waitUntil(() => sim.requestCount({ surface: 'token' }) >= 2, 'the second token request');
    await waitUntil(() => flow.caught.some((c) => /next try at 2026-01-15T02:03:00Z/.test(c.error.message)), 'the second refusal');
    should(sim.requestCount({ surface: 'token' })).equal(2);
  });
});
