/**
 * The simulated Amber feed over real HTTP on loopback: Amber's format (data/pricing/
 * amber_public_api_swagger.json and the real answer ode_sitePrices_2024-09-04.json), prices from
 * the real AEMO month through the fitted tariff (data/pricing/SOURCES.md), the forecast model,
 * the key, and the faults.
 */
import should from 'should';
import fs from 'fs';
import path from 'path';
import { RedbackSimulator } from '../../src/sim';
import { loadAemoMonth, parseAemoCsv, pricingDataDir } from '../../src/sim/amber-aemo';
import { DEFAULT_FORECAST_MODEL } from '../../src/sim/amber-forecast-model';
import { priceIntervals, type AmberInterval } from '../../src/sim/amber-prices';
import { DEFAULT_AMBER_KEY, DEFAULT_AMBER_SITES } from '../../src/sim/amber-sites';
import { parseArgs } from '../../src/sim/cli';
import { request } from '../helpers/sim';

const NSW = DEFAULT_AMBER_SITES[0];
const VIC = DEFAULT_AMBER_SITES[1];
const MIN = 60_000;
// 2026-01-15 16:30:00 NEM time, 3 min 20 s into a 5-minute interval (past any estimate window).
const AT = Date.parse('2026-01-15T06:33:20Z');

function startAt(start: number | string, options: ConstructorParameters<typeof RedbackSimulator>[0] = {}): Promise<RedbackSimulator> {
  const sim = new RedbackSimulator({ clock: { start, speed: 0 }, ...options });
  return sim.start().then(() => sim);
}

function prices(sim: RedbackSimulator, query = 'next=288&previous=12', key: string | null = DEFAULT_AMBER_KEY, site = NSW.id) {
  return request(`${sim.url}/v1/sites/${site}/prices/current?${query}`, key === null ? {} : { headers: { Authorization: `Bearer ${key}` } });
}

/** RRP of the AEMO row for the interval that starts at `startMs`, read straight from the CSV (SETTLEMENTDATE = end, UTC+10, month of the file). */
function csvRrp(file: string, startMs: number): number {
  const lines = fs.readFileSync(path.join(pricingDataDir(), file), 'utf8').split(/\r?\n/);
  const [year, month] = lines[1].split(',')[1].split('/').map(Number);
  const nem = new Date(startMs + 10 * 60 * MIN);
  const end = new Date(Date.UTC(year, month - 1, nem.getUTCDate(), nem.getUTCHours(), nem.getUTCMinutes() + 5));
  const p2 = (n: number) => String(n).padStart(2, '0');
  const wanted = `${end.getUTCFullYear()}/${p2(end.getUTCMonth() + 1)}/${p2(end.getUTCDate())} ${p2(end.getUTCHours())}:${p2(end.getUTCMinutes())}:00`;
  const line = lines.find((l) => l.includes(`,${wanted},`));
  if (!line) throw new Error(`no row ${wanted}`);
  return Number(line.split(',')[3]);
}

const general = (list: AmberInterval[]) => list.filter((i) => i.channelType === 'general');
const feedIn = (list: AmberInterval[]) => list.filter((i) => i.channelType === 'feedIn');

