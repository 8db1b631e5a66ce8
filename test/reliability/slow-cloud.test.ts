/**
 * A slow cloud (issue 13): real clients wait 20 s to 300 s, so a 12 s answer must succeed with the
 * account's default `timeoutS` (30 s; the old 10 s timeout gave up). It waits 12 s of real time,
 * so it lives in this tier, not in the fast unit tier.
 */
import should from 'should';
import { RedbackAccount } from '../../src/account/account';
import { accountSettings } from '../../src/account/settings';
import type { RedbackSimulator } from '../../src/sim';
import { simCredentials } from '../helpers/account';
import { startSim } from '../helpers/sim';

const ST = 'RB21081800001734';

describe('a slow cloud with the default timeoutS', () => {
  let sim: RedbackSimulator | null = null;
  const accounts: RedbackAccount[] = [];

  function account(): RedbackAccount {
    const a = new RedbackAccount({
      settings: accountSettings({ apiUrl: sim!.url, portalUrl: sim!.url }),
      credentials: simCredentials(),
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

    it('waits for a 12 s answer with the default setting (the old 10 s timeout gave up)', async function () {
      this.timeout(40_000);
      sim = await startSim();
      sim.faults.add({ kind: 'slow', surface: 'api', path: '/Dynamic/BySerialNumber/', delayMs: 12_000, times: 1 });
      const started = Date.now();
      const data = await account().dynamic(ST);
      should(Date.now() - started).be.aboveOrEqual(12_000);
      should(data.Inverters?.[0]?.SerialNumber).equal(ST);
    });

});
