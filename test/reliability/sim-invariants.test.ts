/**
 * The simulated inverters kept honest over days of simulated minutes: energy booked, power
 * balanced, SoC within its limits, under Auto and under a programme of every mode. Each run steps
 * 4,320 minutes per inverter, seconds in all: this tier, not test/unit/.
 */
import { InverterSim } from '../../src/sim/physics';
import { localMinuteOfDay } from '../../src/sim/profiles';
import { DISCHARGE_BY_COMMAND, START, assertInvariants, auto, defaultInverters, programme, run } from '../helpers/inverter-sim';

describe('InverterSim', () => {
  for (const { def, site } of defaultInverters()) {
    describe(`${def.model} ${def.serial}`, () => {
      it('keeps its invariants over 3 days in Auto, with sun by day and none at night', () => {
        const sim = new InverterSim(def, site, START);
        let noons = 0;
        let midnights = 0;
        run(sim, 3 * 1440, auto, (s, prev) => {
          assertInvariants(s, prev, def, site);
          s.mode.should.eql({ mode: 'Auto', powerW: 0 });
          const m = localMinuteOfDay(s.timestampMs, site.utcOffsetMinutes);
          if (m === 0) { s.pvKW.should.equal(0); midnights++; }
          if (m === 720) { s.pvKW.should.be.above(0.3 * def.panelKW); noons++; }
          if (site.siteExportLimitKW !== null) {
            s.gridExportKW.should.be.belowOrEqual(site.siteExportLimitKW * def.loadShare);
          }
        });
        midnights.should.equal(3);
        noons.should.equal(3);
        const end = sim.snapshot();
        end.counters.pvKWh.should.be.above(def.initialCounters.pvKWh + 3 * def.panelKW);
        end.counters.loadKWh.should.be.above(def.initialCounters.loadKWh);
      });

      it('keeps its invariants under a daily programme of modes and an export ban at noon', () => {
        const sim = new InverterSim(def, site, START);
        const control = programme(site);
        const seen = new Set<string>();
        run(sim, 3 * 1440, control, (s, prev) => {
          assertInvariants(s, prev, def, site);
          const c = control(s.timestampMs);
          s.mode.should.eql(c.mode);
          if (c.envelope?.maxExportW != null) s.gridExportKW.should.be.belowOrEqual(c.envelope.maxExportW / 1000);
          if (!def.battery || s.batteryKW === 0) return;
          seen.add(s.mode.mode);
          if (s.mode.mode === 'ChargeBattery' && s.soc0to1! < 0.99) s.batteryKW!.should.equal(-3);
          if (s.mode.mode === 'DischargeBattery' && s.soc0to1! > def.battery.minSoc0to1 + 0.01) {
            s.batteryKW!.should.equal(Math.min(5, def.battery.maxDischargeKW));
          }
          if (s.mode.mode === 'Conserve') s.batteryKW!.should.be.below(0);
          if (DISCHARGE_BY_COMMAND.includes(s.mode.mode)) s.soc0to1!.should.be.aboveOrEqual(def.battery.minSoc0to1);
        });
        if (def.battery) seen.should.containEql('ChargeBattery').and.containEql('DischargeBattery');
      });
    });
  }
});
