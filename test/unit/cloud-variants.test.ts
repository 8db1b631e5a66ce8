/**
 * Answers of the real cloud the simulator did not produce before (issue 13): a slow answer (the
 * account's `timeoutS`, default 30 s, covers every request) and the specification's v2 Multiple
 * path, with its fallback to per-serial reads when the cloud answers 404.
 */
import should from 'should';
import { RedbackAccount } from '../../src/account/account';
import { accountSettings, DEFAULT_TIMEOUT_S, timeoutSeconds } from '../../src/account/settings';
import { MULTIPLE_DYNAMIC_PATH } from '../../src/api/api-client';
import { defaultAccount, FLEET_CREDENTIALS, fleetAccount, type RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { rejection } from '../helpers/errors';
import { startSim } from '../helpers/sim';

const ST = 'RB21081800001734';

describe('cloud variants: slow answers and the Multiple path', () => {
  let sim: RedbackSimulator | null = null;
  const accounts: RedbackAccount[] = [];

  /** An account with the settings a user would have: no transport overrides, so timeoutS applies. */
  function account(timeoutS?: number, credentials = simCredentials()): RedbackAccount {
    const a = new RedbackAccount({
      settings: accountSettings({ apiUrl: sim!.url, portalUrl: sim!.url, timeoutS }),
      credentials,
      transport: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 0 },
    });
    accounts.push(a);
    return a;
  }

  afterEach(async () => {
    for (const a of accounts.splice(0)) a.close();
    await sim?.stop();
    sim = null;
  });

  describe('timeoutS', () => {
    it('defaults to 30 s and accepts whole seconds from 1 to 300 only', () => {
      should(DEFAULT_TIMEOUT_S).equal(30);
      should(accountSettings({}).timeoutS).equal(30);
      should(accountSettings({ timeoutS: '45' }).timeoutS).equal(45);
      for (const bad of ['', '0', '-5', '1.5', 'abc', '301', undefined]) should(timeoutSeconds(bad)).equal(30);
    });

    it('gives up after timeoutS seconds, for the token and the data alike', async () => {
      sim = await startSim({ answerDelayMs: 1500 });
      const started = Date.now();
      const err = await rejection(account(1).dynamic(ST));
      should(err.kind).equal('timeout');
      should(err.message).match(/POST \/Api\/v2\/Auth\/token failed: no answer within 1 s/);
      should(Date.now() - started).be.below(1400);
    });
  });

  describe('more than ten inverters', () => {
    const FLEET = 12;
    function fleetAccountFor(): RedbackAccount {
      return account(undefined, { clientId: FLEET_CREDENTIALS.clientId, clientSecret: FLEET_CREDENTIALS.clientSecret });
    }
    const serials = (): string[] => fleetAccount(FLEET).sites.flatMap((s) => s.inverters.map((i) => i.serial));

    it('reads them through the specification\'s v2 Multiple path', async () => {
      sim = await startSim({ accounts: [defaultAccount(), fleetAccount(FLEET)] });
      const data = await fleetAccountFor().api.dynamicMultiple(serials());
      should(data).have.length(FLEET);
      should(sim.requestCount({ method: 'POST', path: MULTIPLE_DYNAMIC_PATH })).equal(1);
      should(MULTIPLE_DYNAMIC_PATH).equal('/Api/v2/EnergyData/Multiple/BySerialNumber/Dynamic');
      should(sim.requestCount({ path: '/Api/v2.21/EnergyData/Multiple' })).equal(0);
    });

    it('falls back to per-serial reads when the path answers 404, and remembers that for the account', async () => {
      sim = await startSim({ accounts: [defaultAccount(), fleetAccount(FLEET)], missingMultipleV2: true });
      const a = fleetAccountFor();
      const first = await a.api.dynamicMultiple(serials());
      should(first.map((d) => d.Inverters?.[0]?.SerialNumber)).eql(serials());
      should(a.api.multipleDynamicAvailable).be.false();
      const second = await a.api.dynamicMultiple(serials());
      should(second).have.length(FLEET);
      should(sim.requestCount({ method: 'POST', path: '/Multiple/' })).equal(1);
      should(sim.requestCount({ method: 'GET', path: '/Dynamic/BySerialNumber/' })).equal(2 * FLEET);
    });

    it('does not fall back on other errors (a 400 is reported)', async () => {
      sim = await startSim({ accounts: [defaultAccount(), fleetAccount(FLEET)] });
      sim.faults.add({ kind: 'status', status: 400, path: '/Multiple/', times: 1 });
      const a = fleetAccountFor();
      should((await rejection(a.api.dynamicMultiple(serials()))).status).equal(400);
      should(a.api.multipleDynamicAvailable).be.true();
    });
  });
});
