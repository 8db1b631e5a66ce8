import should from 'should';
import { getEventListeners } from 'events';
import http from 'http';
import https from 'https';
import type { AddressInfo } from 'net';
import sinon from 'sinon';
import { Redactor } from '../../src/http/redactor';
import { Transport, type HttpRequest, type HttpResponse, type TransportOptions } from '../../src/http/transport';
import { DEFAULT_CREDENTIALS, RedbackSimulator } from '../../src/sim';
import { freePort } from '../helpers/node-red-process';
import { rejection } from '../helpers/errors';
import { form, getToken, startSim } from '../helpers/sim';

/** Fails (instead of hanging until mocha's timeout) when the promise takes longer than `ms`. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(5);
  }
}

interface CustomServer {
  server: http.Server;
  url: string;
  requests: number;
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1:0 with a request counter. */
async function customServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<CustomServer> {
  const result = {} as CustomServer;
  result.requests = 0;
  const server = http.createServer((req, res) => {
    result.requests++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  result.server = server;
  result.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  result.connections = () => new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  result.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return result;
}

describe('http transport', () => {
  const DATA = '/Api/v2/EnergyData';
  let sim: RedbackSimulator;
  let token: string;
  let transport: Transport;
  const servers: CustomServer[] = [];
  let slowUntil = 0;

  /**
   * Adds a `slow` fault. The simulator goes on handling a request the transport gave up on once the
   * delay is over, and would then take a fault meant for a later test: afterEach waits for it.
   */
  function addSlow(spec: { delayMs: number; path?: string; surface?: 'token' | 'api' }): void {
    sim.faults.add({ kind: 'slow', times: 1, ...spec });
    slowUntil = Math.max(slowUntil, Date.now() + spec.delayMs + 50);
  }

  /** A transport with small delays (closed after each test). */
  function makeTransport(options: Partial<TransportOptions> = {}): Transport {
    transport = new Transport({ redactor: new Redactor(), baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 500, ...options });
    return transport;
  }

  async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<CustomServer> {
    const s = await customServer(handler);
    servers.push(s);
    return s;
  }

  const getData = (extra: Partial<HttpRequest> = {}): Promise<HttpResponse> =>
    transport.request({ method: 'GET', url: `${sim.url}${DATA}`, headers: { Authorization: `Bearer ${token}` }, ...extra });

  const postToken = (extra: Partial<HttpRequest> = {}): Promise<HttpResponse> =>
    transport.request({
      method: 'POST',
      url: `${sim.url}/Api/v2/Auth/token`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ client_id: DEFAULT_CREDENTIALS.clientId, client_secret: DEFAULT_CREDENTIALS.clientSecret }),
      ...extra,
    });

  before(async () => {
    sim = await startSim();
    token = await getToken(sim);
  });
  beforeEach(() => {
    sim.faults.clear();
    sim.clearRequests();
  });
  afterEach(async () => {
    transport?.close();
    while (servers.length) await servers.pop()!.stop();
    if (slowUntil > Date.now()) await delay(slowUntil - Date.now());
  });
  after(() => sim.stop());

  const count = (method = 'GET', path = DATA): number => sim.requestCount({ method, path });

  describe('answers', () => {
    it('resolves with status, headers and body of a successful request', async () => {
      makeTransport();
      const res = await getData();
      should(res.status).equal(200);
      should(res.headers['content-type']).match(/application\/json/);
      should(JSON.parse(res.body)).have.property('Data');
      should(count()).equal(1);
    });

    it('sends the method, headers and body (a form-encoded token request)', async () => {
      makeTransport();
      const res = await postToken();
      should(res.status).equal(200);
      should(JSON.parse(res.body)).have.property('access_token');
      should(count('POST', '/Auth/token')).equal(1);
    });

    it('returns 404 to the caller without retrying', async () => {
      makeTransport();
      const res = await transport.request({ method: 'GET', url: `${sim.url}/Api/v2/NoSuchThing`, headers: { Authorization: `Bearer ${token}` } });
      should(res.status).equal(404);
      should(count('GET', '/NoSuchThing')).equal(1);
    });

    it('returns other 4xx and 3xx to the caller without retrying or following redirects', async () => {
      makeTransport();
      for (const status of [400, 401, 403, 302]) {
        sim.clearRequests();
        sim.faults.add({ kind: 'status', status, path: DATA, times: 1, body: `answer ${status}` });
        const res = await getData();
        should(res.status).equal(status);
        should(res.body).equal(`answer ${status}`);
        should(count()).equal(1);
      }
      // A real redirect with a Location header is not followed either.
      sim.clearRequests();
      const target = await serve((_req, res) => res.writeHead(302, { Location: `${sim.url}${DATA}` }).end());
      const res = await transport.request({ method: 'GET', url: `${target.url}/Account/Login` });
      should(res.status).equal(302);
      should(res.headers.location).equal(`${sim.url}${DATA}`);
      should(count()).equal(0);
    });
  });

  describe('5xx', () => {
    it('retries an idempotent request and recovers', async () => {
      makeTransport();
      sim.faults.add({ kind: 'status', status: 503, path: DATA, times: 2 });
      const res = await getData();
      should(res.status).equal(200);
      should(count()).equal(3);
    });

    it('gives up after maxRetries with a `transient` error naming method, path, status and the cloud\'s text', async () => {
      makeTransport({ maxRetries: 2 });
      sim.faults.add({ kind: 'status', status: 502, path: DATA, body: '{"Message":"Upstream inverter gateway offline"}' });
      const err = await rejection(getData({ url: `${sim.url}${DATA}?apiKey=query-secret` }));
      should(err.kind).equal('transient');
      should(err.status).equal(502);
      should(err.message).equal('GET /Api/v2/EnergyData failed: HTTP 502 Upstream inverter gateway offline');
      should(count()).equal(3); // the first attempt and two retries
    });

    it('defaults to 3 retries', async () => {
      makeTransport();
      sim.faults.add({ kind: 'status', status: 500, path: DATA });
      const err = await rejection(getData());
      should(err.kind).equal('transient');
      should(err.message).equal('GET /Api/v2/EnergyData failed: HTTP 500 Service Unavailable');
      should(count()).equal(4);
    });

    it('retries DELETE (idempotent by default)', async () => {
      makeTransport();
      sim.faults.add({ kind: 'status', status: 503, method: 'DELETE', times: 1 });
      const res = await transport.request({
        method: 'DELETE', url: `${sim.url}/Api/v2/OperatingEnvelope/All`, headers: { Authorization: `Bearer ${token}` },
      });
      should(res.status).be.below(500);
      should(count('DELETE', '/OperatingEnvelope/All')).equal(2);
    });

    it('does not retry a POST (1 request)', async () => {
      makeTransport();
      sim.faults.add({ kind: 'status', status: 500, surface: 'token', times: 1, body: 'token store down' });
      const err = await rejection(postToken());
      should(err.kind).equal('transient');
      should(err.status).equal(500);
      should(err.message).equal('POST /Api/v2/Auth/token failed: HTTP 500 token store down');
      should(count('POST', '/Auth/token')).equal(1);
    });

    it('retries a POST marked idempotent', async () => {
      makeTransport();
      sim.faults.add({ kind: 'status', status: 500, surface: 'token', times: 2 });
      const res = await postToken({ idempotent: true });
      should(res.status).equal(200);
      should(count('POST', '/Auth/token')).equal(3);
    });

    it('does not retry a GET marked not idempotent', async () => {
      makeTransport();
      sim.faults.add({ kind: 'status', status: 503, path: DATA, times: 1 });
      const err = await rejection(getData({ idempotent: false }));
      should(err.kind).equal('transient');
      should(count()).equal(1);
    });

    it('waits with backoff between retries', async () => {
      let draws = 0;
      makeTransport({ baseDelayMs: 100, maxDelayMs: 1000, random: () => (draws++, 1) });
      sim.faults.add({ kind: 'status', status: 503, path: DATA, times: 2 });
      const started = Date.now();
      await getData();
      should(draws).equal(2);
      should(Date.now() - started).be.aboveOrEqual(290); // 100 + 200
    });
  });

  describe('429', () => {
    it('waits for Retry-After (1 s), then succeeds', async () => {
      makeTransport();
      sim.faults.add({ kind: 'rateLimit', retryAfterSeconds: 1, path: DATA, times: 1 });
      const started = Date.now();
      const res = await getData();
      should(res.status).equal(200);
      should(Date.now() - started).be.aboveOrEqual(950);
      should(count()).equal(2);
    });

    it('retries a POST too (the cloud did not act on it)', async () => {
      makeTransport();
      sim.faults.add({ kind: 'rateLimit', retryAfterSeconds: 0, surface: 'token', times: 2 });
      const res = await postToken();
      should(res.status).equal(200);
      should(count('POST', '/Auth/token')).equal(3);
    });

    it('fails at once with `rate-limited` and retryAfterMs when Retry-After is longer than maxRetryAfterMs', async () => {
      makeTransport({ maxRetryAfterMs: 5000 });
      sim.faults.add({ kind: 'rateLimit', retryAfterSeconds: 120, path: DATA });
      const started = Date.now();
      const err = await rejection(getData());
      should(Date.now() - started).be.below(1000);
      should(err.kind).equal('rate-limited');
      should(err.status).equal(429);
      should(err.retryAfterMs).equal(120_000);
      should(err.message).equal('GET /Api/v2/EnergyData failed: HTTP 429 Too Many Requests (the cloud asked to wait 120 s)');
      should(count()).equal(1);
    });

    it('waits for Retry-After given as an HTTP date', async () => {
      makeTransport();
      let first = true;
      const s = await serve((_req, res) => {
        if (first) {
          first = false;
          // Whole seconds: 2 s ahead is at least 1 s ahead.
          res.writeHead(429, { 'Retry-After': new Date(Date.now() + 2000).toUTCString() }).end();
        } else {
          res.writeHead(200).end('ok');
        }
      });
      const started = Date.now();
      const res = await transport.request({ method: 'GET', url: `${s.url}/x` });
      should(res.body).equal('ok');
      should(Date.now() - started).be.aboveOrEqual(950);
      should(s.requests).equal(2);
    });

    it('fails with `rate-limited` after the retries, with the cloud\'s text', async () => {
      makeTransport({ maxRetries: 2 });
      const s = await serve((_req, res) => {
        res.writeHead(429, { 'Content-Type': 'application/json' }).end('{"Message":"API quota exceeded for this client"}');
      });
      const err = await rejection(transport.request({ method: 'GET', url: `${s.url}/Api/v2/EnergyData` }));
      should(err.kind).equal('rate-limited');
      should(err.status).equal(429);
      // No Retry-After: the transport used its backoff, and does not claim the cloud asked for a wait.
      should(err.retryAfterMs).be.undefined();
      should(err.message).equal('GET /Api/v2/EnergyData failed: HTTP 429 API quota exceeded for this client');
      should(s.requests).equal(3);
    });
  });

  describe('timeouts', () => {
    it('fails with `timeout` naming the path and the seconds', async () => {
      makeTransport({ timeoutMs: 200, maxRetries: 0 });
      addSlow({ delayMs: 600, path: DATA });
      const started = Date.now();
      const err = await rejection(getData());
      should(Date.now() - started).be.within(150, 550);
      should(err.kind).equal('timeout');
      should(err.message).equal('GET /Api/v2/EnergyData failed: no answer within 0.2 s');
    });

    it('takes the per-request timeoutMs over the default', async () => {
      makeTransport({ timeoutMs: 5000, maxRetries: 0 });
      addSlow({ delayMs: 700, path: DATA });
      const started = Date.now();
      const err = await rejection(getData({ timeoutMs: 250 }));
      should(Date.now() - started).be.below(650);
      should(err.message).equal('GET /Api/v2/EnergyData failed: no answer within 0.25 s');
    });

    it('retries a slow answer once and recovers', async () => {
      makeTransport({ timeoutMs: 300 });
      addSlow({ delayMs: 700, path: DATA });
      const res = await getData();
      should(res.status).equal(200);
      should(count()).equal(2);
    });

    it('does not retry a POST that timed out (the cloud may have acted on it)', async () => {
      makeTransport({ timeoutMs: 200 });
      addSlow({ delayMs: 600, surface: 'token' });
      const err = await rejection(postToken());
      should(err.kind).equal('timeout');
      should(count('POST', '/Auth/token')).equal(1);
    });

    it('times out a response whose body trickles in (a deadline, not only an idle timeout)', async () => {
      makeTransport({ timeoutMs: 300, maxRetries: 0 });
      const s = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const timer = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const err = await within(3000, rejection(transport.request({ method: 'GET', url: `${s.url}/Api/v2/EnergyData` })));
      should(err.kind).equal('timeout');
      should(err.message).equal('GET /Api/v2/EnergyData failed: no answer within 0.3 s');
      should(Date.now() - started).be.below(1500);
    });
  });

  describe('network errors', () => {
    it('fails with `network` when the connection drops, after retrying a GET', async () => {
      makeTransport({ maxRetries: 2 });
      sim.faults.add({ kind: 'disconnect', path: DATA });
      const err = await rejection(getData({ url: `${sim.url}${DATA}?x=query-secret` }));
      should(err.kind).equal('network');
      should(err.message).startWith('GET /Api/v2/EnergyData failed: ');
      should(err.message).match(/ECONNRESET|socket hang up/);
      should(err.message).not.match(/query-secret|\?/);
      should(count()).equal(3);
    });

    it('recovers from one dropped connection', async () => {
      makeTransport();
      sim.faults.add({ kind: 'disconnect', path: DATA, times: 1 });
      const res = await getData();
      should(res.status).equal(200);
      should(count()).equal(2);
    });

    it('does not retry a POST whose connection dropped', async () => {
      makeTransport();
      sim.faults.add({ kind: 'disconnect', surface: 'token', times: 1 });
      const err = await rejection(postToken());
      should(err.kind).equal('network');
      should(count('POST', '/Auth/token')).equal(1);
    });

    it('fails with `network` and ECONNREFUSED when nothing listens, after retrying (GET and POST)', async () => {
      const port = await freePort();
      for (const method of ['GET', 'POST'] as const) {
        let retries = 0; // the random source is drawn once per backoff wait
        makeTransport({ maxRetries: 3, random: () => (retries++, 0.5) });
        const err = await rejection(transport.request({ method, url: `http://127.0.0.1:${port}/Api/v2/Schedule?token=query-secret` }));
        should(err.kind).equal('network');
        should(err.message).equal(`${method} /Api/v2/Schedule failed: ECONNREFUSED (connection refused) reaching 127.0.0.1:${port}`);
        should(retries).equal(3);
        transport.close();
      }
    });

    it('retries a POST whose connection was refused until the server is up', async () => {
      const port = await freePort();
      let server: http.Server | undefined;
      let received = 0;
      makeTransport({
        baseDelayMs: 200,
        maxDelayMs: 200,
        random: () => {
          if (!server) {
            server = http.createServer((_req, res) => {
              received++;
              res.end('created');
            });
            server.listen(port, '127.0.0.1');
          }
          return 1;
        },
      });
      try {
        const res = await transport.request({ method: 'POST', url: `http://127.0.0.1:${port}/create`, body: 'x=1' });
        should(res.status).equal(200);
        should(res.body).equal('created');
        should(received).equal(1);
      } finally {
        transport.close();
        const s = server;
        if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    });
  });

  describe('redaction', () => {
    const secret = 'S3cr3t-Value!42';

    it('removes registered secrets and bearer tokens from the cloud\'s text', async () => {
      makeTransport({ maxRetries: 0 });
      transport.redactor.add(secret);
      const s = await serve((_req, res) => {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({
          Message: `Bad client secret ${secret} with Authorization: Bearer abcdef1234567890`,
        }));
      });
      const err = await rejection(transport.request({ method: 'GET', url: `${s.url}/Api/v2/EnergyData` }));
      should(err.kind).equal('transient');
      should(err.message).equal('GET /Api/v2/EnergyData failed: HTTP 500 Bad client secret *** with Authorization: Bearer ***');
    });

    it('removes a secret that the 200-character cut of a long body would split', async () => {
      makeTransport({ maxRetries: 0 });
      transport.redactor.add(secret);
      const s = await serve((_req, res) => res.writeHead(500).end(`${'x'.repeat(190)} ${secret} and more text after it`));
      const err = await rejection(transport.request({ method: 'GET', url: `${s.url}/Api/v2/EnergyData` }));
      should(err.message).not.containEql('S3cr');
      should(err.message).containEql('***');
    });

    it('removes secrets from rate-limit and network messages too', async () => {
      makeTransport({ maxRetries: 0 });
      transport.redactor.add(secret);
      const s = await serve((_req, res) => res.writeHead(429, { 'Retry-After': '3600' }).end(`quota for ${secret} exceeded`));
      const limited = await rejection(transport.request({ method: 'GET', url: `${s.url}/Api/v2/EnergyData` }));
      should(limited.kind).equal('rate-limited');
      should(limited.message).equal('GET /Api/v2/EnergyData failed: HTTP 429 quota for *** exceeded (the cloud asked to wait 3600 s)');
      const port = await freePort();
      const refused = await rejection(transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/${secret}/x` }));
      should(refused.kind).equal('network');
      should(refused.message).not.containEql(secret);
      should(refused.message).not.containEql(encodeURIComponent(secret));
    });
  });

  describe('close()', () => {
    it('cancels a retry wait at once: the request rejects with `closed`', async () => {
      let waiting = false;
      makeTransport({ baseDelayMs: 30_000, maxDelayMs: 30_000, random: () => ((waiting = true), 1) });
      sim.faults.add({ kind: 'status', status: 503, path: DATA });
      const pending = rejection(getData());
      await until(() => waiting);
      const started = Date.now();
      transport.close();
      const err = await within(1000, pending);
      should(err.kind).equal('closed');
      should(Date.now() - started).be.below(200);
      await delay(100);
      should(count()).equal(1); // the retry was never sent
    });

    it('rejects later requests with `closed` without sending them', async () => {
      makeTransport();
      transport.close();
      should(transport.closed).be.true();
      const err = await rejection(getData());
      should(err.kind).equal('closed');
      should(count()).equal(0);
      transport.close(); // twice is harmless
    });

    for (const method of ['GET', 'POST'] as const) {
      it(`aborts a ${method} under way`, async () => {
        makeTransport({ timeoutMs: 10_000 });
        const s = await serve(() => {
          /* never answers */
        });
        const pending = rejection(transport.request({ method, url: `${s.url}/Api/v2/EnergyData`, body: method === 'POST' ? '{}' : undefined }));
        await until(() => s.requests === 1);
        const started = Date.now();
        transport.close();
        const err = await within(1000, pending);
        should(err.kind).equal('closed');
        should(err.message).equal('the Redback connection was closed');
        should(Date.now() - started).be.below(200);
        await delay(50);
        should(await s.connections()).equal(0);
      });
    }

    it('aborts requests still queued for a socket (more than the 16 sockets per host)', async () => {
      makeTransport({ timeoutMs: 10_000 });
      const s = await serve(() => {
        /* never answers */
      });
      const pending = Array.from({ length: 20 }, (_, i) => rejection(transport.request({ method: 'GET', url: `${s.url}/r${i}` })));
      await until(() => s.requests === 16);
      transport.close();
      const errors = await within(1000, Promise.all(pending));
      should(errors.map((e) => e.kind)).eql(Array(20).fill('closed'));
      await delay(100);
      should(s.requests).equal(16); // the 4 queued ones were never sent
      should(await s.connections()).equal(0);
    });

    it('destroys the keep-alive sockets', async () => {
      makeTransport();
      const s = await serve((_req, res) => res.end('ok'));
      for (let i = 0; i < 3; i++) should((await transport.request({ method: 'GET', url: `${s.url}/x` })).body).equal('ok');
      should(await s.connections()).equal(1); // one socket, kept alive and reused
      transport.close();
      await delay(50);
      should(await s.connections()).equal(0);
    });

    it('destroys the https agent too (no TLS server on loopback: checked on the agent itself)', () => {
      makeTransport();
      const agents = transport as unknown as { httpAgent: http.Agent; httpsAgent: https.Agent };
      const spies = [sinon.spy(agents.httpAgent, 'destroy'), sinon.spy(agents.httpsAgent, 'destroy')];
      transport.close();
      transport.close();
      should(spies.map((spy) => spy.callCount)).eql([1, 1]);
      spies.forEach((spy) => spy.restore());
    });
  });

  describe('load', () => {
    it('leaves no abort listeners behind after requests that succeeded, failed, timed out or were retried', async () => {
      makeTransport({ timeoutMs: 200 });
      sim.faults.add({ kind: 'status', status: 503, path: DATA, times: 2 });
      await getData();
      addSlow({ delayMs: 400, path: DATA });
      await getData();
      sim.faults.add({ kind: 'status', status: 500, surface: 'token', times: 1 });
      await rejection(postToken());
      await transport.request({ method: 'GET', url: `${sim.url}/nothing-here` });
      const signal = (transport as unknown as { abort: AbortController }).abort.signal;
      should(getEventListeners(signal, 'abort')).have.length(0);
    });

    it('handles many requests at once without a listener-leak warning', async () => {
      makeTransport();
      const warnings: Error[] = [];
      const onWarning = (w: Error): void => {
        warnings.push(w);
      };
      process.on('warning', onWarning);
      try {
        const results = await Promise.all(Array.from({ length: 20 }, () => getData()));
        should(results.map((r) => r.status)).eql(Array(20).fill(200));
        await delay(10);
      } finally {
        process.off('warning', onWarning);
      }
      should(warnings.map((w) => w.name)).not.containEql('MaxListenersExceededWarning');
    });
  });
});
