/** The plan mode's running bill (src/plan-mode/running-bill.ts): measured energy at the prices in force, beside Auto's shadow battery. */
import should from 'should';
import {
  billReading, billView, MAX_BILL_GAP_MS, newBill, restoreBill, type BillBattery, type BillReading, type BillState,
} from '../../src/plan-mode/running-bill';

const T0 = Date.parse('2026-01-15T02:00:00Z');
const MIN = 60_000;
// 10 kWh, 10 % floor, 5 kW both ways, no losses, so the figures are easy to follow.
const BATTERY: BillBattery = { capacityKWh: 10, minSocPct: 10, maxChargeW: 5000, maxDischargeW: 5000, roundTripEfficiency: 1 };

interface Counters { imp: number; exp: number; pv: number; load: number }
const reading = (minutes: number, c: Counters, socPct: number | null = 50): BillReading => ({
  timestamp: new Date(T0 + minutes * MIN).toISOString(),
  socPct,
  energy: { gridImportKWh: c.imp, gridExportKWh: c.exp, pvKWh: c.pv, loadKWh: c.load },
});
const price = (generalCents: number | null, feedInCents: number | null = -5): { generalCents: number | null; feedInCents: number | null } => ({ generalCents, feedInCents });

/** Applies readings in turn, each with its own price and the same battery. */
function run(steps: [BillReading, ReturnType<typeof price>][], battery = BATTERY): BillState {
  return steps.reduce((bill, [r, p]) => billReading(bill, r, p, battery), newBill());
}

