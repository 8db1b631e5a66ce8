import should from 'should';
import http from 'http';
import type { AddressInfo } from 'net';
import { TokenManager, type TokenSettings } from '../../src/api/token-manager';
import { Redactor } from '../../src/http/redactor';
import { Transport } from '../../src/http/transport';
import { DEFAULT_CREDENTIALS, RedbackSimulator } from '../../src/sim';
import { rejection } from '../helpers/errors';
import { startSim } from '../helpers/sim';

function fastTransport(): Transport {
  return new Transport({ redactor: new Redactor(), baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 });
}


/** A token endpoint that records what it was sent. */
async function recordingServer(answer: (body: string) => { status: number; body: string }) {
  const bodies: { body: string; contentType: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push({ body, contentType: req.headers['content-type'] });
      const reply = answer(body);
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { url, bodies, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}

describe('TokenManager', () => {
  let sim: RedbackSimulator;
  let transport: Transport;
  const settingsFor = (s: RedbackSimulator, extra: Partial<TokenSettings> = {}): TokenSettings => ({
    tokenUrl: `${s.url}/Api/v2/Auth/token`, scope: '',
    clientId: DEFAULT_CREDENTIALS.clientId, clientSecret: DEFAULT_CREDENTIALS.clientSecret, ...extra,
  });

  beforeEach(async () => {
    sim = await startSim();
    transport = fastTransport();
  });
  afterEach(async () => {
    transport.close();
    await sim.stop();
  });

  it('sends Variant A (client_id and client_secret, form-encoded, no grant_type) to the Redback endpoint', async () => {
    const server = await recordingServer(() => ({ status: 200, body: '{"token_type":"Bearer","access_token":"abc123456","expires_in":3600}' }));
    try {
      const tokens = new TokenManager({ tokenUrl: server.url, scope: '', clientId: 'my id', clientSecret: 'a+b&c=d' }, transport);
      should(await tokens.authorization()).equal('Bearer abc123456');
      should(server.bodies).have.length(1);
      should(server.bodies[0].contentType).match(/^application\/x-www-form-urlencoded/);
      should(server.bodies[0].body).equal('client_id=my+id&client_secret=a%2Bb%26c%3Dd');
    } finally {
      await server.close();
    }
  });

  it('adds grant_type=client_credentials and the scope when a scope is set (Variant C)', async () => {
    const server = await recordingServer(() => ({ status: 200, body: '{"token_type":"Bearer","access_token":"abc123456","expires_in":3599}' }));
    try {
      const tokens = new TokenManager({ tokenUrl: server.url, scope: 'api://x/.default', clientId: 'id', clientSecret: 'secret' }, transport);
      await tokens.authorization();
      should(Object.fromEntries(new URLSearchParams(server.bodies[0].body))).eql({
        client_id: 'id', client_secret: 'secret', grant_type: 'client_credentials', scope: 'api://x/.default',
      });
    } finally {
      await server.close();
    }
  });

  it('caches the token and fetches it once however many callers wait', async () => {
    const tokens = new TokenManager(settingsFor(sim), transport);
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.authorization()));
    should(new Set(all).size).equal(1);
    should(all[0]).match(/^Bearer \S+$/);
    await tokens.authorization();
    should(sim.requestCount({ surface: 'token' })).equal(1);
    should(tokens.requestCount).equal(1);
  });

  it('renews five minutes before expires_in, and at half-life for short tokens', async () => {
    let now = 1_000_000;
    const tokens = new TokenManager(settingsFor(sim), transport, () => now);
    const first = await tokens.authorization();
    now += 3299_000;
    should(await tokens.authorization()).equal(first);
    now += 2_000;
    should(await tokens.authorization()).not.equal(first);
    should(sim.requestCount({ surface: 'token' })).equal(2);

    const short = await startSim({ tokenLifetimeSeconds: 60 });
    try {
      let t = 0;
      const shortTokens = new TokenManager(settingsFor(short), transport, () => t);
      const a = await shortTokens.authorization();
      t = 29_000;
      should(await shortTokens.authorization()).equal(a);
      t = 31_000;
      should(await shortTokens.authorization()).not.equal(a);
    } finally {
      await short.stop();
    }
  });

  it('accepts expires_in as a numeric string', async () => {
    const stringy = await startSim({ expiresInAsString: true, tokenLifetimeSeconds: 1200 });
    try {
      let now = 0;
      const tokens = new TokenManager(settingsFor(stringy), transport, () => now);
      const first = await tokens.authorization();
      now = 899_000;
      should(await tokens.authorization()).equal(first);
      now = 901_000;
      should(await tokens.authorization()).not.equal(first);
    } finally {
      await stringy.stop();
    }
  });

  it('forgets a token the API rejected, but not a newer one', async () => {
    const tokens = new TokenManager(settingsFor(sim), transport);
    const first = await tokens.authorization();
    tokens.invalidate('Bearer something-else');
    should(await tokens.authorization()).equal(first);
    tokens.invalidate(first);
    const second = await tokens.authorization();
    should(second).not.equal(first);
    tokens.invalidate(first);
    should(await tokens.authorization()).equal(second);
  });

  it('reports a wrong secret as a credentials error with the cloud\'s words and without the secret', async () => {
    const secret = 'Wrong-Secret-9f8e7d';
    const err = await rejection(new TokenManager(settingsFor(sim, { clientSecret: secret }), transport).authorization());
    should(err.kind).equal('credentials');
    should(err.status).equal(401);
    should(err.message).match(/^POST \/Api\/v2\/Auth\/token failed: HTTP 401 unauthorized_client: .*check the client id and client secret/);
    should(err.message).not.containEql(secret);
    const unknown = await rejection(new TokenManager(settingsFor(sim, { clientId: 'nobody' }), transport).authorization());
    should(unknown.kind).equal('credentials');
    should(unknown.status).equal(400);
  });

  it('names the URL and suggests the other preset when the token URL is not a token endpoint', async () => {
    const notFound = await rejection(new TokenManager(settingsFor(sim, { tokenUrl: `${sim.url}/Api/v2/Auth/tokn` }), transport).authorization());
    should(notFound.kind).equal('config');
    should(notFound.message).containEql(`${sim.url}/Api/v2/Auth/tokn is not a token endpoint`);
    should(notFound.message).match(/Entra ID preset/);
    sim.faults.add({ kind: 'html', surface: 'token', times: 1 });
    const html = await rejection(new TokenManager(settingsFor(sim, { scope: 'api://x/.default' }), transport).authorization());
    should(html.kind).equal('config');
    should(html.message).match(/not JSON.*Redback preset/);
  });

  it('retries a 5xx from the token endpoint and reports it as transient when it persists', async () => {
    sim.faults.add({ kind: 'status', status: 500, surface: 'token', times: 1 });
    should(await new TokenManager(settingsFor(sim), transport).authorization()).match(/^Bearer /);
    sim.faults.add({ kind: 'status', status: 503, surface: 'token' });
    const err = await rejection(new TokenManager(settingsFor(sim), transport).authorization());
    should(err.kind).equal('transient');
    should(err.message).match(/HTTP 503/);
  });

  it('asks for nothing without credentials', async () => {
    const err = await rejection(new TokenManager(settingsFor(sim, { clientSecret: '' }), transport).authorization());
    should(err.kind).equal('config');
    should(sim.requestCount({ surface: 'token' })).equal(0);
  });
});
