import should from 'should';
import { DEFAULT_CREDENTIALS, RedbackSimulator, type SiteDef } from '../../src/sim';
import { api, form, getToken, request, startSim } from '../helpers/sim';

const TOKEN_PATH = '/Api/v2/Auth/token';
const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

function sitesOf(sim: RedbackSimulator) {
  const sites = sim.cloud.accounts[0].sites;
  const find = (predicate: (s: SiteDef) => boolean): SiteDef => {
    const site = sites.find(predicate);
    if (!site) throw new Error('scenario site missing');
    return site;
  };
  return {
    threePhase: find((s) => s.phases === 3 && s.inverters.length === 1 && s.inverters[0].battery !== null),
    singlePhase: find((s) => s.phases === 1 && s.inverters[0].battery !== null),
    noBattery: find((s) => s.inverters.length === 1 && s.inverters[0].battery === null),
    twoInverters: find((s) => s.inverters.length === 2),
  };
}

describe('simulator: token endpoint', () => {
  let sim: RedbackSimulator;
  before(async () => {
    sim = await startSim();
  });
  after(() => sim.stop());

  const { clientId, clientSecret } = DEFAULT_CREDENTIALS;

  it('issues a token for credentials in the form body (Variant A), with or without grant_type', async () => {
    const variants: Record<string, string>[] = [{}, { grant_type: 'client_credentials' }, { grant_type: 'client_credentials', scope: 'api://x/.default' }];
    for (const extra of variants) {
      const res = await request(sim.url + TOKEN_PATH, {
        method: 'POST', headers: formHeaders, body: form({ client_id: clientId, client_secret: clientSecret, ...extra }),
      });
      should(res.status).equal(200);
      should(res.body).have.properties({ token_type: 'Bearer', expires_in: 3600 });
      should(res.body.access_token).be.a.String().and.not.be.empty();
    }
  });

  it('issues a token for HTTP Basic with grant_type=client_credentials (Variant B) and requires the grant type there', async () => {
    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const ok = await request(sim.url + TOKEN_PATH, {
      method: 'POST', headers: { ...formHeaders, Authorization: basic }, body: form({ grant_type: 'client_credentials' }),
    });
    should(ok.status).equal(200);
    should(ok.body.access_token).be.a.String();
    const missing = await request(sim.url + TOKEN_PATH, { method: 'POST', headers: { ...formHeaders, Authorization: basic }, body: '' });
    should(missing.status).equal(400);
    should(missing.body.error).equal('unsupported_grant_type');
  });

  it('answers a wrong secret with 401 unauthorized_client and an unknown id with 400', async () => {
    const wrong = await request(sim.url + TOKEN_PATH, {
      method: 'POST', headers: formHeaders, body: form({ client_id: clientId, client_secret: 'wrong' }),
    });
    should(wrong.status).equal(401);
    should(wrong.body.error).equal('unauthorized_client');
    should(wrong.body.error_description).be.a.String();
    should(wrong.text).not.containEql('wrong');
    const unknown = await request(sim.url + TOKEN_PATH, {
      method: 'POST', headers: formHeaders, body: form({ client_id: 'nobody', client_secret: clientSecret }),
    });
    should(unknown.status).equal(400);
    should(unknown.body).have.property('error');
  });

  it('rejects a JSON body and other grant types', async () => {
    const asJson = await request(sim.url + TOKEN_PATH, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
    });
    should(asJson.status).equal(400);
    const password = await request(sim.url + TOKEN_PATH, {
      method: 'POST', headers: formHeaders, body: form({ client_id: clientId, client_secret: clientSecret, grant_type: 'password' }),
    });
    should(password.status).equal(400);
  });

  it('form-decodes secrets containing +, & and =', async () => {
    const special = await startSim({
      accounts: [{ ...sim.cloud.accounts[0], clientId: 'id+1', clientSecret: 'a+b&c=d e', sites: [] }],
    });
    try {
      const res = await request(special.url + TOKEN_PATH, {
        method: 'POST', headers: formHeaders, body: form({ client_id: 'id+1', client_secret: 'a+b&c=d e' }),
      });
      should(res.status).equal(200);
    } finally {
      await special.stop();
    }
  });

  it('can send expires_in as a numeric string and honours the configured lifetime', async () => {
    const other = await startSim({ tokenLifetimeSeconds: 600, expiresInAsString: true });
    try {
      const res = await request(other.url + TOKEN_PATH, {
        method: 'POST', headers: formHeaders, body: form({ client_id: clientId, client_secret: clientSecret }),
      });
      should(res.body.expires_in).equal('600');
    } finally {
      await other.stop();
    }
  });

  it('requires a valid, unexpired bearer token on data endpoints', async () => {
    let wall = Date.now();
    const timed = await startSim({ tokenLifetimeSeconds: 60, wallNow: () => wall });
    try {
      const none = await request(`${timed.url}/Api/v2/EnergyData`);
      should(none.status).equal(401);
      should(none.headers.get('www-authenticate')).match(/^Bearer/);
      const bogus = await api(timed, 'not-a-token', 'GET', '/Api/v2/EnergyData');
      should(bogus.status).equal(401);
      const token = await getToken(timed);
      should((await api(timed, token, 'GET', '/Api/v2/EnergyData')).status).equal(200);
      const lower = await request(`${timed.url}/Api/v2/EnergyData`, { headers: { Authorization: `bearer ${token}` } });
      should(lower.status).equal(200);
      wall += 61_000;
      const expired = await api(timed, token, 'GET', '/Api/v2/EnergyData');
      should(expired.status).equal(401);
      should(expired.headers.get('www-authenticate')).match(/invalid_token.*expired/);
      const fresh = await getToken(timed);
      timed.expireTokens();
      should((await api(timed, fresh, 'GET', '/Api/v2/EnergyData')).status).equal(401);
    } finally {
      await timed.stop();
    }
  });
});

