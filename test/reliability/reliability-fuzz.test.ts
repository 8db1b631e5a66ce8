/**
 * Issue 8, fuzzing the control node: thousands of generated payloads (wrong types, negative,
 * huge, NaN and Infinity numbers, extra fields, `__proto__` and `constructor` keys, long strings,
 * nested junk) sent to a real `redback-control` node, one at a time. Every invalid payload must
 * fail with a CommandError through done(err) and send nothing upstream; every valid one must send
 * exactly the request the test computes for it on its own, and nothing else.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import type { RedbackSimulator } from '../../src/sim';
import { loadControlFlow, recordRequests, releaseSharedAccount, sharedAccount, waitUntil, type ControlFlow, type Msg } from '../helpers/control-flow';
import { DEFAULT_DURATION, LIMIT_W, fuzzCases, type FuzzCase, type Intent } from '../helpers/fuzz-payloads';
import { watchProcess } from '../helpers/process-watch';
import { FIXED_START, startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';
const ST_SITE = 'S4b1e7c20d93a5';
const SI = 'RB23110200007785';
const T0 = Date.parse(FIXED_START);
const SEED = 0x5eed8;
const CASES = 3000;
const CREATE_SCHEDULE = '/Api/v2/Schedule/Create/By/SerialNumber';
const CREATE_ENVELOPE = '/Api/v2/OperatingEnvelope/Create/By/Site';
const MODES: Record<string, string> = { charge: 'ChargeBattery', discharge: 'DischargeBattery', import: 'ImportPower', export: 'ExportPower', conserve: 'Conserve' };

interface Request { method: string; path: string; body: unknown }
type Created = { kind: 'schedule' | 'envelope'; id: string } | null;

const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** A .NET TimeSpan: hh:mm:ss below a day, 1.00:00:00 for 1440 minutes. */
const timeSpan = (minutes: number): string =>
  minutes === 1440 ? '1.00:00:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

/** What the node must send for a valid command, given what it created before. */
function expectedRequests(intent: Intent, previous: Created): Request[] {
  const list: Request[] = [];
  // auto first looks for what the package's other nodes left (none here: the node's own is deleted once).
  if (intent.command === 'auto') {
    list.push({ method: 'GET', path: `/Api/v2/Schedule/By/SerialNumber/${ST}`, body: undefined });
    list.push({ method: 'GET', path: `/Api/v2/OperatingEnvelope/By/Site/${ST_SITE}`, body: undefined });
  } else if (previous?.kind === 'schedule') {
    // What the node created before is deleted only when the cloud still lists it (issue 14).
    list.push({ method: 'GET', path: `/Api/v2/Schedule/By/SerialNumber/${ST}`, body: undefined });
  } else if (previous?.kind === 'envelope') {
    list.push({ method: 'GET', path: `/Api/v2/OperatingEnvelope/By/Site/${ST_SITE}`, body: undefined });
  }
  if (previous?.kind === 'schedule') list.push({ method: 'DELETE', path: `/Api/v2/Schedule/By/SerialNumber/${ST}/${previous.id}`, body: undefined });
  if (previous?.kind === 'envelope') list.push({ method: 'DELETE', path: `/Api/v2/OperatingEnvelope/By/EventId/${previous.id}`, body: undefined });
  const endMs = intent.startAtMs + intent.durationMinutes * 60_000;
  if (intent.command === 'curtail') {
    list.push({
      method: 'POST', path: CREATE_ENVELOPE, body: {
        EventId: '(checked apart)', MaxImportPowerW: LIMIT_W, MaxExportPowerW: intent.exportLimitW, MaxDischargePowerW: LIMIT_W,
        MaxChargePowerW: LIMIT_W, MaxGenerationPowerVA: 10_000, StartAtUtc: isoSeconds(intent.startAtMs), EndAtUtc: isoSeconds(endMs), SiteId: ST_SITE,
      },
    });
  } else if (intent.command !== 'auto') {
    list.push({
      method: 'POST', path: CREATE_SCHEDULE, body: {
        SerialNumber: ST, UserNotes: 'node-red-redback', StartTimeUtc: isoSeconds(intent.startAtMs), Duration: timeSpan(intent.durationMinutes),
        DesiredMode: { InverterMode: MODES[intent.command], ArgumentInWatts: intent.powerW ?? 0 },
      },
    });
  }
  return list;
}

