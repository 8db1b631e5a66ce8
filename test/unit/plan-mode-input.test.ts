/** The planner's input from the account's battery and inverter payloads, and the 10-minute rule. */
import should from 'should';
import type { BatteryPayload, InverterPayload, SitePayload } from '../../src/model/payloads';
import { buildPlannerInput, learnReading, newProfile, PlanInputError, type BatteryState, type InverterLimitsPayload, type PlanInputSources } from '../../src/plan-mode';
import { thrown } from '../helpers/errors';

const NOW = Date.parse('2026-01-15T04:32:00Z'); // 14:32 in Brisbane
const prices = [{ type: 'CurrentInterval', channelType: 'general', perKwh: 20, startTime: '2026-01-15T04:30:01Z', endTime: '2026-01-15T04:35:00Z', duration: 5 }];

function sources(over: Partial<PlanInputSources> = {}): PlanInputSources {
  return {
    nowMs: NOW,
    prices,
    battery: { socPct: 62, usableCapacityKWh: 9.3, minSocPct: 10 },
    limits: { maxChargeW: 4600, maxDischargeW: 5000, maxExportW: 5000, maxImportW: 10000 },
    readingAt: '2026-01-15T04:31:00Z',
    zone: 'Australia/Brisbane',
    ...over,
  };
}

function refusal(over: Partial<PlanInputSources>): PlanInputError {
  return thrown(() => buildPlannerInput(sources(over)), PlanInputError);
}

describe('plan mode: planner input from the account', () => {
  it('maps the battery state and limits onto the planner\'s battery and site', () => {
    const input = buildPlannerInput(sources({ forecast: [{ start: '2026-01-15T04:30:00Z', end: '2026-01-15T05:00:00Z', loadW: 700, pvW: 2500 }], previous: { command: 'charge', powerW: 4600, curtail: false } }));
    should(input).eql({
      now: '2026-01-15T04:32:00Z',
      prices,
      battery: { socPct: 62, capacityKWh: 9.3, minSocPct: 10, maxChargeW: 4600, maxDischargeW: 5000 },
      site: { maxExportW: 5000, maxImportW: 10000 },
      forecast: [{ start: '2026-01-15T04:30:00Z', end: '2026-01-15T05:00:00Z', loadW: 700, pvW: 2500 }],
      previous: { command: 'charge', powerW: 4600, curtail: false },
    });
  });

  it('takes the lower of the inverter\'s and the site\'s export limits, and leaves site out when a limit is unknown', () => {
    should(buildPlannerInput(sources({ siteExportLimitW: 3000 })).site).eql({ maxExportW: 3000, maxImportW: 10000 });
    should(buildPlannerInput(sources({ siteExportLimitW: 0 })).site).eql({ maxExportW: 0, maxImportW: 10000 });
    should(buildPlannerInput(sources({ limits: { maxChargeW: 4600, maxDischargeW: 5000, maxExportW: 5000, maxImportW: null } })).site).be.undefined();
  });

  it('passes the round-trip efficiency and options through when given', () => {
    const input = buildPlannerInput(sources({ roundTripEfficiency: 0.85, options: { wearCentsPerKWh: 2 } }));
    should(input.battery.roundTripEfficiency).equal(0.85);
    should(input.options).eql({ wearCentsPerKWh: 2 });
  });

  it('plans on a reading up to 10 minutes old and refuses an older one, saying when it was taken', () => {
    should(buildPlannerInput(sources({ readingAt: NOW - 10 * 60_000 })).now).equal('2026-01-15T04:32:00Z');
    const err = refusal({ readingAt: '2026-01-15T04:20:30Z' });
    should(err.field).equal('reading');
    should(err.message).equal('the battery reading is from 14:20 (11 min old, more than 10); not planning on it');
  });

  it('refuses without a reading, or with an unreadable time', () => {
    should(refusal({ readingAt: null }).message).match(/no reading of the battery yet/);
    should(refusal({ readingAt: 'yesterday' }).message).match(/not an ISO time/);
    should(refusal({ battery: null }).field).equal('battery');
    should(refusal({ limits: null }).field).equal('limits');
  });

  const missing: [string, Partial<PlanInputSources>, string, RegExp][] = [
    ['no SoC', { battery: { socPct: null, usableCapacityKWh: 9.3, minSocPct: 10 } }, 'battery.socPct', /no state of charge/],
    ['a SoC above 100', { battery: { socPct: 101, usableCapacityKWh: 9.3, minSocPct: 10 } }, 'battery.socPct', /0..100/],
    ['no capacity', { battery: { socPct: 50, usableCapacityKWh: null, minSocPct: 10 } }, 'battery.usableCapacityKWh', /no usable capacity/],
    ['a zero capacity', { battery: { socPct: 50, usableCapacityKWh: 0, minSocPct: 10 } }, 'battery.usableCapacityKWh', /more than 0/],
    ['no minimum SoC', { battery: { socPct: 50, usableCapacityKWh: 9.3, minSocPct: null } }, 'battery.minSocPct', /no minimum/],
    ['no charge limit', { limits: { maxChargeW: null, maxDischargeW: 5000, maxExportW: 5000, maxImportW: 10000 } }, 'limits.maxChargeW', /no maximum charge power/],
    ['a zero discharge limit', { limits: { maxChargeW: 4600, maxDischargeW: 0, maxExportW: 5000, maxImportW: 10000 } }, 'limits.maxDischargeW', /more than 0/],
  ];
  for (const [what, over, field, message] of missing) {
    it(`refuses ${what}, naming ${field}`, () => {
      const err = refusal(over);
      should(err.field).equal(field);
      should(err.message).match(message);
    });
  }
});

describe('plan mode: the read node\'s payloads fit as they are', () => {
  it('takes a battery payload, an inverter payload\'s limits and a site payload without conversion', () => {
    const battery: BatteryPayload = {
      siteId: 'S1', serial: 'RB1', socPct: 62, powerW: -4600, voltageV: 400, currentA: -11, capacityKWh: 10.2, usableCapacityKWh: 9.3, minSocPct: 10, modules: [], cabinets: [],
    };
    const limits: InverterPayload['limits'] = { maxChargeW: 4600, maxDischargeW: 5000, maxExportW: 5000, maxImportW: 10000 };
    const site = { timestamp: '2026-01-15T04:31:00Z', pvPowerW: 3000, loadPowerW: 700 } as SitePayload;
    const state: BatteryState = battery;
    const limitsIn: InverterLimitsPayload = limits;
    should(buildPlannerInput(sources({ battery: state, limits: limitsIn, readingAt: site.timestamp })).battery.capacityKWh).equal(9.3);
    should(learnReading(newProfile('UTC'), site).lastReading).equal('2026-01-15T04:31:00Z');
  });
});
