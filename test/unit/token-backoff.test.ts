/**
 * A refused client secret is not asked again on every poll (issue 13): after the token endpoint
 * refuses the credentials, the next try comes after 1 minute, doubling to 1 hour; new
 * credentials (a new manager, as after a redeploy) ask at once. Date is sinon's fake clock; the
 * HTTP to the simulator is real.
 */
import should from 'should';
import sinon from 'sinon';
import { TokenManager } from '../../src/api/token-manager';
import { Redactor } from '../../src/http/redactor';
import { Transport } from '../../src/http/transport';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';
import { rejection } from '../helpers/errors';
import { startSim } from '../helpers/sim';

const MINUTE = 60_000;
const TOKEN = { surface: 'token' } as const;

describe('token manager: backoff after refused credentials', () => {
  let sim: RedbackSimulator;
  let transport: Transport;
  let clock: sinon.SinonFakeTimers;

  before(async () => {
    sim = await startSim();
  });
  after(() => sim.stop());
  beforeEach(() => {
    sim.clearRequests();
    clock = sinon.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-01-15T02:00:00Z') });
    transport = new Transport({ redactor: new Redactor(), baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 });
  });
  afterEach(() => {
    transport.close();
    clock.restore();
  });

  function manager(clientSecret: string): TokenManager {
    return new TokenManager({ tokenUrl: `${sim.url}/Api/v2/Auth/token`, scope: '', clientId: DEFAULT_CREDENTIALS.clientId, clientSecret }, transport);
  }

  it('asks again only after 1, 2, 4 … minutes, capped at an hour, and says when', async () => {
    const tokens = manager('wrong-secret-Backoff-1');
    const first = await rejection(tokens.authorization());
    should(first.kind).equal('credentials');
    should(first.nextTryAtMs).equal(Date.now() + MINUTE);
    should(first.message).match(/next try at 2026-01-15T02:01:00Z/);
    should(first.message).not.containEql('wrong-secret-Backoff-1');
    should(sim.requestCount(TOKEN)).equal(1);

    // Every poll in between gets the refusal without a request.
    for (let i = 0; i < 5; i++) {
      const err = await rejection(tokens.authorization());
      should(err.kind).equal('credentials');
      should(err.nextTryAtMs).equal(first.nextTryAtMs);
    }
    clock.tick(MINUTE - 1000);
    await rejection(tokens.authorization());
    should(sim.requestCount(TOKEN)).equal(1);

    const gaps: number[] = [];
    let last = first.nextTryAtMs!;
    for (let i = 0; i < 8; i++) {
      clock.setSystemTime(last);
      const err = await rejection(tokens.authorization());
      gaps.push(err.nextTryAtMs! - Date.now());
      last = err.nextTryAtMs!;
    }
    should(gaps.map((ms) => ms / MINUTE)).eql([2, 4, 8, 16, 32, 60, 60, 60]);
    should(sim.requestCount(TOKEN)).equal(9);
  });

  it('asks at once with new credentials (a new manager, as after a redeploy), and a good answer clears the backoff', async () => {
    await rejection(manager('wrong-secret-Backoff-2').authorization());
    should(sim.requestCount(TOKEN)).equal(1);
    const fixed = manager(DEFAULT_CREDENTIALS.clientSecret);
    should(await fixed.authorization()).match(/^Bearer /);
    should(fixed.nextTryAtMs).be.null();
    
    should(sim.requestCount(TOKEN)).equal(2);
  });

  it('does not hold back after errors that are not a refusal (a 503 is asked again at the next call)', async () => {
    const fault = sim.faults.add({ kind: 'status', status: 503, surface: 'token' });
    const tokens = manager(DEFAULT_CREDENTIALS.clientSecret);
    should((await rejection(tokens.authorization())).kind).equal('transient');
    sim.faults.remove(fault);
    should(await tokens.authorization()).match(/^Bearer /);
    should(tokens.nextTryAtMs).be.null();
    
  });
});
