import should from 'should';
import { DEFAULT_CREDENTIALS, defaultAccount, fleetAccount } from '../../src/sim/scenarios';
import { AccountDef, InverterDef } from '../../src/sim/types';

const SITE_ID = /^S[0-9a-f]{6,}$/;
const SERIAL = /^RB\d{14}$/;

function inverters(a: AccountDef): InverterDef[] {
  return a.sites.flatMap((s) => s.inverters);
}

function checkShape(a: AccountDef): void {
  const siteIds = a.sites.map((s) => s.siteId);
  const serials = inverters(a).map((i) => i.serial);
  siteIds.forEach((id) => id.should.match(SITE_ID));
  serials.forEach((sn) => sn.should.match(SERIAL));
  new Set(siteIds).size.should.equal(siteIds.length);
  new Set(serials).size.should.equal(serials.length);
  const nmis = a.sites.map((s) => s.nmi).filter((n): n is string => n !== null);
  new Set(nmis).size.should.equal(nmis.length);
  for (const s of a.sites) {
    s.inverters.length.should.be.above(0);
    s.commissioningDate.should.match(/^\d{4}-\d{2}-\d{2}$/);
    s.inverters.reduce((t, i) => t + i.loadShare, 0).should.be.approximately(1, 1e-9);
    for (const i of s.inverters) {
      i.initialSoc0to1.should.be.within(0, 1);
      Object.values(i.initialCounters).forEach((v) => v.should.be.aboveOrEqual(0));
      if (i.battery) {
        i.initialSoc0to1.should.be.aboveOrEqual(i.battery.minSoc0to1);
        i.battery.batteryModels.length.should.equal(i.battery.moduleCount);
      }
    }
  }
}

describe('sim scenarios', () => {
  describe('defaultAccount', () => {
    const a = defaultAccount();
    const [three, single, gridTie, twin] = a.sites;

    it('uses the default credentials and well-formed, unique, fixed ids', () => {
      a.should.match(DEFAULT_CREDENTIALS);
      DEFAULT_CREDENTIALS.should.eql({
        clientId: 'sim-client-id', clientSecret: 'sim-client-secret', email: 'owner@example.com',
        password: 'sim-portal-password',
      });
      a.sites.length.should.equal(4);
      checkShape(a);
      defaultAccount().should.eql(a);
      defaultAccount().should.not.equal(a);
    });

    it('has one null NMI and distinct ones elsewhere', () => {
      a.sites.filter((s) => s.nmi === null).length.should.equal(1);
    });

    it('starts with the cloud fixture\'s three-phase ST10000', () => {
      three.should.match({ phases: 3, utcOffsetMinutes: 600, siteExportLimitKW: null });
      three.inverters.length.should.equal(1);
      three.inverters[0].should.match({
        model: 'ST10000', panelKW: 9.96, pvStringCount: 2, softwareVersion: '2.16.32211.1', firmwareVersion: '080819',
        systemType: 'Hybrid', inverterMaxExportKW: 10, inverterMaxImportKW: 10, loadShare: 1,
        initialCounters: {
          pvKWh: 5413.9, exportKWh: 2612.829, importKWh: 175.108, loadKWh: 3157.7,
          batteryChargeKWh: 8856.1, batteryDischargeKWh: 8235.3,
        },
        battery: {
          moduleCount: 4, moduleModel: 'RB600', batteryModels: ['RB600', 'Unknown', 'Unknown', 'Unknown'],
          capacityKWh: 14.22, maxChargeKW: 10, maxDischargeKW: 10, voltageType: 'HV', nominalVoltageV: 200,
          cabinetCount: 1, minSoc0to1: 0.1, minOffgridSoc0to1: 0.05,
        },
      });
    });

    it('has a single-phase SH5000 in another time zone', () => {
      single.phases.should.equal(1);
      single.utcOffsetMinutes.should.not.equal(600);
      single.inverters.length.should.equal(1);
      const inv = single.inverters[0];
      inv.should.match({ model: 'SH5000', panelKW: 6.6, pvStringCount: 2, inverterMaxExportKW: 5, loadShare: 1 });
      inv.softwareVersion.should.not.equal('2.16.32211.1');
      inv.battery!.should.match({ moduleCount: 2, maxChargeKW: 4.6, maxDischargeKW: 4.6 });
      inv.battery!.capacityKWh.should.be.within(9, 10);
    });

    it('has a battery-less grid-tie SI5000 with a site export limit', () => {
      gridTie.siteExportLimitKW!.should.equal(5);
      gridTie.inverters.length.should.equal(1);
      const inv = gridTie.inverters[0];
      inv.should.match({ model: 'SI5000', systemType: 'GridTie', pvStringCount: 1, panelKW: 5, loadShare: 1 });
      should(inv.battery).be.null();
      inv.initialCounters.should.match({ batteryChargeKWh: 0, batteryDischargeKWh: 0 });
    });

    it('has a site with two battery inverters sharing the load', () => {
      twin.inverters.length.should.equal(2);
      twin.inverters.forEach((i) => {
        i.loadShare.should.equal(0.5);
        should(i.battery).not.be.null();
      });
      twin.inverters[0].battery!.should.not.equal(twin.inverters[1].battery);
      twin.inverters[0].serial.should.not.equal(twin.inverters[1].serial);
    });
  });

  describe('fleetAccount', () => {
    it('builds 1000 unique battery inverters, two per site, quickly', () => {
      const t0 = Date.now();
      const a = fleetAccount(1000);
      (Date.now() - t0).should.be.below(200);
      inverters(a).length.should.equal(1000);
      a.sites.length.should.equal(500);
      a.sites.forEach((s) => s.inverters.length.should.equal(2));
      inverters(a).forEach((i) => {
        should(i.battery).not.be.null();
        i.loadShare.should.equal(0.5);
      });
      checkShape(a);
      a.should.match({
        clientId: 'fleet-client-id', clientSecret: 'fleet-client-secret', email: 'fleet@example.com',
        password: 'fleet-portal-password',
      });
    });

    it('is deterministic, takes credentials, and handles odd and zero sizes', () => {
      fleetAccount(7).should.eql(fleetAccount(7));
      fleetAccount(7).sites[0].should.eql(fleetAccount(1000).sites[0]);
      const odd = fleetAccount(3, { clientId: 'c', email: 'e@x' });
      odd.should.match({ clientId: 'c', clientSecret: 'fleet-client-secret', email: 'e@x' });
      odd.sites.length.should.equal(2);
      odd.sites[1].inverters.length.should.equal(1);
      odd.sites[1].inverters[0].loadShare.should.equal(1);
      checkShape(odd);
      fleetAccount(0).sites.should.eql([]);
      (() => fleetAccount(-1)).should.throw(RangeError);
      (() => fleetAccount(1.5)).should.throw(RangeError);
    });

    it('does not reuse the default account\'s serials', () => {
      const defaults = new Set(inverters(defaultAccount()).map((i) => i.serial));
      inverters(fleetAccount(50)).forEach((i) => defaults.has(i.serial).should.be.false());
    });
  });
});
