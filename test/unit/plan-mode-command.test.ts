/** From the plan's `now` to what the control node sends, and the rule for when to send it. */
import should from 'should';
import { CommandError } from '../../src/control/command';
import type { InverterLimits } from '../../src/control/limits';
import { PlanInputError, decisionKey, planDecision, sendReason, type PlanDecision, type PlanNow, type SentDecision } from '../../src/plan-mode';

const MIN = 60_000;
const NOW = Date.parse('2026-01-15T04:31:00Z');
const UNTIL = '2026-01-15T04:35:00Z';
const limits: InverterLimits = { maxChargeW: 4600, maxDischargeW: 5000, maxExportW: 5000, maxImportW: 10000, siteExportLimitW: null };
const plan = (over: Partial<PlanNow>): PlanNow => ({ command: 'auto', powerW: null, curtail: false, until: UNTIL, ...over });

describe('plan mode: the command for now', () => {
  it('maps charge and discharge with their power, for the rest of the interval plus 10 minutes', () => {
    const d = planDecision(plan({ command: 'charge', powerW: 4600 }), { nowMs: NOW, limits });
    should(d.payloads).eql([{ command: 'charge', powerW: 4600, durationMinutes: 14 }]);
    should(d.endsAtMs).equal(NOW + 14 * MIN);
    should(planDecision(plan({ command: 'discharge', powerW: 3000 }), { nowMs: NOW, limits, graceMinutes: 3 }).payloads)
      .eql([{ command: 'discharge', powerW: 3000, durationMinutes: 7 }]);
  });

  it('maps conserve, auto and curtail (export limit 0 beside the battery command)', () => {
    should(planDecision(plan({ command: 'conserve' }), { nowMs: NOW, limits }).payloads).eql([{ command: 'conserve', durationMinutes: 14 }]);
    const auto = planDecision(plan({}), { nowMs: NOW, limits });
    should(auto.payloads).eql([{ command: 'auto' }]);
    should(auto.endsAtMs).be.null();
    const curtailed = planDecision(plan({ curtail: true }), { nowMs: NOW, limits });
    should(curtailed.payloads).eql([{ command: 'auto' }, { command: 'curtail', exportLimitW: 0, durationMinutes: 14 }]);
    should(curtailed.endsAtMs).equal(NOW + 14 * MIN);
    should(planDecision(plan({ command: 'charge', powerW: 2000, curtail: true }), { nowMs: NOW, limits }).payloads.map((p) => p.command)).eql(['charge', 'curtail']);
  });

  it('refuses a power above the inverter\'s limit, as every command is refused', () => {
    should(() => planDecision(plan({ command: 'charge', powerW: 4601 }), { nowMs: NOW, limits })).throw(CommandError, { field: 'powerW', message: /above the inverter's maximum charge power of 4600 W/ });
    should(() => planDecision(plan({ command: 'discharge', powerW: 5001 }), { nowMs: NOW, limits })).throw(CommandError, { field: 'powerW' });
    should(() => planDecision(plan({ curtail: true }), { nowMs: NOW, limits: { ...limits, maxExportW: 0, siteExportLimitW: 0 } })).not.throw();
  });

  it('refuses a plan that cannot be acted on: no power, a stale interval, an unknown command', () => {
    should(() => planDecision(plan({ command: 'charge', powerW: null }), { nowMs: NOW, limits })).throw(PlanInputError, { field: 'now.powerW' });
    should(() => planDecision(plan({ command: 'charge', powerW: 0 }), { nowMs: NOW, limits })).throw(PlanInputError, { field: 'now.powerW' });
    should(() => planDecision(plan({ until: '2026-01-15T04:30:00Z' }), { nowMs: NOW, limits })).throw(PlanInputError, { field: 'now.until', message: /stale/ });
    should(() => planDecision(plan({ until: 'soon' }), { nowMs: NOW, limits })).throw(PlanInputError, { field: 'now.until' });
    should(() => planDecision(plan({ command: 'export' as PlanNow['command'] }), { nowMs: NOW, limits })).throw(PlanInputError, { field: 'now.command' });
  });

  it('keys a decision by command, power and curtail', () => {
    should(decisionKey(plan({ command: 'charge', powerW: 4600 }))).not.equal(decisionKey(plan({ command: 'charge', powerW: 4500 })));
    should(decisionKey(plan({}))).not.equal(decisionKey(plan({ curtail: true })));
    should(decisionKey(plan({ until: '2026-01-15T05:00:00Z' }))).equal(decisionKey(plan({})));
  });
});

describe('plan mode: send only when the decision changes', () => {
  const charge = (nowMs: number, until: number): PlanDecision =>
    planDecision(plan({ command: 'charge', powerW: 4600, until: new Date(until).toISOString() }), { nowMs, limits });

  it('sends the first decision and a changed one, not an unchanged one', () => {
    const first = charge(NOW, Date.parse(UNTIL));
    should(sendReason(null, first, Date.parse(UNTIL))).equal('first');
    const sent: SentDecision = { key: first.key, endsAtMs: first.endsAtMs };
    const next = charge(NOW + 4 * MIN, Date.parse(UNTIL) + 5 * MIN);
    should(sendReason(sent, next, Date.parse(UNTIL) + 5 * MIN)).equal('unchanged');
    const other = planDecision(plan({ command: 'discharge', powerW: 2000 }), { nowMs: NOW, limits });
    should(sendReason(sent, other, Date.parse(UNTIL))).equal('changed');
  });

  it('never renews auto, which ends nothing', () => {
    const auto = planDecision(plan({}), { nowMs: NOW, limits });
    should(sendReason({ key: auto.key, endsAtMs: null }, auto, NOW + 600 * MIN)).equal('unchanged');
  });

  it('over a day of 5-minute intervals holding one command, keeps it in force all the time with one send every 10 minutes', () => {
    const start = Date.parse('2026-01-15T00:00:00Z');
    let sent: SentDecision | null = null;
    let sends = 0;
    for (let tick = start + 30_000; tick < start + 24 * 60 * MIN; tick += MIN) {
      const until = Math.floor(tick / (5 * MIN)) * 5 * MIN + 5 * MIN;
      const decision = charge(tick, until);
      if (sent !== null) should(sent.endsAtMs as number).be.above(tick); // never lapses to Auto while running
      if (sendReason(sent, decision, until) !== 'unchanged') {
        sent = { key: decision.key, endsAtMs: decision.endsAtMs };
        sends++;
      }
      // What is in force always ends within grace + an interval: a stopped Node-RED soon leaves Auto.
      should((sent?.endsAtMs as number) - tick).be.belowOrEqual(15 * MIN);
    }
    should(sends).equal(144);
  });
});
