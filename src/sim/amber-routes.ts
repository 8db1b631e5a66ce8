/**
 * The simulated Amber Electric API (`/v1/…`, see docs/amber-sim.md): `GET /v1/sites` and
 * `GET /v1/sites/{siteId}/prices/current?next=&previous=` behind a bearer key, with Amber's
 * rate-limit headers and the simulator's faults (surface `amber`).
 */
import { loadAemoMonth, type AemoMonth } from './amber-aemo';
import { priceIntervals } from './amber-prices';
import type { AmberFeedSettings, AmberSiteDef } from './amber-sites';
import type { SimContext } from './context';
import type { ActiveFault } from './faults';
import { Router, html, json, type Params, type SimRequest, type SimResponse } from './http';

/** The simulator's quota (Amber publishes its numbers only in these headers). */
export const AMBER_RATE_LIMIT = 50;
export const AMBER_RATE_WINDOW_S = 300;
const MAX_COUNT = 2048;
const FAULT_KINDS = ['status', 'rateLimit', 'malformedJson', 'html'] as const;

export function registerAmberRoutes(router: Router, ctx: SimContext, settings: AmberFeedSettings): void {
  const quota = new RateWindow(ctx.wallNow);
  const months = new Map<string, AemoMonth>();
  const monthOf = (site: AmberSiteDef): AemoMonth => {
    let month = months.get(site.region);
    if (!month) {
      month = loadAemoMonth(site.region, settings.dataDir);
      months.set(site.region, month);
    }
    return month;
  };

  const guarded = (handler: (req: SimRequest, params: Params) => SimResponse) => (req: SimRequest, params: Params): SimResponse => {
    const headers = quota.count();
    const fault = ctx.faults.take(FAULT_KINDS, 'amber', req.method, req.path);
    if (fault) return faultResponse(fault, headers);
    if (!authorised(req, settings.apiKey)) return json(401, { message: 'API key is missing or invalid' }, headers);
    const res = handler(req, params);
    return { ...res, headers: { ...res.headers, ...headers } };
  };

  router.add('GET', '/v1/sites', guarded(() => json(200, settings.sites.map(siteDto))));

  router.add('GET', '/v1/sites/{siteId}/prices/current', guarded((req, params) => {
    const site = settings.sites.find((s) => s.id === params.siteId);
    if (!site) return json(404, { message: `Site ${params.siteId} not found` });
    const next = count(req.query.get('next'), 'next');
    const previous = count(req.query.get('previous'), 'previous');
    if (typeof next === 'string') return json(400, { message: next });
    if (typeof previous === 'string') return json(400, { message: previous });
    const stale = ctx.faults.take(['stale'], 'amber', req.method, req.path);
    const asOf = ctx.clock.now() - (stale ? (stale.staleMinutes ?? 10) * 60_000 : 0);
    return json(200, priceIntervals(monthOf(site), site, settings.model, asOf, next, previous));
  }));
}

function siteDto(site: AmberSiteDef): Record<string, unknown> {
  return {
    id: site.id,
    nmi: site.nmi,
    channels: [
      { identifier: 'E1', type: 'general', tariff: 'EA116' },
      { identifier: 'B1', type: 'feedIn', tariff: 'EA116' },
    ],
    network: site.network,
    status: 'active',
    activeFrom: site.activeFrom,
  };
}

function authorised(req: SimRequest, key: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m !== null && m[1] === key;
}

/** A query count: absent = 0; otherwise a whole number 0..2048, or the error text. */
function count(value: string | null, name: string): number | string {
  if (value === null || value === '') return 0;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > MAX_COUNT) return `${name} must be a whole number from 0 to ${MAX_COUNT}, got "${value.slice(0, 20)}"`;
  return n;
}

function faultResponse(fault: ActiveFault, headers: Record<string, string>): SimResponse {
  switch (fault.kind) {
    case 'rateLimit':
      return json(429, { message: 'Too Many Requests' }, {
        ...headers, 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(fault.retryAfterSeconds ?? 60),
      });
    case 'malformedJson':
      return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: '[{"type":"CurrentInterval","perKwh":2' };
    case 'html':
      return html(200, '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>', headers);
    default:
      return { status: fault.status ?? 500, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: fault.body ?? 'Internal Server Error' };
  }
}

/** Counts requests in fixed wall-clock windows for the RateLimit-* headers (reported, not enforced). */
class RateWindow {
  private windowStart = 0;
  private used = 0;

  constructor(private readonly wallNow: () => number) {}

  count(): Record<string, string> {
    const now = this.wallNow();
    const windowMs = AMBER_RATE_WINDOW_S * 1000;
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now - (now % windowMs);
      this.used = 0;
    }
    this.used += 1;
    return {
      'RateLimit-Limit': String(AMBER_RATE_LIMIT),
      'RateLimit-Remaining': String(Math.max(0, AMBER_RATE_LIMIT - this.used)),
      'RateLimit-Reset': String(Math.ceil((this.windowStart + windowMs - now) / 1000)),
      'RateLimit-Policy': `${AMBER_RATE_LIMIT};w=${AMBER_RATE_WINDOW_S}`,
    };
  }
}
