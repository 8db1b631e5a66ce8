import should from 'should';
import type { RedbackAccount } from '../../src/account/account';
import { RedbackSimulator, defaultAccount, fleetAccount } from '../../src/sim';
import { accountFor } from '../helpers/account';
import { rejection } from '../helpers/errors';
import { startSim } from '../helpers/sim';


describe('ApiClient against the simulator', () => {
  let sim: RedbackSimulator;
  let account: RedbackAccount;
  const serial = 'RB21081800001734';

  beforeEach(async () => {
    sim = await startSim();
    account = accountFor(sim);
  });
  afterEach(async () => {
    account.close();
    await sim.stop();
  });

  it('reads the node tree, static, dynamic v2.21 and configuration with the documented shapes', async () => {
    const sites = await account.api.sitesWithNodes();
    should(sites.map((s) => s.Id)).eql(defaultAccount().sites.map((s) => s.siteId));
    const statics = await account.api.staticBySerial(serial);
    should(statics.Nodes![0].StaticData).have.properties({ Id: serial, SoftwareVersion: '2.16.32211.1', BatteryCount: 4 });
    const dynamic = await account.api.dynamicBySerial(serial);
    should(dynamic.Inverters![0].SerialNumber).equal(serial);
    should(dynamic.Battery!.Modules).have.length(4);
    const configuration = await account.api.configurationBySerial(serial);
    should(configuration.MinSoC0to1).equal(0.1);
    should(sim.requestCount({ path: '/Api/v2.21/EnergyData/Dynamic/BySerialNumber/' })).equal(1);
  });

  it('pages through With/Nodes until TotalCount is reached', async () => {
    const fleet = await startSim({ accounts: [fleetAccount(2400, { clientId: 'sim-client-id', clientSecret: 'sim-client-secret' })] });
    const fleetAccountClient = accountFor(fleet);
    try {
      const sites = await fleetAccountClient.api.sitesWithNodes();
      should(sites).have.length(1200);
      should(fleet.requestCount({ path: '/With/Nodes' })).equal(2);
    } finally {
      fleetAccountClient.close();
      await fleet.stop();
    }
  });

  it('shares one upstream request among identical concurrent reads', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => account.api.dynamicBySerial(serial)));
    should(results.every((r) => r.TimestampUtc === results[0].TimestampUtc)).be.true();
    should(sim.requestCount({ path: `/Dynamic/BySerialNumber/${serial}` })).equal(1);
    should(sim.requestCount({ surface: 'token' })).equal(1);
    await account.api.dynamicBySerial(serial);
    should(sim.requestCount({ path: `/Dynamic/BySerialNumber/${serial}` })).equal(2);
  });

  it('reads many inverters through Multiple/BySerialNumber/Dynamic in batches of 100', async () => {
    const fleet = await startSim({ accounts: [fleetAccount(250, { clientId: 'sim-client-id', clientSecret: 'sim-client-secret' })] });
    const client = accountFor(fleet);
    try {
      const serials = fleet.cloud.accounts[0].sites.flatMap((s) => s.inverters.map((i) => i.serial));
      const data = await client.api.dynamicMultiple(serials);
      should(data).have.length(250);
      should(data.map((d) => d.Inverters![0].SerialNumber)).eql(serials);
      should(fleet.requestCount({ path: '/Multiple/BySerialNumber/Dynamic' })).equal(3);
    } finally {
      client.close();
      await fleet.stop();
    }
  });

  it('retries a 401 once with a fresh token', async () => {
    await account.api.dynamicBySerial(serial);
    sim.expireTokens();
    const data = await account.api.dynamicBySerial(serial);
    should(data.Inverters![0].SerialNumber).equal(serial);
    should(sim.requestCount({ surface: 'token' })).equal(2);
    should(sim.requestCount({ path: `/Dynamic/BySerialNumber/${serial}` })).equal(3);
  });

  it('gives up with a credentials error when a fresh token is refused too', async () => {
    const instant = await startSim({ tokenLifetimeSeconds: 0 });
    const client = accountFor(instant);
    try {
      const err = await rejection(client.api.dynamicBySerial(serial));
      should(err.kind).equal('credentials');
      should(err.message).match(/HTTP 401.*refused a fresh token/);
      should(instant.requestCount({ path: `/Dynamic/BySerialNumber/${serial}` })).equal(2);
    } finally {
      client.close();
      await instant.stop();
    }
  });

  it('reports HTML, malformed JSON and an unexpected shape as response errors', async () => {
    sim.faults.add({ kind: 'html', surface: 'api', times: 1 });
    const html = await rejection(account.api.dynamicBySerial(serial));
    should(html.kind).equal('response');
    should(html.message).equal(`GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial} failed: the cloud answered with an HTML page instead of JSON`);
    sim.faults.add({ kind: 'malformedJson', surface: 'api', times: 1 });
    should((await rejection(account.api.dynamicBySerial(serial))).message).match(/malformed JSON/);
    sim.faults.add({ kind: 'status', status: 200, surface: 'api', times: 1, body: '{"Result":[]}' });
    should((await rejection(account.api.dynamicBySerial(serial))).message).match(/documented shape/);
  });

  it('reports an unknown serial as rejected with the cloud\'s words, without retrying', async () => {
    const err = await rejection(account.api.staticBySerial('RB00000000000000'));
    should(err.kind).equal('rejected');
    should(err.status).equal(404);
    should(err.message).match(/HTTP 404 Not Found No inverter with serial number RB00000000000000/);
    should(sim.requestCount({ path: '/Static/BySerialNumber/RB00000000000000' })).equal(1);
  });

  it('creates, lists and deletes a schedule', async () => {
    const id = await account.api.createSchedule({
      SerialNumber: serial, UserNotes: 'node-red-redback', StartTimeUtc: new Date(sim.clock.now()).toISOString(),
      Duration: '00:30:00', DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 },
    });
    should(id).match(/^[0-9a-f-]{36}$/);
    should((await account.api.schedulesBySerial(serial)).Schedules!.map((s) => s.ScheduleId)).eql([id]);
    await account.api.deleteSchedule(serial, id!);
    should((await account.api.schedulesBySerial(serial)).Schedules).eql([]);
  });

  it('does not repeat a schedule create after a 5xx (it may have been applied)', async () => {
    sim.faults.add({ kind: 'status', status: 502, path: 'Schedule/Create', times: 1 });
    const err = await rejection(account.api.createSchedule({
      SerialNumber: serial, UserNotes: 'x', StartTimeUtc: new Date(sim.clock.now()).toISOString(),
      Duration: '00:30:00', DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 },
    }));
    should(err.kind).equal('transient');
    should(sim.requestCount({ path: 'Schedule/Create' })).equal(1);
  });

  it('reports an envelope refused in ErrorMessage with HTTP 200 as rejected', async () => {
    const start = new Date(sim.clock.now()).toISOString();
    const end = new Date(sim.clock.now() + 1800_000).toISOString();
    const limits = { MaxImportPowerW: 10000, MaxExportPowerW: 0, MaxDischargePowerW: 10000, MaxChargePowerW: 10000, MaxGenerationPowerVA: 10000 };
    const err = await rejection(account.api.createEnvelope({ EventId: 'e1', SiteId: 'S0000', StartAtUtc: start, EndAtUtc: end, ...limits }));
    should(err.kind).equal('rejected');
    should(err.message).match(/refused the envelope: Site 'S0000' not found/);
    await account.api.createEnvelope({ EventId: 'e2', SiteId: 'S9e2f4a6c8b0d1', StartAtUtc: start, EndAtUtc: end, ...limits });
    should((await account.api.envelopesBySite('S9e2f4a6c8b0d1')).map((e) => e.EventId)).eql(['e2']);
    await account.api.deleteEnvelope('e2');
    should(await account.api.envelopesBySite('S9e2f4a6c8b0d1')).eql([]);
  });
});