describe('reliability: fuzzing the control node', function () {
  this.timeout(120_000);
  let sim: RedbackSimulator;
  let clock: sinon.SinonFakeTimers;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    sim = await startSim();
    // Date stays at the simulator's instant, so "now" is the same for every case; no timer fires.
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldAdvanceTime: false });
  });
  afterEach(async () => {
    releaseSharedAccount();
    await helper.unload();
    clock.restore();
    await sim.stop();
  });

  it(`${CASES} generated payloads: invalid ones send nothing, valid ones send exactly their request`, async () => {
    const watch = watchProcess();
    const requests = recordRequests();
    try {
      const flow = await loadControlFlow(sim, { serial: ST, durationMinutes: DEFAULT_DURATION });
      // The token, sites and static data, as earlier commands would have left them cached.
      const account = sharedAccount();
      await account.sites();
      await account.staticData(ST);
      await account.staticData(SI);
      const tally = await runCases(flow, requests.list, fuzzCases(SEED, CASES, { nowMs: T0, serial: ST, batterylessSerial: SI }));
      should(tally.valid + tally.invalid).equal(CASES);
      should(tally.valid).be.above(CASES / 4);
      should(tally.invalid).be.above(CASES / 2);
      should(Object.keys(tally.byLabel).length).equal(10); // every kind of breakage was tried
      should(({} as Record<string, unknown>).polluted).be.undefined();
      should(Object.prototype).not.have.property('polluted');
      should(watch.rejections.map(String)).eql([]);
      should(watch.exceptions.map(String)).eql([]);
      console.log(`      fuzz: ${tally.valid} valid and ${tally.invalid} invalid payloads (seed ${SEED}): ${JSON.stringify(tally.byLabel)}`); // eslint-disable-line no-console
    } finally {
      requests.restore();
      watch.stop();
    }
  });

  async function runCases(flow: ControlFlow, sent: { method: string; path: string; body: unknown; ended: number | null }[], cases: FuzzCase[]) {
    const results = (): Msg[] => flow.out.filter((m) => m.topic !== 'readback');
    const tally = { valid: 0, invalid: 0, byLabel: {} as Record<string, number> };
    let previous: Created = null;
    for (const [i, c] of cases.entries()) {
      tally.byLabel[c.label] = (tally.byLabel[c.label] ?? 0) + 1;
      const [outBefore, caughtBefore, sentBefore, simBefore] = [results().length, flow.caught.length, sent.length, sim.requests.length];
      const what = (): string => `case ${i} (${c.label}): ${shown(c.payload)}`;
      flow.send(c.payload);
      await waitUntil(() => results().length > outBefore || flow.caught.length > caughtBefore, what);
      if (c.intent === null) {
        tally.invalid++;
        should(flow.caught.length).equal(caughtBefore + 1, what());
        const message = flow.caught[caughtBefore].error.message;
        should(message).startWith('CommandError: ', what());
        should(message.length).be.below(400, what()); // a long input is never echoed whole
        should(results().length).equal(outBefore, what());
        // BatteryCount 0 is not believed alone: the inverter's reading is looked at too (issue 13), and nothing else.
        const looked = / reports no battery /.test(message) ? [`GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/${SI}`] : [];
        should(sent.slice(sentBefore).map((r) => `${r.method} ${r.path}`)).eql(looked, `${what()} sent ${JSON.stringify(sent.slice(sentBefore).map((r) => r.path))}`);
        should(sim.requests.length).equal(simBefore + looked.length, what());
        continue;
      }
      tally.valid++;
      should(flow.caught.length).equal(caughtBefore, `${what()} failed: ${flow.caught[caughtBefore]?.error.message}`);
      await waitUntil(() => sent.every((r) => r.ended !== null), 'the requests under way');
      const result = results()[outBefore].payload;
      const actual = sent.slice(sentBefore).map(({ method, path, body }) => ({ method, path, body: withoutEventId(body) }));
      should(readsInPathOrder(actual)).eql(readsInPathOrder(expectedRequests(c.intent, previous)), what());
      should(sim.requests.length - simBefore).equal(actual.length, what());
      checkResult(result, c.intent, what);
      previous = result.scheduleId ? { kind: 'schedule', id: result.scheduleId } : result.eventId ? { kind: 'envelope', id: result.eventId } : null;
    }
    return tally;
  }

  function checkResult(result: Record<string, unknown>, intent: Intent, what: () => string): void {
    should(result).have.properties({
      ok: true, command: intent.command, serial: ST, siteId: ST_SITE, startAt: isoSeconds(intent.startAtMs),
      endAt: intent.command === 'auto' ? null : isoSeconds(intent.startAtMs + intent.durationMinutes * 60_000),
    });
    if (intent.command === 'curtail') {
      should(result.eventId).match(/^node-red-redback-ctl-[A-Za-z0-9]{6}$/, what());
      should(result.exportLimitW).equal(intent.exportLimitW);
    } else if (intent.command !== 'auto') {
      should(result.scheduleId).be.a.String();
      should(result.powerW).equal(intent.powerW, what());
    }
  }
});

/** The reads a command makes first run side by side, so their order is not fixed: compare them by path. */
function readsInPathOrder(requests: Request[]): Request[] {
  const reads = requests.filter((r) => r.method === 'GET').sort((a, b) => a.path.localeCompare(b.path));
  return [...reads, ...requests.filter((r) => r.method !== 'GET')];
}

/** The EventId is random: checked on the result, left out of the body comparison. */
function withoutEventId(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('EventId' in body)) return body;
  should((body as { EventId: unknown }).EventId).match(/^node-red-redback-ctl-[A-Za-z0-9]{6}$/);
  return { ...body, EventId: '(checked apart)' };
}

function shown(payload: unknown): string {
  try {
    const text = JSON.stringify(payload) ?? String(payload);
    return text.length > 120 ? `${text.slice(0, 120)}…` : text;
  } catch {
    return String(payload);
  }
}