describe('plan mode: the running bill against Auto', () => {
  it('starts at the first reading with nothing billed, Auto\'s battery at its SoC', () => {
    const bill = billView(run([[reading(0, { imp: 100, exp: 50, pv: 10, load: 20 }, 62), price(30)]]), 10);
    should(bill).containDeep({ since: '2026-01-15T02:00:00.000Z', until: '2026-01-15T02:00:00.000Z', costCents: 0, autoCostCents: 0, savingCents: 0, autoSocPct: 62, billedMinutes: 0 });
  });

  it('prices the energy since the last reading at the prices in force at the last reading', () => {
    const bill = billView(run([
      [reading(0, { imp: 100, exp: 50, pv: 10, load: 20 }), price(30, -5)],
      // 1 kWh imported and 0.5 kWh exported in the 5 minutes: billed at 30 c and -5 c, not at the new 200 c.
      [reading(5, { imp: 101, exp: 50.5, pv: 10, load: 20 }), price(200, -150)],
    ]), 10);
    should(bill.costCents).equal(27.5);
    should(bill.importKWh).equal(1);
    should(bill.exportKWh).equal(0.5);
    should(bill.billedMinutes).equal(5);
  });

  it('runs Auto on the measured load and PV: its battery covers the load the site imported', () => {
    // The site held its battery and imported the 1 kWh of load at 40 c; Auto would have discharged.
    const bill = billView(run([
      [reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }, 50), price(40)],
      [reading(15, { imp: 1, exp: 0, pv: 0, load: 1 }, 50), price(40)],
    ]), 10);
    should(bill).containDeep({ costCents: 40, autoCostCents: 0, savingCents: -40, autoImportKWh: 0, autoSocPct: 40 });
  });

  it('gives Auto\'s battery no more than its discharge limit, its floor and its efficiency allow', () => {
    // 3 kWh of load in 30 minutes: 5 kW for half an hour is 2.5 kWh, the floor leaves 0.5 kWh above 10 %.
    const nearFloor = run([
      [reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }, 15), price(10)],
      [reading(10, { imp: 0, exp: 0, pv: 0, load: 3 }, 15), price(10)],
    ]);
    should(billView(nearFloor, 10)).containDeep({ autoImportKWh: 2.5, autoSocPct: 10 });
    const limited = run([
      [reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }, 90), price(10)],
      [reading(6, { imp: 0, exp: 0, pv: 0, load: 3 }, 90), price(10)],
    ]);
    // 6 minutes at 5 kW: 0.5 kWh from the battery, 2.5 kWh from the grid.
    should(billView(limited, 10)).containDeep({ autoImportKWh: 2.5, autoSocPct: 85 });
    const lossy = run([
      [reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }, 50), price(10)],
      [reading(10, { imp: 0, exp: 0, pv: 0, load: 0.72 }, 50), price(10)],
    ], { ...BATTERY, roundTripEfficiency: 0.81 });
    // 0.72 kWh out of the battery takes 0.8 kWh of stored energy at 90 % one way.
    should(billView(lossy, 10)).containDeep({ autoSocPct: 42, autoImportKWh: 0 });
  });

  it('fills Auto\'s battery with the PV surplus, exports the rest up to the export limit', () => {
    const bill = billView(run([
      [reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }, 95), price(20, -8)],
      // 2 kWh surplus in 10 minutes: 0.5 kWh fills the battery, 1.5 kWh would be exported, 3 kW caps it at 0.5 kWh.
      [reading(10, { imp: 0, exp: 2, pv: 2.5, load: 0.5 }, 95), price(20, -8)],
    ], { ...BATTERY, maxExportW: 3000 }), 10);
    should(bill).containDeep({ autoSocPct: 100, autoExportKWh: 0.5, autoCostCents: -4, costCents: -16, savingCents: 12 });
  });

  it('leaves gaps, missing counters and missing prices unbilled, and ignores a reading seen before', () => {
    const start: [BillReading, ReturnType<typeof price>] = [reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }), price(30)];
    const gap = run([start, [reading(MAX_BILL_GAP_MS / MIN + 1, { imp: 5, exp: 0, pv: 0, load: 5 }), price(30)]]);
    should(billView(gap, 10)).containDeep({ costCents: 0, billedMinutes: 0, unbilledMinutes: 16, until: new Date(T0 + 16 * MIN).toISOString() });

    const noPrice = run([[reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }), price(null)], [reading(5, { imp: 1, exp: 0, pv: 0, load: 1 }), price(30)]]);
    should(billView(noPrice, 10)).containDeep({ costCents: 0, unbilledMinutes: 5 });

    const missing: BillReading = { ...reading(5, { imp: 1, exp: 0, pv: 0, load: 1 }), energy: { gridImportKWh: 1, gridExportKWh: null, pvKWh: 0, loadKWh: 1 } };
    const noCounter = run([start, [missing, price(30)], [reading(10, { imp: 2, exp: 0, pv: 0, load: 2 }), price(30)]]);
    // The window with the missing counter is unbilled; the next one starts afresh from the reading after it.
    should(billView(noCounter, 10)).containDeep({ costCents: 0, unbilledMinutes: 5, billedMinutes: 0 });

    const once = run([start, [reading(5, { imp: 1, exp: 0, pv: 0, load: 1 }), price(30)]]);
    should(billReading(once, reading(5, { imp: 1, exp: 0, pv: 0, load: 1 }), price(99), BATTERY)).equal(once);
    should(billReading(once, reading(3, { imp: 1, exp: 0, pv: 0, load: 1 }), price(99), BATTERY)).equal(once);
  });

  it('never bills a counter that went down (a replaced inverter), and keeps what was billed', () => {
    const bill = run([
      [reading(0, { imp: 10, exp: 0, pv: 0, load: 0 }), price(30)],
      [reading(5, { imp: 11, exp: 0, pv: 0, load: 1 }), price(30)],
      [reading(10, { imp: 0, exp: 0, pv: 0, load: 0 }), price(30)],
    ]);
    should(billView(bill, 10)).containDeep({ costCents: 30, billedMinutes: 5, unbilledMinutes: 5 });
  });

  it('restores a stored bill, and starts afresh from anything else', () => {
    const bill = run([[reading(0, { imp: 0, exp: 0, pv: 0, load: 0 }), price(30)], [reading(5, { imp: 1, exp: 0, pv: 0, load: 1 }), price(30)]]);
    should(restoreBill(JSON.parse(JSON.stringify(bill)))).eql(bill);
    should(restoreBill(undefined)).eql(newBill());
    should(restoreBill({ version: 2 })).eql(newBill());
    should(restoreBill({ ...bill, costCents: 'lots' })).eql(newBill());
    should(restoreBill({ ...bill, last: { atMs: 'x' } }).last).be.null();
  });
});
