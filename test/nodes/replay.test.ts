/**
 * `redback-sim --replay` (issue 13 §3): the read node against the first fixture (the published
 * three-phase ST10000), and the diagnostics round trip: a file downloaded from a Node-RED runtime
 * after reads, replayed by the simulator, gives the read node the same messages as the original
 * (with the pseudonyms in place of the site ids and serials, the same throughout).
 */
import fs from 'fs';
import path from 'path';
import should from 'should';
import helper from 'node-red-node-test-helper';
import { Replay, RedbackSimulator } from '../../src/sim';
import { loadReplay } from '../../src/sim/cli';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { IDS, loadReadFlow, type ReadFlow } from '../helpers/read-flow';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

/** The repository's fixture (the tests run from dist/test/nodes). */
const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'replay', 'st10000-three-phase.json');

type Captured = { topic: unknown; payload: unknown }[];

describe('simulator replay of diagnostics', () => {
  const sims: RedbackSimulator[] = [];
  const started = async (options: ConstructorParameters<typeof RedbackSimulator>[0] = {}): Promise<RedbackSimulator> => {
    const sim = await startSim(options);
    sims.push(sim);
    return sim;
  };

  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
    for (const sim of sims.splice(0)) await sim.stop();
  });

  /** Polls once and returns every output message (topic and payload), in order. */
  async function readOnce(flow: ReadFlow, sites: number): Promise<{ site: Captured; inverter: Captured; battery: Captured }> {
    flow.poll();
    await flow.sites(sites);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const pick = (list: { topic?: unknown; payload: unknown }[]): Captured => list.map((m) => ({ topic: m.topic, payload: m.payload }));
    should(flow.caught).be.empty();
    return { site: pick(flow.site), inverter: pick(flow.inverter), battery: pick(flow.battery) };
  }

  it('the read node reads the published ST10000 recording', async () => {
    const sim = await started({ replay: loadReplay(FIXTURE) });
    should(sim.cloud.accounts[0].sites.map((s) => [s.siteId, s.inverters.map((i) => i.serial)])).eql([['SITE-P0001', ['RB-P0001']]]);
    const flow = await loadReadFlow(sim);
    const { site, inverter, battery } = await readOnce(flow, 1);
    should(site[0].topic).equal('redback/SITE-P0001/site');
    should(site[0].payload).match({
      siteId: 'SITE-P0001',
      timestamp: '2024-12-10T22:47:40Z',
      status: 'OK',
      pvPowerW: 1416,
      gridImportPowerW: 0,
      gridExportPowerW: 1099,
      batteryPowerW: 0,
      batterySocPct: 98,
      loadPowerW: 317,
      frequencyHz: 50.02,
      energy: { pvKWh: 5413.9, loadKWh: 3157.7, gridImportKWh: 175.108, gridExportKWh: 2612.829, batteryChargeKWh: 8856.1, batteryDischargeKWh: 8235.3 },
    });
    should((site[0].payload as { phases: { id: string; voltageV: number }[] }).phases.map((p) => [p.id, p.voltageV])).eql([['A', 233.1], ['B', 235.3], ['C', 236.1]]);
    should(inverter[0].payload).match({ serial: 'RB-P0001', siteId: 'SITE-P0001' });
    should(JSON.stringify(inverter[0].payload)).containEql('ST10000');
    should(battery).have.length(1);
    should(JSON.stringify(battery[0].payload)).containEql('50.09');
    // The recorded answers were served; the rest (token, configuration) came from the model.
    should(sim.requestCount({ path: '/Configuration/' })).equal(1);
  });

  it('round trip: diagnostics from a Node-RED runtime, replayed, give the read node the same messages', async () => {
    const original = await started();
    const first = await readOnce(await loadReadFlow(original), 4);
    const download = await helper.request().get(`/redback-config/${IDS.account}/diagnostics`).expect(200);
    await helper.unload();
    const file = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'redback-replay-')), 'diagnostics.json');
    fs.writeFileSync(file, download.text);

    const replay = await started({ replay: loadReplay(file), clock: { start: FIXED_START, speed: 0 } });
    const second = await readOnce(await loadReadFlow(replay), 4);

    // The pseudonyms, matched up by position, are one-to-one and used the same everywhere.
    const ids = new Map<string, string>();
    const pair = (real: unknown, pseudonym: unknown): void => {
      should(typeof real).equal('string');
      const known = ids.get(real as string);
      if (known !== undefined) should(known).equal(pseudonym);
      ids.set(real as string, pseudonym as string);
    };
    for (const kind of ['site', 'inverter', 'battery'] as const) {
      should(second[kind]).have.length(first[kind].length);
      first[kind].forEach((m, i) => {
        const a = m.payload as Record<string, unknown>;
        const b = second[kind][i].payload as Record<string, unknown>;
        pair(a.siteId, b.siteId);
        if (a.serial !== undefined) pair(a.serial, b.serial);
      });
    }
    should(new Set(ids.values()).size).equal(ids.size);
    for (const pseudonym of ids.values()) should(pseudonym).match(/^(SITE|RB)-P\d{4}$/);
    const rename = (value: unknown): string => {
      let text = JSON.stringify(value);
      for (const [real, pseudonym] of ids) text = text.split(real).join(pseudonym);
      return text;
    };
    should(JSON.parse(rename(first))).eql(second);
    should(download.text).not.containEql([...ids.keys()][0]);
  });

  it('refuses a file that is not diagnostics, and the CLI reads --replay and --variant', () => {
    should(() => Replay.fromFile({ hello: 1 })).throw(/not a Redback diagnostics file/);
    const { parseArgs } = require('../../src/sim/cli') as typeof import('../../src/sim/cli');
    const options = parseArgs(['--replay', FIXTURE, '--variant', 'no-multiple-v2', '--variant', 'set-empty-error', '--delay-ms', '12000']);
    should(options).have.properties({ replayFile: FIXTURE, missingMultipleV2: true, portalSetAnswer: 'emptyError', answerDelayMs: 12000 });
    should(() => parseArgs(['--variant', 'nope'])).throw(/unknown variant "nope"/);
  });
});
