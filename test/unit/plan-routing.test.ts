/** Which messages the control node's plan mode takes: price input on the plan strategy; commands never. */
import should from 'should';
import { takenByPlan } from '../../src/plan-mode/plan-messages';

describe('plan mode: which messages it takes', () => {
  const amber = [{ type: 'CurrentInterval', channelType: 'general', perKwh: 20 }];
  const homeAssistant = { general: { state: '0.2', attributes: {} } };

  it('takes Amber\'s answer and Home Assistant\'s sensors on the plan strategy', () => {
    should(takenByPlan('plan', amber)).be.true();
    should(takenByPlan('plan', homeAssistant)).be.true();
  });

  it('leaves commands to the usual path, and every message on the thresholds strategy or without a price policy', () => {
    should(takenByPlan('plan', { command: 'charge', powerW: 3000 })).be.false();
    should(takenByPlan('plan', 'auto')).be.false();
    should(takenByPlan('thresholds', amber)).be.false();
    should(takenByPlan(null, amber)).be.false();
  });
});