describe('simulator: data endpoints', () => {
  let sim: RedbackSimulator;
  let token: string;
  let sites: ReturnType<typeof sitesOf>;
  before(async () => {
    sim = await startSim();
    token = await getToken(sim);
    sites = sitesOf(sim);
  });
  after(() => sim.stop());

  it('pages the account\'s site ids', async () => {
    const all = await api(sim, token, 'GET', '/Api/v2/EnergyData');
    should(all.body).have.properties({ Page: 0, PageSize: 100, PageCount: 4, TotalCount: 4 });
    should(all.body.Data).eql(sim.cloud.accounts[0].sites.map((s) => s.siteId));
    const page1 = await api(sim, token, 'GET', '/Api/v2/EnergyData?page=1&pageSize=3');
    should(page1.body).have.properties({ Page: 1, PageSize: 3, PageCount: 1, TotalCount: 4 });
    should((await api(sim, token, 'GET', '/Api/v2/EnergyData?pageSize=1001')).status).equal(400);
  });

  it('lists sites with their node tree, SerialNumber on inverter nodes and a Houseload node', async () => {
    const res = await api(sim, token, 'GET', '/Api/v2/EnergyData/With/Nodes');
    should(res.status).equal(200);
    const two = res.body.Data.find((s: { Id: string }) => s.Id === sites.twoInverters.siteId);
    should(two.Type).equal('Site');
    const inverters = two.Nodes.filter((n: { Type: string }) => n.Type === 'Inverter');
    should(inverters.map((n: { SerialNumber: string }) => n.SerialNumber)).eql(sites.twoInverters.inverters.map((i) => i.serial));
    should(two.Nodes.find((n: { Type: string }) => n.Type === 'Houseload')).have.properties({ Id: 'Houseload', Nodes: null });
  });

  it('serves static data by site (first inverter) and by serial, with the documented quirks', async () => {
    const site = sites.twoInverters;
    const bySite = await api(sim, token, 'GET', `/Api/v2/EnergyData/${site.siteId}/Static`);
    should(bySite.body.Data.Nodes[0].StaticData.Id).equal(site.inverters[0].serial);
    const second = site.inverters[1].serial;
    const bySerial = await api(sim, token, 'GET', `/Api/v2/EnergyData/Static/BySerialNumber/${second}`);
    const data = bySerial.body.Data;
    should(data.Nodes[0].StaticData).have.properties({ Id: second, Type: 'Inverter', SoftwareVersion: site.inverters[1].softwareVersion });
    should(data.Nodes[1].StaticData).have.properties({ Id: 'HouseLoad', Type: 'Houseload' });
    should(data.StaticData).have.properties(['NMI', 'SiteDetails', 'Location', 'Status', 'LatestDynamicDataUtc']);
    should(data.StaticData).not.have.property('Nmi');
    should(data.StaticData.TimestampUtc).match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    should(data.StaticData.SiteDetails.BatteryMaxChargePowerkW).equal(site.inverters[1].battery!.maxChargeKW);

    const noBattery = await api(sim, token, 'GET', `/Api/v2/EnergyData/Static/BySerialNumber/${sites.noBattery.inverters[0].serial}`);
    should(noBattery.body.Data.Nodes[0].StaticData.BatteryCount).equal(0);
    should(noBattery.body.Data.StaticData.SiteDetails.BatteryCapacitykWh).be.null();
  });

  it('answers 404 for a site or serial that is not on the account', async () => {
    should((await api(sim, token, 'GET', '/Api/v2/EnergyData/S0000000000000/Static')).status).equal(404);
    should((await api(sim, token, 'GET', '/Api/v2/EnergyData/Static/BySerialNumber/RB00000000000000')).status).equal(404);
  });

  it('serves dynamic v2 without and v2.21 with the battery, PV string and battery-total extras', async () => {
    const serial = sites.threePhase.inverters[0].serial;
    const v2 = (await api(sim, token, 'GET', `/Api/v2/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data;
    should(v2).not.have.properties(['Battery', 'PVs', 'BatteryChargeAllTimeEnergykWh']);
    const v221 = (await api(sim, token, 'GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data;
    should(v221).have.properties(['TimestampUtc', 'SiteId', 'Phases', 'FrequencyInstantaneousHz', 'BatterySoCInstantaneous0to1',
      'PvPowerInstantaneouskW', 'InverterTemperatureC', 'BatteryPowerNegativeIsChargingkW', 'PvAllTimeEnergykWh',
      'ExportAllTimeEnergykWh', 'ImportAllTimeEnergykWh', 'LoadAllTimeEnergykWh', 'Status', 'Inverters',
      'BatteryChargeAllTimeEnergykWh', 'BatteryDischargeAllTimeEnergykWh', 'PVs', 'Battery']);
    should(v221.TimestampUtc).match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    should(v221.Phases.map((p: { Id: string }) => p.Id)).eql(['A', 'B', 'C']);
    should(v221.Inverters).eql([{ SerialNumber: serial, PowerMode: { InverterMode: 'Auto', PowerW: 0 } }]);
    should(v221.PVs).have.length(sites.threePhase.inverters[0].pvStringCount);
    should(v221.Battery).have.properties({ VoltageType: 'HV', NumberOfModules: 4 });
    should(v221.Battery.Modules[0]).have.properties(['CurrentNegativeIsChargingA', 'VoltageV', 'PowerNegativeIsChargingkW', 'SoC0To1']);
    should(v221.Battery.Cabinets[0]).have.properties(['TemperatureC', 'FanState']);
    should(v221.BatterySoCInstantaneous0to1).be.within(0, 1);
  });

  it('answers site-level dynamic calls for the first inverter only, and adds Metadata on request', async () => {
    const site = sites.twoInverters;
    const res = await api(sim, token, 'GET', `/Api/v2.21/EnergyData/${site.siteId}/Dynamic?metadata=true`);
    should(res.body.Data.Inverters).have.length(1);
    should(res.body.Data.Inverters[0].SerialNumber).equal(site.inverters[0].serial);
    should(res.body.Metadata).have.properties(['Latest', 'Permalink', 'Back', 'Forward']);
    should(res.body.Metadata.Back).have.keys('1m', '10m', '1h', '1d', '1w');
    const plain = await api(sim, token, 'GET', `/Api/v2.21/EnergyData/${site.siteId}/Dynamic`);
    should(plain.body).not.have.property('Metadata');
  });

  it('reports a battery-less inverter with null battery fields', async () => {
    const serial = sites.noBattery.inverters[0].serial;
    const data = (await api(sim, token, 'GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data;
    should(data.BatterySoCInstantaneous0to1).be.null();
    should(data.BatteryPowerNegativeIsChargingkW).be.null();
    should(data.Battery).be.null();
    should(data.BatteryChargeAllTimeEnergykWh).be.null();
    should(data.PvAllTimeEnergykWh).be.a.Number();
  });

  it('reports a single-phase site with phase A only', async () => {
    const serial = sites.singlePhase.inverters[0].serial;
    const data = (await api(sim, token, 'GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data;
    should(data.Phases.map((p: { Id: string }) => p.Id)).eql(['A']);
  });

  it('serves several inverters through Multiple/BySerialNumber/Dynamic, at most 100 per request', async () => {
    const serials = sim.cloud.accounts[0].sites.flatMap((s) => s.inverters.map((i) => i.serial));
    for (const version of ['v2', 'v2.21']) {
      const res = await api(sim, token, 'POST', `/Api/${version}/EnergyData/Multiple/BySerialNumber/Dynamic`, serials);
      should(res.status).equal(200);
      should(res.body.TotalCount).equal(serials.length);
      should(res.body.Data.map((d: { Inverters: { SerialNumber: string }[] }) => d.Inverters[0].SerialNumber)).eql(serials);
    }
    const tooMany = Array.from({ length: 101 }, () => serials[0]);
    should((await api(sim, token, 'POST', '/Api/v2.21/EnergyData/Multiple/BySerialNumber/Dynamic', tooMany)).status).equal(400);
    should((await api(sim, token, 'POST', '/Api/v2.21/EnergyData/Multiple/BySerialNumber/Dynamic', { not: 'an array' })).status).equal(400);
  });

  it('serves configuration by site and by serial', async () => {
    const inverter = sites.singlePhase.inverters[0];
    const bySerial = (await api(sim, token, 'GET', `/Api/v2/Configuration/Configuration/BySerialNumber/${inverter.serial}`)).body.Data;
    should(bySerial).have.properties({ SerialNumber: inverter.serial, MinSoC0to1: inverter.battery!.minSoc0to1 });
    should(bySerial).have.properties(['Nmi', 'MinOffgridSoC0to1', 'BatteryCapacitykWh', 'InverterMaxExportPowerkW']);
    const bySite = (await api(sim, token, 'GET', `/Api/v2/Configuration/${sites.singlePhase.siteId}/Configuration`)).body.Data;
    should(bySite.SerialNumber).equal(inverter.serial);
  });

  it('publishes a new reading once a simulated minute, and lifetime totals that grow', async () => {
    const serial = sites.threePhase.inverters[0].serial;
    const path = `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`;
    const first = (await api(sim, token, 'GET', path)).body.Data;
    sim.clock.advance(30_000);
    const sameMinute = (await api(sim, token, 'GET', path)).body.Data;
    should(sameMinute).eql(first);
    sim.clock.advance(30_000);
    const next = (await api(sim, token, 'GET', path)).body.Data;
    should(Date.parse(next.TimestampUtc) - Date.parse(first.TimestampUtc)).equal(60_000);
    should(next.PvAllTimeEnergykWh).be.above(first.PvAllTimeEnergykWh);
    should(next.LoadAllTimeEnergykWh).be.above(first.LoadAllTimeEnergykWh);
  });
});

describe('simulator: schedules', () => {
  let sim: RedbackSimulator;
  let token: string;
  let serial: string;
  const dynamicMode = async (): Promise<{ InverterMode: string; PowerW: number }> =>
    (await api(sim, token, 'GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data.Inverters[0].PowerMode;
  const create = (body: Record<string, unknown>) => api(sim, token, 'POST', '/Api/v2/Schedule/Create/By/SerialNumber/', body);

  beforeEach(async () => {
    sim = await startSim();
    token = await getToken(sim);
    serial = sitesOf(sim).threePhase.inverters[0].serial;
  });
  afterEach(() => sim.stop());

  it('creates a schedule, lists it, applies its mode from the next minute and returns to Auto when it ends', async () => {
    const res = await create({
      SerialNumber: serial, UserNotes: 'node-red-redback', StartTimeUtc: new Date(sim.clock.now()).toISOString(),
      Duration: '00:30:00', DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 },
    });
    should(res.status).equal(200);
    should(res.body.Data.ScheduleId).match(/^[0-9a-f-]{36}$/);
    const list = await api(sim, token, 'GET', `/Api/v2/Schedule/By/SerialNumber/${serial}`);
    should(list.body.Data.DailySchedules).eql([]);
    should(list.body.Data.Schedules).have.length(1);
    should(list.body.Data.Schedules[0]).have.properties({
      ScheduleId: res.body.Data.ScheduleId, SerialNumber: serial, Duration: '00:30:00', UserNotes: 'node-red-redback',
      DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 },
    });
    should(list.body.Data.Schedules[0].StartTimeUtc).match(/Z$/);
    sim.clock.advance(60_000);
    should(await dynamicMode()).eql({ InverterMode: 'ChargeBattery', PowerW: 3000 });
    sim.clock.advance(30 * 60_000);
    should(await dynamicMode()).eql({ InverterMode: 'Auto', PowerW: 0 });
    should((await api(sim, token, 'GET', `/Api/v2/Schedule/By/SerialNumber/${serial}`)).body.Data.Schedules).have.length(0);
    should((await api(sim, token, 'GET', `/Api/v2/Schedule/By/SerialNumber/${serial}?includeStale=true`)).body.Data.Schedules).have.length(1);
  });

  it('with wallClockControls, reads command times as wall-clock times and scales durations by the clock speed', async () => {
    let wall = Date.parse('2026-06-01T00:00:00Z');
    const fast = await startSim({ clock: { start: '2026-01-15T02:00:00Z', speed: 60 }, wallNow: () => wall, wallClockControls: true });
    try {
      const fastToken = await getToken(fast);
      wall += 1000; // one wall second = one simulated minute
      const res = await api(fast, fastToken, 'POST', '/Api/v2/Schedule/Create/By/SerialNumber', {
        SerialNumber: serial, StartTimeUtc: new Date(wall).toISOString(), Duration: '00:30:00',
        DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 },
      });
      should(res.status).equal(200);
      const [schedule] = (await api(fast, fastToken, 'GET', `/Api/v2/Schedule/By/SerialNumber/${serial}`)).body.Data.Schedules;
      should(schedule.StartTimeUtc).equal('2026-01-15T02:01:00Z'); // the simulated time at that wall time
      should(schedule.Duration).equal('1.06:00:00'); // 30 wall minutes = 30 simulated hours at 60x
    } finally {
      await fast.stop();
    }
  });

  it('accepts valid .NET TimeSpans, including 1440 minutes as 1.00:00:00', async () => {
    for (const duration of ['1.00:00:00', '0.01:30:00', '01:30:00', '00:01:00']) {
      const res = await create({ SerialNumber: serial, Duration: duration, DesiredMode: { InverterMode: 'Conserve', ArgumentInWatts: 0 } });
      should(res.status).equal(200, duration);
    }
  });

  it('rejects invalid durations, modes, watts, times and serials with a validation error', async () => {
    const good = { SerialNumber: serial, Duration: '00:30:00', DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000 } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, Duration: '1.24:00:00' }, 'Duration'],
      [{ ...good, Duration: '30' }, 'Duration'],
      [{ ...good, Duration: undefined }, 'Duration'],
      [{ ...good, DesiredMode: { InverterMode: 'Charge', ArgumentInWatts: 3000 } }, 'DesiredMode.InverterMode'],
      [{ ...good, DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 3000.5 } }, 'DesiredMode.ArgumentInWatts'],
      [{ ...good, DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: '3000' } }, 'DesiredMode.ArgumentInWatts'],
      [{ ...good, StartTimeUtc: '2026-01-15 02:00' }, 'StartTimeUtc'],
      [{ ...good, StartTimeUtc: '2026-01-15T02:00:00' }, 'StartTimeUtc'],
      [{ ...good, SerialNumber: 'RB00000000000000' }, 'SerialNumber'],
      [{ ...good, SerialNumber: sitesOf(sim).noBattery.inverters[0].serial }, 'SerialNumber'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      should(res.status).equal(400, JSON.stringify(body));
      should(res.body.errors).have.property(field);
    }
    should((await api(sim, token, 'GET', `/Api/v2/Schedule/By/SerialNumber/${serial}?includeStale=true`)).body.Data.Schedules).have.length(0);
  });

  it('accepts a power the inverter cannot deliver (validated only when the schedule starts)', async () => {
    const res = await create({ SerialNumber: serial, Duration: '00:10:00', DesiredMode: { InverterMode: 'ChargeBattery', ArgumentInWatts: 50000 } });
    should(res.status).equal(200);
  });

  it('deletes a schedule by serial and id; the inverter goes back to Auto', async () => {
    const id = (await create({ SerialNumber: serial, Duration: '01:00:00', DesiredMode: { InverterMode: 'DischargeBattery', ArgumentInWatts: 2000 } })).body.Data.ScheduleId;
    sim.clock.advance(60_000);
    should((await dynamicMode()).InverterMode).equal('DischargeBattery');
    const del = await api(sim, token, 'DELETE', `/Api/v2/Schedule/By/SerialNumber/${serial}/${id}`);
    should(del.status).equal(200);
    should(del.body).eql({ Data: true });
    sim.clock.advance(60_000);
    should((await dynamicMode()).InverterMode).equal('Auto');
    should((await api(sim, token, 'DELETE', `/Api/v2/Schedule/By/SerialNumber/${serial}/${id}`)).status).equal(404);
  });
});

describe('simulator: operating envelopes', () => {
  let sim: RedbackSimulator;
  let token: string;
  let site: SiteDef;
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const envelope = (eventId: string, minutes: number, extra: Record<string, unknown> = {}) => ({
    EventId: eventId, SiteId: site.siteId, StartAtUtc: iso(sim.clock.now()), EndAtUtc: iso(sim.clock.now() + minutes * 60_000),
    MaxImportPowerW: 10000, MaxExportPowerW: 0, MaxDischargePowerW: 10000, MaxChargePowerW: 10000, MaxGenerationPowerVA: 10000, ...extra,
  });

  beforeEach(async () => {
    sim = await startSim();
    token = await getToken(sim);
    site = sitesOf(sim).noBattery;
  });
  afterEach(() => sim.stop());

  it('creates, lists and deletes an envelope by EventId; export is clipped while it is active', async () => {
    const serial = site.inverters[0].serial;
    const exportNow = async (): Promise<number> => {
      const data = (await api(sim, token, 'GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data;
      return data.Phases.reduce((sum: number, p: { ActiveExportedPowerInstantaneouskW: number }) => sum + p.ActiveExportedPowerInstantaneouskW, 0);
    };
    should(await exportNow()).be.above(0); // midday PV on a battery-less site exports
    const res = await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', envelope('curtail-1', 30));
    should(res.status).equal(200);
    should(res.body.Data).eql({ SiteId: site.siteId, Nmi: site.nmi, EventId: 'curtail-1', ErrorMessage: null });
    sim.clock.advance(60_000);
    should(await exportNow()).equal(0);
    const list = await api(sim, token, 'GET', `/Api/v2/OperatingEnvelope/By/Site/${site.siteId}`);
    should(list.body.TotalCount).equal(1);
    should(list.body.Data[0]).have.properties({ EventId: 'curtail-1', MaxExportPowerW: 0, IsNetworkLevel: false, Status: 'ReportStarted' });
    should((await api(sim, token, 'DELETE', '/Api/v2/OperatingEnvelope/By/EventId/curtail-1')).body).eql({ Data: true });
    sim.clock.advance(60_000);
    should(await exportNow()).be.above(0);
  });

  it('lists ended envelopes only with pastHours', async () => {
    await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', envelope('short', 5));
    sim.clock.advance(10 * 60_000);
    should((await api(sim, token, 'GET', `/Api/v2/OperatingEnvelope/By/Site/${site.siteId}`)).body.TotalCount).equal(0);
    const past = await api(sim, token, 'GET', `/Api/v2/OperatingEnvelope/By/Site/${site.siteId}?pastHours=1`);
    should(past.body.Data[0]).have.properties({ EventId: 'short', Status: 'ReportFinished' });
  });

  it('reports problems in ErrorMessage with status 200, and bad fields with 400', async () => {
    const unknownSite = await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', { ...envelope('x', 5), SiteId: 'S0000' });
    should(unknownSite.status).equal(200);
    should(unknownSite.body.Data.ErrorMessage).match(/not found/);
    const past = await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', envelope('p', -5, { StartAtUtc: iso(sim.clock.now() - 600_000) }));
    should(past.body.Data.ErrorMessage).match(/past/);
    const longId = await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', envelope('e'.repeat(129), 5));
    should(longId.status).equal(400);
    should(longId.body.errors).have.property('EventId');
  });

  it('deletes All only for the calling account', async () => {
    await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', envelope('a', 30));
    await api(sim, token, 'POST', '/Api/v2/OperatingEnvelope/Create/By/Site', envelope('b', 30));
    should((await api(sim, token, 'DELETE', '/Api/v2/OperatingEnvelope/All')).body).eql({ Data: true });
    should((await api(sim, token, 'GET', `/Api/v2/OperatingEnvelope/By/Site/${site.siteId}`)).body.TotalCount).equal(0);
  });
});

describe('simulator: portal over HTTP', () => {
  let sim: RedbackSimulator;
  beforeEach(async () => {
    sim = await startSim({ portalSessionMinutes: 30 });
  });
  afterEach(() => sim.stop());

  /** A minimal browser: keeps cookies, does not follow redirects. */
  function browser() {
    const jar = new Map<string, string>();
    return async (path: string, init: { method?: string; form?: Record<string, string>; xhr?: boolean } = {}) => {
      const headers: Record<string, string> = { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
      if (init.xhr) headers['X-Requested-With'] = 'XMLHttpRequest';
      const res = await fetch(sim.url + path, {
        method: init.method ?? 'GET', headers, body: init.form ? form(init.form) : undefined, redirect: 'manual',
      });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return { status: res.status, location: res.headers.get('location'), text: await res.text(), jar };
    };
  }
  const hiddenToken = (html: string, formSelector: RegExp): string => {
    const formHtml = formSelector.exec(html);
    if (!formHtml) throw new Error('form not found');
    const token = /name="__RequestVerificationToken" type="hidden" value="([^"]+)"/.exec(formHtml[0]);
    if (!token) throw new Error('token not found');
    return token[1];
  };

  it('logs in, sets a mode through productcontrol/Index and shows it in the dynamic data', async () => {
    const go = browser();
    const login = await go('/Account/Login');
    const loginToken = hiddenToken(login.text, /<form[^>]*class="login-form"[\s\S]*?<\/form>/);
    const posted = await go('/Account/Login', {
      method: 'POST', form: { Email: 'owner@example.com', Password: 'sim-portal-password', __RequestVerificationToken: loginToken },
    });
    should(posted.status).equal(302);
    should(posted.jar.has('.AspNet.ApplicationCookie')).be.true();
    const serial = 'RB21081800001734';
    const configure = await go(`/productcontrol/Configure?serialNumber=${serial}`);
    should(configure.status).equal(200);
    const setToken = hiddenToken(configure.text, /<form[^>]*id="GlobalAntiForgeryToken"[\s\S]*?<\/form>/);
    const set = await go('/productcontrol/Index', {
      method: 'POST', xhr: true,
      form: {
        SerialNumber: serial, AppliedTariffId: '', 'InverterOperation[Type]': 'Set', 'InverterOperation[Mode]': 'DischargeBattery',
        'InverterOperation[PowerInWatts]': '2500', 'InverterOperation[AppliedTarrifId]': '', ProductModelName: '',
        RossVersion: '2.16.32211.1', __RequestVerificationToken: setToken,
      },
    });
    should(set.status).equal(200);
    sim.clock.advance(60_000);
    const token = await getToken(sim);
    const data = (await api(sim, token, 'GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).body.Data;
    should(data.Inverters[0].PowerMode).eql({ InverterMode: 'DischargeBattery', PowerW: 2500 });
    should(data.BatteryPowerNegativeIsChargingkW).equal(2.5);

    sim.expirePortalSessions();
    const expired = await go(`/productcontrol/Configure?serialNumber=${serial}`);
    should(expired.status).equal(302);
    should(expired.location).startWith('/Account/Login?ReturnUrl=');
    const expiredXhr = await go('/productcontrol/Index', { method: 'POST', xhr: true, form: { SerialNumber: serial } });
    should(expiredXhr.status).equal(401);
    should(JSON.parse(expiredXhr.text)).eql({ error: 'Login session expired.' });
  });

  it('answers a wrong password with the login page again and no session cookie', async () => {
    const go = browser();
    const login = await go('/Account/Login');
    const loginToken = hiddenToken(login.text, /<form[^>]*class="login-form"[\s\S]*?<\/form>/);
    const posted = await go('/Account/Login', {
      method: 'POST', form: { Email: 'owner@example.com', Password: 'nope', __RequestVerificationToken: loginToken },
    });
    should(posted.status).equal(200);
    should(posted.text).match(/class="login-form"/);
    should(posted.text).match(/Invalid login attempt\./);
    should(posted.jar.has('.AspNet.ApplicationCookie')).be.false();
  });

  it('serves a login page without the token under the loginWithoutToken fault', async () => {
    sim.faults.add({ kind: 'loginWithoutToken', times: 1 });
    const go = browser();
    const page = await go('/Account/Login');
    should(page.status).equal(200);
    should(page.text).not.match(/__RequestVerificationToken/);
    should((await go('/Account/Login')).text).match(/__RequestVerificationToken/);
  });
});
