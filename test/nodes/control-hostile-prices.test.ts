/**
 * Hostile Amber payloads against a deployed price-policy node (issue 14 §3): each one is refused
 * with a clear error and nothing is sent, not even a read; no timer beyond setTimeout's range.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import { loadControlFlow, recordRequests, releaseSharedAccount, waitUntil, type ControlSettings } from '../helpers/control-flow';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const T0 = Date.parse(FIXED_START) + 2 * 60_000; // 02:02Z, inside the 02:00-02:05 interval
const AMBER: ControlSettings = {
  serial: 'RB21081800001734', pricePolicy: true, chargeBelow: '30', dischargeAbove: '8', dischargeMinSoc: '20',
  curtailWhenFeedInFree: true, pricePowerW: '5000', actOnEstimates: true, priceSource: 'amber',
};
const interval = (channelType: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'CurrentInterval', duration: 5, startTime: '2026-01-15T02:00:01Z', endTime: '2026-01-15T02:05:00Z',
  perKwh: channelType === 'feedIn' ? 5 : 10, channelType, spikeStatus: 'none', descriptor: 'neutral', estimate: false, ...extra,
});
const both = (extra: Record<string, unknown>): object[] => [interval('general', extra), interval('feedIn', extra)];

const HOSTILE: [string, unknown, RegExp][] = [
  ['an interval until 2030', both({ endTime: '2030-01-01T00:00:00Z' }), /longer than 30 minutes/],
  ['a 3-day interval', both({ startTime: '2026-01-14T02:00:00Z', endTime: '2026-01-17T02:00:00Z' }), /longer than 30 minutes/],
  ['an interval from 1970 to 9999', both({ startTime: '1970-01-01T00:00:00Z', endTime: '9999-12-31T23:59:59Z' }), /longer than 30 minutes/],
  ['an interval that ends before it starts', both({ startTime: '2026-01-15T02:05:00Z', endTime: '2026-01-15T02:00:00Z' }), /before it starts/],
  ['estimate "true"', both({ estimate: 'true' }), /estimate must be true or false, got "true"/],
  ['estimate 1', both({ estimate: 1 }), /estimate must be true or false, got 1/],
  ['estimate "yes"', both({ estimate: 'yes' }), /estimate must be true or false/],
  ['estimate {}', both({ estimate: {} }), /estimate must be true or false, got an object/],
  ['perKwh 1.7e308', [interval('general', { perKwh: 1.7e308 }), interval('feedIn')], /beyond ±100000/],
  ['perKwh -1.7e308 on feed-in', [interval('general'), interval('feedIn', { perKwh: -1.7e308 })], /beyond ±100000/],
  ['an unknown channel', [interval('general'), interval('feedIn'), interval('demand')], /channelType "demand", not one of general, feedIn, controlledLoad/],
];

describe('redback-control: hostile price input is refused, nothing sent', () => {
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;

  before(async () => {
    await helper.startServer();
    sim = await startSim();
  });
  after(async () => {
    await sim.stop();
    await helper.stopServer();
  });
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'], shouldAdvanceTime: false });
  });
  afterEach(async () => {
    releaseSharedAccount();
    await helper.unload();
    clock.restore();
  });

  it(`${HOSTILE.length} hostile payloads: each a clear error, no request, no timer past setTimeout's range`, async () => {
    const requests = recordRequests();
    const overflow: unknown[] = [];
    const onWarning = (w: Error): void => {
      if (w.name === 'TimeoutOverflowWarning') overflow.push(w);
    };
    process.on('warning', onWarning);
    try {
      const flow = await loadControlFlow(sim, AMBER);
      for (const [i, [title, payload, message]] of HOSTILE.entries()) {
        flow.send(payload);
        await waitUntil(() => flow.caught.length === i + 1, title);
        should(flow.caught[i].error.message).match(message, title);
        should(flow.caught[i].error.message).startWith('PriceError: ', title);
      }
      should(flow.out).be.empty();
      should(requests.list).be.empty();
      should(sim.requests).be.empty();
      // A sound price afterwards is acted on: the node is still able to command.
      flow.send(both({ perKwh: 10 }));
      await waitUntil(() => flow.out.length === 1, 'the charge');
      should(flow.out[0].payload).have.properties({ ok: true, command: 'charge' });
      should(overflow).be.empty();
      console.log(`      hostile prices: ${HOSTILE.length} refused, 0 requests; then a sound price charged`); // eslint-disable-line no-console
    } finally {
      process.off('warning', onWarning);
      requests.restore();
    }
  });
});