describe('simulated Amber feed', () => {
  let sim: RedbackSimulator;
  before(async () => {
    sim = await startAt(AT);
  });
  afterEach(() => sim.faults.clear());
  after(() => sim.stop());

  describe('format', () => {
    it('answers intervals with every field of the swagger Interval schema, typed as the real answer types them', async () => {
      const res = await prices(sim);
      should(res.status).equal(200);
      should(res.headers.get('content-type')).match(/application\/json/);
      const real = JSON.parse(fs.readFileSync(path.join(pricingDataDir(), 'ode_sitePrices_2024-09-04.json'), 'utf8')) as Record<string, unknown>[];
      const list = res.body as AmberInterval[];
      should(list.length).be.above(100);
      for (const it of list) {
        for (const field of ['type', 'duration', 'spotPerKwh', 'perKwh', 'date', 'nemTime', 'startTime', 'endTime', 'renewables', 'channelType', 'spikeStatus', 'descriptor']) {
          should(it).have.property(field);
          should(typeof (it as unknown as Record<string, unknown>)[field]).equal(typeof real[0][field], field);
        }
        should(['ActualInterval', 'CurrentInterval', 'ForecastInterval']).containEql(it.type);
        should(['none', 'potential', 'spike']).containEql(it.spikeStatus);
        should(['extremelyLow', 'veryLow', 'low', 'neutral', 'high', 'spike']).containEql(it.descriptor);
        should(it.startTime).match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:01Z$/);
        should(it.endTime).match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
        should(Date.parse(it.endTime) - Date.parse(it.startTime)).equal(it.duration * MIN - 1000);
        // nemTime is the end in UTC+10; date is the NEM date the interval starts on.
        should(Date.parse(it.nemTime)).equal(Date.parse(it.endTime));
        should(it.nemTime).match(/\+10:00$/);
        should(it.date).equal(new Date(Date.parse(it.startTime) + 10 * 60 * MIN).toISOString().slice(0, 10));
        should(it.renewables).be.within(0, 100);
        if (it.advancedPrice) should(Object.keys(it.advancedPrice)).eql(['low', 'predicted', 'high']);
        should(it.estimate === undefined).equal(it.type !== 'CurrentInterval');
        should(it.tariffInformation !== undefined).equal(it.channelType === 'general');
      }
    });

    it('pairs the channels: general first, then feed-in, interval for interval', async () => {
      const list = (await prices(sim)).body as AmberInterval[];
      const g = general(list);
      const f = feedIn(list);
      should(list.slice(0, g.length).every((i) => i.channelType === 'general')).be.true();
      should(f.length).equal(g.length);
      g.forEach((gi, k) => {
        should([f[k].type, f[k].startTime, f[k].endTime, f[k].duration, f[k].spotPerKwh, f[k].spikeStatus]).eql(
          [gi.type, gi.startTime, gi.endTime, gi.duration, gi.spotPerKwh, gi.spikeStatus]);
      });
    });

    it('has one CurrentInterval per channel, containing now, with advancedPrice', async () => {
      const list = (await prices(sim)).body as AmberInterval[];
      for (const channel of [general(list), feedIn(list)]) {
        const current = channel.filter((i) => i.type === 'CurrentInterval');
        should(current).have.length(1);
        should(Date.parse(current[0].startTime) - 1000).be.belowOrEqual(AT);
        should(Date.parse(current[0].endTime)).be.above(AT);
        should(current[0].advancedPrice).be.an.Object();
      }
    });

    it('serves GET /v1/sites with both channels', async () => {
      const res = await request(`${sim.url}/v1/sites`, { headers: { Authorization: `Bearer ${DEFAULT_AMBER_KEY}` } });
      should(res.status).equal(200);
      should(res.body).have.length(2);
      should(res.body[0]).have.properties({ id: NSW.id, nmi: NSW.nmi, network: 'Ausgrid', status: 'active' });
      should(res.body[0].channels.map((c: { type: string }) => c.type)).eql(['general', 'feedIn']);
      should(res.headers.get('ratelimit-limit')).equal('50');
    });
  });

  describe('intervals', () => {
    it('gives 5-minute actual, current and near-term intervals, then 30-minute ones on the half hour, back to back', async () => {
      const g = general((await prices(sim)).body);
      should(g.filter((i) => i.type === 'ActualInterval')).have.length(12);
      should(g.filter((i) => i.type !== 'ForecastInterval').every((i) => i.duration === 5)).be.true();
      const forecasts = g.filter((i) => i.type === 'ForecastInterval');
      const firstLong = forecasts.findIndex((i) => i.duration === 30);
      should(firstLong).be.above(11); // at least an hour of 5-minute forecasts
      should(forecasts.slice(0, firstLong).every((i) => i.duration === 5)).be.true();
      should(forecasts.slice(firstLong).every((i) => i.duration === 30 && (Date.parse(i.endTime) % (30 * MIN)) === 0)).be.true();
      for (let k = 1; k < g.length; k++) should(Date.parse(g[k].startTime) - 1000).equal(Date.parse(g[k - 1].endTime));
    });

    it('with next=288 covers at least 24 h and stops at the end of the next NEM day', async () => {
      const g = general((await prices(sim)).body);
      const last = Date.parse(g[g.length - 1].endTime);
      should(last - AT).be.aboveOrEqual(24 * 60 * MIN);
      should(g[g.length - 1].nemTime).equal('2026-01-17T00:00:00+10:00');
    });

    it('counts next and previous in intervals, and gives only the current interval without them', async () => {
      const g = general((await prices(sim, 'next=3&previous=2')).body);
      should(g.map((i) => i.type)).eql(['ActualInterval', 'ActualInterval', 'CurrentInterval', 'ForecastInterval', 'ForecastInterval', 'ForecastInterval']);
      should(general((await prices(sim, '')).body).map((i) => i.type)).eql(['CurrentInterval']);
      should((await prices(sim, 'next=-1')).status).equal(400);
      should((await prices(sim, 'next=abc')).status).equal(400);
    });
  });

  describe('prices', () => {
    it('prices actual and current intervals from the AEMO month, mapped by NEM day of month and time of day', async () => {
      const g = general((await prices(sim)).body);
      for (const it of g.filter((i) => i.type !== 'ForecastInterval')) {
        const rrp = csvRrp('PRICE_AND_DEMAND_202401_NSW1.csv', Date.parse(it.startTime) - 1000);
        const spot = (rrp / 10) * 1.1;
        should(it.spotPerKwh).be.approximately(spot, 1e-4);
        should(it.perKwh).be.approximately(1.0457 * spot + 7.2, 1e-4);
      }
    });

    it('applies the fitted feed-in tariff, with the 16:00-21:00 term (Amber sign: negative = earns)', async () => {
      const list = (await prices(sim)).body as AmberInterval[];
      for (const it of feedIn(list).filter((i) => i.type !== 'ForecastInterval')) {
        const startHour = new Date(Date.parse(it.startTime) + 10 * 60 * MIN).getUTCHours();
        const evening = startHour >= 16 && startHour < 21;
        should(it.perKwh).be.approximately(-1.0139 * it.spotPerKwh + 0.462 - (evening ? 2.461 : 0), 1e-3);
      }
    });

    it('reads the other region from its own month', async () => {
      const g = general((await prices(sim, 'next=0', DEFAULT_AMBER_KEY, VIC.id)).body);
      const rrp = csvRrp('PRICE_AND_DEMAND_202501_VIC1.csv', Date.parse(g[0].startTime) - 1000);
      should(g[0].spotPerKwh).be.approximately((rrp / 10) * 1.1, 1e-4);
    });

    it('keeps near-term forecasts true and makes far ones noisy', () => {
      const month = loadAemoMonth('NSW1');
      const g = general(priceIntervals(month, NSW, DEFAULT_FORECAST_MODEL, AT, 288, 0));
      const near = g.filter((i) => i.type === 'ForecastInterval' && i.duration === 5);
      for (const it of near) should(it.spotPerKwh).be.approximately((month.rrpAt(Date.parse(it.startTime) - 1000) / 10) * 1.1, 1e-4);
      const far = g.filter((i) => i.duration === 30);
      const errors = far.map((it) => {
        const start = Date.parse(it.startTime) - 1000;
        const mean = [0, 1, 2, 3, 4, 5].reduce((s, k) => s + month.rrpAt(start + k * 5 * MIN), 0) / 6;
        return Math.abs(it.spotPerKwh - (mean / 10) * 1.1);
      });
      should(errors.filter((e) => e > 0.05).length).be.above(far.length / 2);
      should(far.some((i) => i.advancedPrice !== undefined)).be.true();
      should(far.some((i) => i.advancedPrice === undefined && i.range !== undefined)).be.true();
    });

    it('over a month misses some spikes and foresees others', () => {
      const month = loadAemoMonth('NSW1');
      let foreseen = 0;
      let missed = 0;
      // Forecasts issued every 6 h through January: does a far interval with a true spike look like one?
      for (let issueAt = Date.parse('2026-01-01T00:00:00Z'); issueAt < Date.parse('2026-01-31T00:00:00Z'); issueAt += 6 * 60 * MIN) {
        for (const far of general(priceIntervals(month, NSW, DEFAULT_FORECAST_MODEL, issueAt, 288, 0)).filter((i) => i.duration === 30)) {
          const t = Date.parse(far.startTime) - 1000;
          if (![0, 1, 2, 3, 4, 5].some((k) => month.rrpAt(t + k * 5 * MIN) >= 300)) continue;
          if (far.spikeStatus === 'potential' || far.spotPerKwh >= 20) foreseen++;
          else missed++;
        }
      }
      should(foreseen).be.above(0);
      should(missed).be.above(0);
    });
  });

  describe('estimate', () => {
    it('marks the current price an estimate for its first minutes only, then gives the final price', async () => {
      const start = Date.parse('2026-01-15T06:30:00Z');
      const early = await startAt(start + 5_000);
      const late = await startAt(start + 181_000);
      try {
        const e = general((await prices(early, 'next=0')).body)[0];
        const l = general((await prices(late, 'next=0')).body)[0];
        should(e.estimate).be.true();
        should(l.estimate).be.false();
        should(l.spotPerKwh).be.approximately((csvRrp('PRICE_AND_DEMAND_202401_NSW1.csv', start) / 10) * 1.1, 1e-4);
        should(e.startTime).equal(l.startTime);
      } finally {
        await early.stop();
        await late.stop();
      }
    });
  });

  describe('determinism', () => {
    it('gives the same answer for the same clock and seed, other far forecasts for another seed', async () => {
      const twin = await startAt(AT);
      const other = await startAt(AT, { amber: { seed: 'another' } });
      try {
        const a = (await prices(sim)).body as AmberInterval[];
        should((await prices(twin)).body).eql(a);
        const b = (await prices(other)).body as AmberInterval[];
        const near = (list: AmberInterval[]) => general(list).filter((i) => i.duration === 5).map((i) => i.perKwh);
        should(near(b)).eql(near(a));
        const far = (list: AmberInterval[]) => general(list).filter((i) => i.duration === 30).map((i) => i.perKwh);
        should(far(b)).not.eql(far(a));
      } finally {
        await twin.stop();
        await other.stop();
      }
    });
  });

  describe('key', () => {
    it('answers 401 without a key or with a wrong one', async () => {
      should((await prices(sim, 'next=1', null)).status).equal(401);
      should((await prices(sim, 'next=1', 'psk_wrong')).status).equal(401);
      should((await request(`${sim.url}/v1/sites`)).status).equal(401);
      should((await request(`${sim.url}/v1/sites`, { headers: { Authorization: DEFAULT_AMBER_KEY } })).status).equal(401);
    });

    it('accepts the key it was given, and 404s an unknown site', async () => {
      const own = await startAt(AT, { amber: { apiKey: 'psk_mine' } });
      try {
        should((await prices(own, 'next=1', 'psk_mine')).status).equal(200);
        should((await prices(own, 'next=1')).status).equal(401);
        should((await prices(own, 'next=1', 'psk_mine', '01HNOSUCHSITE0000000000000')).status).equal(404);
      } finally {
        await own.stop();
      }
    });
  });

  describe('faults', () => {
    it('answers 429 with RateLimit-Reset', async () => {
      sim.faults.add({ kind: 'rateLimit', surface: 'amber', retryAfterSeconds: 42, times: 1 });
      const res = await prices(sim);
      should(res.status).equal(429);
      should(res.headers.get('ratelimit-reset')).equal('42');
      should(res.headers.get('ratelimit-remaining')).equal('0');
      should((await prices(sim)).status).equal(200);
    });

    it('answers 5xx, malformed JSON and HTML', async () => {
      sim.faults.add({ kind: 'status', surface: 'amber', status: 503, times: 1 });
      should((await prices(sim)).status).equal(503);
      sim.faults.add({ kind: 'malformedJson', surface: 'amber', times: 1 });
      const broken = await prices(sim);
      should([broken.status, broken.body]).eql([200, undefined]);
      sim.faults.add({ kind: 'html', surface: 'amber', times: 1 });
      should((await prices(sim)).text).match(/<html/);
    });

    it('drops the connection and delays, as on the Redback surfaces', async () => {
      sim.faults.add({ kind: 'disconnect', surface: 'amber', times: 1 });
      await should(prices(sim)).be.rejected();
      sim.faults.add({ kind: 'slow', surface: 'amber', delayMs: 200, times: 1 });
      const started = Date.now();
      should((await prices(sim)).status).equal(200);
      should(Date.now() - started).be.aboveOrEqual(190);
    });

    it('serves stale prices: the answer as it was staleMinutes ago', async () => {
      sim.faults.add({ kind: 'stale', surface: 'amber', staleMinutes: 15, times: 1 });
      const current = general((await prices(sim, 'next=0')).body)[0];
      should(Date.parse(current.endTime)).be.belowOrEqual(AT - 10 * MIN);
      should(current.type).equal('CurrentInterval');
      const fresh = general((await prices(sim, 'next=0')).body)[0];
      should(Date.parse(fresh.endTime)).be.above(AT);
    });

    it('keeps Redback-surface faults off the Amber feed, and takes Amber faults from the admin route', async () => {
      sim.faults.add({ kind: 'status', surface: 'api', status: 500 });
      should((await prices(sim)).status).equal(200);
      sim.faults.clear();
      const added = await request(`${sim.url}/__sim/faults`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'status', surface: 'amber', status: 502, times: 1 }),
      });
      should(added.status).equal(200);
      should((await prices(sim)).status).equal(502);
      should(sim.requestCount({ surface: 'amber' })).be.above(0);
    });
  });

  describe('data', () => {
    it('reads data/pricing from the package root (as installed, the files list carries it)', () => {
      const root = path.resolve(__dirname, '..', '..', '..');
      should(pricingDataDir()).equal(path.join(root, 'data', 'pricing'));
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { files: string[] };
      should(pkg.files.some((f) => f === 'data' || f.startsWith('data/pricing'))).be.true();
    });

    it('takes the key from redback-sim --amber-key', () => {
      should(parseArgs(['--amber-key', 'psk_cli']).amber).eql({ apiKey: 'psk_cli' });
    });

    it('refuses a month with a missing interval', () => {
      const text = 'REGION,SETTLEMENTDATE,TOTALDEMAND,RRP,PERIODTYPE\nNSW1,2024/01/01 00:05:00,1,50,TRADE\n';
      should(() => parseAemoCsv('NSW1', text, 'short.csv')).throw(/short.csv: no price for day 1 slot 1/);
    });
  });
});
