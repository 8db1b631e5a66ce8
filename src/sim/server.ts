/**
 * The Redback cloud simulator: one HTTP server on loopback speaking the public API (`/Api/…`),
 * the customer portal (everything else) and its own admin surface (`/__sim/…`).
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { registerAdminRoutes } from './admin-routes';
import { registerAmberRoutes } from './amber-routes';
import { amberFeedSettings, type AmberFeedOptions } from './amber-sites';
import { registerApiRoutes } from './api-routes';
import { SimClock, type SimClockOptions } from './clock';
import { SimCloud } from './cloud';
import type { SimContext, SimSettings } from './context';
import { FaultInjector, type ActiveFault, type Surface } from './faults';
import { Router, html, json, notFound, parseCookies, type SimRequest, type SimResponse } from './http';
import { registerPortalRoutes } from './portal-routes';
import { PortalSessions } from './portal-sessions';
import type { Replay } from './replay';
import { defaultAccount } from './scenarios';
import { TokenStore } from './tokens';
import type { AccountDef } from './types';

export interface SimulatorOptions extends Partial<SimSettings> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default: one account with the four standard sites (`defaultAccount()`). */
  accounts?: AccountDef[];
  clock?: SimClockOptions;
  /** Wall-clock source for tokens and sessions; default Date.now. */
  wallNow?: () => number;
  /** Serve a diagnostics file's recorded answers (`--replay`); its sites become the default account. */
  replay?: Replay;
  /** The simulated Amber feed under `/v1/` (docs/amber-sim.md). */
  amber?: AmberFeedOptions;
}

export interface RequestRecord {
  atMs: number;
  method: string;
  path: string;
  surface: Surface | 'admin';
  /** The route that answers this method and path, e.g. `POST /Api/v2/Auth/token`; `UNMATCHED` when none does. */
  route: string;
  status: number;
}

/** The route name of a request that no route answers. */
export const UNMATCHED = '(no route)';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_RECORDS = 100_000;

export class RedbackSimulator {
  readonly clock: SimClock;
  readonly cloud: SimCloud;
  readonly faults = new FaultInjector();
  readonly settings: SimSettings;
  readonly tokens: TokenStore;
  readonly portalSessions: PortalSessions;
  readonly requests: RequestRecord[] = [];
  private readonly wallNow: () => number;
  private readonly apiRouter = new Router();
  private readonly portalRouter = new Router();
  private readonly adminRouter = new Router();
  private readonly amberRouter = new Router();
  private server: http.Server | null = null;
  private baseUrl = '';

  constructor(private readonly options: SimulatorOptions = {}) {
    this.wallNow = options.wallNow ?? Date.now;
    this.clock = new SimClock({ wallNow: this.wallNow, ...options.clock });
    this.cloud = new SimCloud(options.accounts ?? [options.replay ? options.replay.account() : defaultAccount()], this.clock);
    this.settings = {
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      expiresInAsString: options.expiresInAsString ?? false,
      portalSessionMinutes: options.portalSessionMinutes ?? 30,
      strictRossVersion: options.strictRossVersion ?? true,
      wallClockControls: options.wallClockControls ?? false,
      portalSessionCookie: options.portalSessionCookie,
      portalSetAnswer: options.portalSetAnswer,
      portalAjaxUnauthenticated: options.portalAjaxUnauthenticated,
      missingMultipleV2: options.missingMultipleV2,
      answerDelayMs: options.answerDelayMs,
      omitScheduleId: options.omitScheduleId ?? false,
      missingIdDeleteStatus: options.missingIdDeleteStatus ?? 404,
      batteryCountZero: options.batteryCountZero ?? false,
    };
    this.tokens = new TokenStore(this.wallNow);
    this.portalSessions = new PortalSessions({
      wallNow: this.wallNow,
      lifetimeMs: () => this.settings.portalSessionMinutes * 60_000,
    });
    const ctx: SimContext = { cloud: this.cloud, clock: this.clock, faults: this.faults, settings: this.settings, wallNow: this.wallNow };
    registerApiRoutes(this.apiRouter, ctx, this.tokens);
    registerPortalRoutes(this.portalRouter, ctx, this.portalSessions);
    registerAdminRoutes(this.adminRouter, this);
    registerAmberRoutes(this.amberRouter, ctx, amberFeedSettings(options.amber));
  }

