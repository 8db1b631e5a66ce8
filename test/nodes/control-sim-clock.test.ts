/**
 * `redback-control` on the simulator's clock (the Node-RED setting `redbackClock`, as the demo
 * sets it): the simulator is frozen at 2026-01-15T02:00:00Z, months from the host's clock, and
 * only the test moves it. Commands, their end, the read-back and the portal revert all follow the
 * simulated time; no fake timers.
 */
import should from 'should';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import { deployStatuses, loadControlFlow, realDelay, releaseSharedAccount, waitUntil } from '../helpers/control-flow';
import { FIXED_START, startSim } from '../helpers/sim';
import { amberPrices } from '../helpers/sim-amber';
import { FOLLOW_POLL_MS } from '../../src/util/clock';

helper.init(NODE_RED_RUNTIME);

/** Node-RED's settings take any property; the helper's types list only the known ones. */
const settings = (value: Record<string, unknown>): void => {
  helper.settings(value as Parameters<typeof helper.settings>[0]);
};

const ST = 'RB21081800001734';
const T0 = Date.parse(FIXED_START);
const MINUTE = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const hhmm = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

describe('redback-control on the simulator\'s clock (settings.redbackClock)', () => {
  let sim: RedbackSimulator;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    sim = await startSim();
    settings({ redbackClock: { now: () => sim.clock.now(), speed: 0 } });
  });
  afterEach(async () => {
    releaseSharedAccount();
    await helper.unload();
    helper.settings({});
    await sim.stop();
  });

  it('a 30-minute charge starts and ends in simulated time, and is read back after a simulated minute', async () => {
    const flow = await loadControlFlow(sim, { serial: ST });
    flow.send({ command: 'charge', powerW: 3000, durationMinutes: 30 });
    const result = await flow.output(1);
    should(result.payload).match({ ok: true, command: 'charge', startAt: iso(T0), endAt: iso(T0 + 30 * MINUTE) });
    const [schedule] = sim.cloud.listSchedules(sim.cloud.inverterBySerial(ST)!, true);
    should(schedule).match({ startMs: T0, durationMs: 30 * MINUTE });
    should(flow.lastStatus()!.text).equal(`charge 3000 W until ${hhmm(T0 + 30 * MINUTE)}`);

    // The simulator stands still: no read-back however long the wall clock runs.
    await realDelay(2 * FOLLOW_POLL_MS + 200);
    should(flow.out).have.length(1);
    sim.clock.advance(MINUTE);
    const check = await flow.output(2);
    should(check.topic).equal('readback');
    should(check.payload).match({ applied: true, reportedMode: { mode: 'ChargeBattery', powerW: 3000 } });
    should(flow.caught).be.empty();
  });

  it('a 1-minute portal charge is set back to Auto when a simulated minute has passed, not before', async () => {
    const flow = await loadControlFlow(sim, { serial: ST, method: 'portal' });
    flow.send({ command: 'charge', powerW: 3000, durationMinutes: 1 });
    await flow.output(1);
    should(flow.state()!.portalRevert).eql({ serial: ST, atMs: T0 + MINUTE });
    const portalSets = (): number => sim.requestCount({ surface: 'portal', method: 'POST', path: '/productcontrol/Index' });
    should(portalSets()).equal(1);

    sim.clock.advance(MINUTE - 1000);
    await realDelay(2 * FOLLOW_POLL_MS + 200);
    should(portalSets()).equal(1);
    sim.clock.advance(1000);
    await waitUntil(() => flow.state()!.portalRevert === null, 'the revert to Auto', 5000);
    should(portalSets()).equal(2);
    // The simulated cloud takes a Set at its next minute.
    sim.clock.advance(MINUTE);
    should(sim.cloud.snapshot(sim.cloud.inverterBySerial(ST)!).mode).eql({ mode: 'Auto', powerW: 0 });
    should(flow.caught).be.empty();
  });

  it("plan mode plans on the simulator's Amber feed at the simulator's time (January 2024), not the host's", async () => {
    await sim.stop();
    sim = await startSim({ clock: { start: '2024-01-16T03:00:00Z', speed: 0 } });
    const flow = await loadControlFlow(sim, { serial: ST, pricePolicy: true, priceStrategy: 'plan', dryRun: true });
    flow.send(await amberPrices(sim));
    const msg = await flow.output(1);
    should(flow.caught).be.empty();
    should(msg.payload).have.properties({ sent: false, dryRun: true });
    should(msg.payload).not.have.property('fallback');
    should(Date.parse((msg.plan as { intervals: { start: string }[] }).intervals[0].start)).be.within(sim.clock.now() - 5 * MINUTE, sim.clock.now());
    should(flow.lastStatus()!.text).startWith('dry run: plan: ');
  });

  it('a malformed redbackClock setting is refused at deploy with the field named, and nothing is sent', async () => {
    settings({ redbackClock: { simulatedAtMs: T0, wallAtMs: Date.now(), speed: 'fast' } });
    const flow = await loadControlFlow(sim, { serial: ST });
    should(deployStatuses()).match([{ fill: 'red', text: /redbackClock\.speed must be/ }]);
    flow.send({ command: 'charge', powerW: 3000 });
    const caught = await flow.error(1);
    should(caught.error.message).equal('Error: settings.redbackClock.speed must be a number of 0 or more, got "fast"');
    should(sim.requests).be.empty();
  });
});
