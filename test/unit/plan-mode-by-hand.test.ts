/**
 * A command from the flow while the plan mode is planning (PlanRunner.commandByHand): the tick
 * under way sends nothing, and the next one sends the plan's command again as `first`. The runner
 * over an account on the simulator (frozen clock), the week test's set-up in small.
 */
import should from 'should';
import type { RedbackAccount } from '../../src/account/account';
import type { RunResult } from '../../src/control/control-runner';
import { PlanRunner, type PlanControl } from '../../src/plan-mode/plan-runner';
import type { RedbackSimulator } from '../../src/sim';
import { accountFor } from '../helpers/account';
import { amberAnswer, type Step } from '../helpers/plan-amber';
import { FIXED_START, startSim } from '../helpers/sim';

const ST = 'RB21081800001734';
/** Negative now (importing earns): the plan charges at once. */
const CHEAP_NOW: Step[] = [
  ...Array.from({ length: 2 }, () => ({ minutes: 5, general: -10, feedIn: 5 })),
  ...Array.from({ length: 10 }, () => ({ minutes: 5, general: 45, feedIn: -6 })),
  ...Array.from({ length: 46 }, () => ({ minutes: 30, general: 45, feedIn: -6 })),
];

describe('plan mode: a command by hand while the plan is being made', () => {
  let sim: RedbackSimulator;
  let account: RedbackAccount;
  const sent: unknown[] = [];
  const control: PlanControl = {
    handle: (payload: unknown): Promise<RunResult> => {
      sent.push(payload);
      return Promise.resolve({ kind: 'superseded' });
    },
  };

  before(async () => {
    sim = await startSim();
    account = accountFor(sim, { now: () => sim.clock.now() });
  });
  after(async () => {
    account.close();
    await sim.stop();
  });

  it('sends nothing from the tick under way, and the plan\'s command as first on the next', async () => {
    let memory: unknown;
    const runner = new PlanRunner({
      account, control, serial: ST, dryRun: false, zone: 'Australia/Brisbane',
      memory: { get: () => memory, set: (v) => { memory = structuredClone(v); } },
      now: () => sim.clock.now(),
    });
    const prices = amberAnswer(FIXED_START, CHEAP_NOW);
    const first = await runner.tick(prices, undefined);
    should(first).match({ kind: 'planned', reason: 'first' });
    should(sent).eql([{ command: 'charge', powerW: (first as { payloads: { powerW: number }[] }).payloads[0].powerW, durationMinutes: 15 }]);

    // The reading is under way when the command by hand comes in.
    const recentDynamic = account.recentDynamic.bind(account);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    account.recentDynamic = async (serial, maxAgeMs) => {
      await gate;
      return recentDynamic(serial, maxAgeMs);
    };
    sim.clock.advance(60_000);
    const under = runner.tick(amberAnswer(FIXED_START, CHEAP_NOW), undefined);
    runner.commandByHand();
    release();
    const overridden = await under;
    should(overridden).match({ kind: 'planned', reason: 'byHand', sent: [] });
    should(sent).have.length(1);
    should((memory as { lastSent: unknown }).lastSent).be.null();

    account.recentDynamic = recentDynamic;
    const next = await runner.tick(amberAnswer(FIXED_START, CHEAP_NOW), undefined);
    should(next).match({ kind: 'planned', reason: 'first' });
    should(sent).have.length(2);
  });
});