  /** Starts listening; resolves with the base URL, e.g. `http://127.0.0.1:8123`. */
  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('the simulator has not been started');
    return this.baseUrl;
  }

  expireTokens(): void {
    this.tokens.expireAll();
  }

  expirePortalSessions(): void {
    this.portalSessions.expireAll();
  }

  /** How many requests were received, optionally only those matching a surface, method or path fragment. */
  requestCount(filter: { surface?: RequestRecord['surface']; method?: string; path?: string } = {}): number {
    const fragment = filter.path?.toLowerCase();
    return this.requests.filter(
      (r) =>
        (filter.surface === undefined || r.surface === filter.surface) &&
        (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
        (fragment === undefined || r.path.toLowerCase().includes(fragment)),
    ).length;
  }

  /** How many requests each route received, e.g. `{"POST /Api/v2/Auth/token": 1, …}`. */
  requestCountsByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests) counts[r.route] = (counts[r.route] ?? 0) + 1;
    return counts;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const surface = surfaceOf(url.pathname);
    const method = req.method ?? 'GET';
    const record: RequestRecord = {
      atMs: this.wallNow(), method, path: url.pathname, surface, route: this.routeOf(surface, method, url.pathname), status: 0,
    };
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    if (surface !== 'admin') this.remember(record);
    try {
      const body = await readBody(req);
      const simReq: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        cookies: parseCookies(req.headers.cookie),
      };
      const response = await this.respond(simReq, surface, req);
      if (response) send(res, response);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        send(res, json(413, { error: 'request body too large' }));
        return;
      }
      send(res, json(500, { error: 'simulator error', detail: String((err as Error).message) }));
    }
  }

  /** The response, or null when a fault dropped the connection. */
  private async respond(req: SimRequest, surface: Surface | 'admin', raw: http.IncomingMessage): Promise<SimResponse | null> {
    if (surface === 'admin') return route(this.adminRouter, req, 'admin');
    if (this.faults.take(['disconnect'], surface, req.method, req.path)) {
      raw.socket.destroy();
      return null;
    }
    const slow = this.faults.take(['slow'], surface, req.method, req.path);
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow.delayMs ?? 30_000));
    if (surface === 'amber') return route(this.amberRouter, req, surface);
    const fault = this.faults.take(['status', 'rateLimit', 'malformedJson', 'html'], surface, req.method, req.path);
    if (fault) return faultResponse(fault);
    const delayMs = this.settings.answerDelayMs ?? 0;
    if (delayMs > 0 && surface !== 'portal') await new Promise((resolve) => setTimeout(resolve, delayMs));
    const replay = this.options.replay;
    if (replay && surface === 'api' && this.tokens.check(req.headers.authorization).ok) {
      const recorded = replay.answer(req.method, req.path, req.query);
      if (recorded) return recorded;
    }
    const answer = await route(surface === 'portal' ? this.portalRouter : this.apiRouter, req, surface);
    return this.loseAnswer(answer, surface, req, raw);
  }

  /** The faults that act after the request has been applied: the answer is lost, replaced or held back. */
  private async loseAnswer(answer: SimResponse, surface: Surface, req: SimRequest, raw: http.IncomingMessage): Promise<SimResponse | null> {
    const fault = this.faults.take(['dropAnswer', 'statusAfterApply', 'slowAnswer'], surface, req.method, req.path);
    if (!fault) return answer;
    if (fault.kind === 'dropAnswer') {
      raw.socket.destroy();
      return null;
    }
    if (fault.kind === 'statusAfterApply') return faultResponse({ ...fault, kind: 'status', status: fault.status ?? 502 });
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 30_000));
    return answer;
  }

  private routeOf(surface: Surface | 'admin', method: string, path: string): string {
    const router = surface === 'admin' ? this.adminRouter : surface === 'amber' ? this.amberRouter : surface === 'portal' ? this.portalRouter : this.apiRouter;
    const match = router.match(method, path);
    return match && match !== 405 ? match.route : UNMATCHED;
  }

  private remember(record: RequestRecord): void {
    if (this.requests.length >= MAX_RECORDS) this.requests.splice(0, this.requests.length - MAX_RECORDS + 1);
    this.requests.push(record);
  }
}

function surfaceOf(path: string): Surface | 'admin' {
  const lower = path.toLowerCase();
  if (lower.startsWith('/__sim/') || lower === '/__sim') return 'admin';
  if (lower.replace(/\/+$/, '') === '/api/v2/auth/token') return 'token';
  if (lower.startsWith('/api/')) return 'api';
  if (lower.startsWith('/v1/')) return 'amber';
  return 'portal';
}

async function route(router: Router, req: SimRequest, surface: Surface | 'admin'): Promise<SimResponse> {
  const match = router.match(req.method, req.path);
  if (match === 405) return json(405, { error: `method ${req.method} not allowed on ${req.path}` });
  if (!match) {
    return surface === 'portal'
      ? html(404, '<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>404 - Not Found</h1></body></html>')
      : notFound(`No route for ${req.method} ${req.path}`);
  }
  return match.handler(req, match.params);
}

function faultResponse(fault: ActiveFault): SimResponse {
  switch (fault.kind) {
    case 'rateLimit':
      return json(429, { error: 'Too Many Requests' }, { 'Retry-After': String(fault.retryAfterSeconds ?? 1) });
    case 'malformedJson':
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"Data":{"SiteId":"S1234' };
    case 'html':
      return html(200, '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>The service is temporarily unavailable</h1></body></html>');
    default:
      return {
        status: fault.status ?? 503,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: fault.body ?? 'Service Unavailable',
      };
  }
}

function send(res: http.ServerResponse, response: SimResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, { ...response.headers, 'Content-Length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new BodyTooLarge());
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
