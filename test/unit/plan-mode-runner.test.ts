/** The plan mode's own rules around planDecision: one command in force, a nudged power held, a stale answer refused. */
import should from 'should';
import { holdPower, oneCommand, type SentPlan } from '../../src/plan-mode/plan-runner';
import { checkCurrentInterval } from '../../src/plan-mode/price-freshness';
import { amberAnswer } from '../helpers/plan-amber';

const T0 = Date.parse('2026-01-15T02:00:00Z');
const UNTIL = '2026-01-15T02:05:00Z';
const sent = (command: SentPlan['now']['command'], powerW: number | null, curtail = false): SentPlan => ({ key: 'k', endsAtMs: null, now: { command, powerW, curtail } });

describe('plan mode: the runner\'s rules', () => {
  it('sends the battery command, and curtail only when the battery stays on Auto', () => {
    should(oneCommand([{ command: 'charge', powerW: 5000, durationMinutes: 15 }, { command: 'curtail', exportLimitW: 0, durationMinutes: 15 }]))
      .eql({ command: 'charge', powerW: 5000, durationMinutes: 15 });
    should(oneCommand([{ command: 'auto' }, { command: 'curtail', exportLimitW: 0, durationMinutes: 15 }]))
      .eql({ command: 'curtail', exportLimitW: 0, durationMinutes: 15 });
    should(oneCommand([{ command: 'auto' }])).eql({ command: 'auto' });
  });

  it('keeps the power in force when the plan only nudges it, not when it changes command or much power', () => {
    const now = { command: 'charge' as const, powerW: 7000, curtail: false, until: UNTIL };
    should(holdPower(now, sent('charge', 9000)).powerW).equal(9000);
    should(holdPower(now, sent('charge', 2000)).powerW).equal(7000);
    should(holdPower(now, sent('discharge', 7500)).powerW).equal(7000);
    should(holdPower(now, sent('charge', 7500, true)).powerW).equal(7000);
    should(holdPower(now, null)).equal(now);
  });

  it('refuses an answer whose current interval has ended, or that has none', () => {
    const answer = amberAnswer('2026-01-15T02:00:00Z', [{ minutes: 5, general: 20, feedIn: -5 }, { minutes: 30, general: 20, feedIn: -5 }]);
    should(() => checkCurrentInterval(answer, T0 + 60_000)).not.throw();
    should(() => checkCurrentInterval(answer, T0 + 6 * 60_000, 'Australia/Brisbane')).throw('stale prices: the current interval ended at 12:05; not planning');
    should(() => checkCurrentInterval(answer.filter((p) => p.type !== 'CurrentInterval'), T0)).throw('no current interval in the prices; not planning');
    should(() => checkCurrentInterval(answer, T0 - 60_000)).throw(/starts after now/);
  });
});
