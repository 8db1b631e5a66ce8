/**
 * What a diagnostics file holds about the cloud, recorded as the account's transport talks to it:
 * per endpoint (method and path, ids replaced by pseudonyms) the last answer and the last 50
 * requests. Bounded (at most 100 endpoints, 50 requests each, answers of at most 512 KB) and
 * in memory only. Recording costs a few object copies per request; the answers are made safe to
 * share (sanitize.ts) when the file is asked for, all together, so a pseudonym learnt from one
 * answer replaces that id in every other.
 */
import type { Redactor } from '../http/redactor';
import type { Exchange } from '../http/transport';
import { Pseudonyms } from './pseudonyms';
import { cleanText, learnJsonIds, MAX_JSON_BODY, sanitizeBody, type SanitizedBody } from './sanitize';

export const MAX_ENDPOINTS = 100;
export const MAX_REQUESTS_PER_ENDPOINT = 50;

/** Headers that say something about the cloud's behaviour; every other header is left out. */
const KEPT_HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'x-responded-json', 'location', 'cache-control'];

export interface RecordedAnswer {
  at: string;
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  /** Names only of the cookies the answer set (never their values). */
  setCookieNames?: string[];
  body: SanitizedBody;
}

export interface RecordedRequest {
  at: string;
  method: string;
  route: string;
  status: number | null;
  ms: number;
  outcome: Exchange['outcome'];
}

export interface RecordedEndpoint {
  method: string;
  /** The path with ids replaced, e.g. `/Api/v2/EnergyData/Static/BySerialNumber/RB-P0001`. */
  path: string;
  /** The path's shape, e.g. `/Api/v2/EnergyData/Static/BySerialNumber/{serial}`. */
  route: string;
  /** `api` (token and data) or `portal`. */
  surface: 'api' | 'portal';
  lastAnswer: RecordedAnswer | null;
  requests: RecordedRequest[];
}

/** An answer as received, until the file is made. */
interface RawAnswer {
  at: string;
  status: number;
  headers: Record<string, string>;
  setCookieNames: string[];
  body: string;
}

interface Entry {
  endpoint: Omit<RecordedEndpoint, 'lastAnswer'>;
  answer: RawAnswer | null;
}

export class DiagnosticsRecorder {
  readonly pseudonyms = new Pseudonyms();
  private readonly endpoints = new Map<string, Entry>();
  private redactor: Redactor | null = null;
  private apiOrigin = '';

  /** The account that records into this: its redactor masks the secrets; its API origin tells the surfaces apart. */
  attach(redactor: Redactor, apiUrl: string): void {
    this.redactor = redactor;
    try {
      this.apiOrigin = new URL(apiUrl).origin;
    } catch {
      this.apiOrigin = '';
    }
  }

  /** Records one exchange; never throws (a diagnostics fault must not break a request). */
  record(exchange: Exchange): void {
    try {
      this.add(exchange);
    } catch {
      // nothing: diagnostics are best effort
    }
  }

  /** The endpoints, most recently used last, made safe to share. */
  snapshot(): RecordedEndpoint[] {
    const redactor = this.redactor;
    const entries = [...this.endpoints.values()];
    if (!redactor) return [];
    const ctx = { redactor, pseudonyms: this.pseudonyms };
    // Every id is learnt first, so each is replaced wherever it appears.
    for (const { answer } of entries) if (answer) learnFrom(answer.body, this.pseudonyms);
    return entries.map(({ endpoint, answer }) => ({
      ...endpoint,
      path: this.pseudonyms.replace(endpoint.path),
      requests: endpoint.requests.map((r) => ({ ...r })),
      lastAnswer: answer ? this.safe(answer, ctx) : null,
    }));
  }

  private safe(answer: RawAnswer, ctx: { redactor: Redactor; pseudonyms: Pseudonyms }): RecordedAnswer {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      headers[name] = cleanText(name === 'location' ? locationPath(value, this.pseudonyms) : value, ctx);
    }
    const contentType = headers['content-type'] ?? null;
    return {
      at: answer.at,
      status: answer.status,
      contentType,
      headers,
      ...(answer.setCookieNames.length > 0 ? { setCookieNames: answer.setCookieNames } : {}),
      body: sanitizeBody(answer.body, contentType ?? '', ctx),
    };
  }

  clear(): void {
    this.endpoints.clear();
  }

  private add(exchange: Exchange): void {
    if (!this.redactor) return;
    const url = new URL(exchange.url);
    const { path, route } = this.pathOf(url);
    const key = `${exchange.method} ${url.origin} ${path}`;
    let entry = this.endpoints.get(key);
    if (entry) {
      this.endpoints.delete(key); // re-inserted below: the map's order is the order of use
    } else {
      const surface = url.pathname.toLowerCase().startsWith('/api/') && (!this.apiOrigin || url.origin === this.apiOrigin) ? 'api' : 'portal';
      entry = { endpoint: { method: exchange.method, path, route, surface, requests: [] }, answer: null };
    }
    this.endpoints.set(key, entry);
    while (this.endpoints.size > MAX_ENDPOINTS) this.endpoints.delete(this.endpoints.keys().next().value as string);

    const at = new Date(exchange.startedAtMs).toISOString();
    const requests = entry.endpoint.requests;
    requests.push({ at, method: exchange.method, route, status: exchange.status, ms: exchange.ms, outcome: exchange.outcome });
    if (requests.length > MAX_REQUESTS_PER_ENDPOINT) requests.splice(0, requests.length - MAX_REQUESTS_PER_ENDPOINT);
    const res = exchange.response;
    if (res) {
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = headerOf(res.headers, name);
        if (value !== undefined) headers[name] = value;
      }
      entry.answer = {
        at,
        status: res.status,
        headers,
        setCookieNames: setCookieNames(res.headers['set-cookie']),
        // A body too large to keep is dropped now; only its length is kept.
        body: res.body.length > MAX_JSON_BODY ? tooLarge(res.body.length) : res.body,
      };
    }
  }

  /** The path with its ids learned and replaced, and its shape. */
  private pathOf(url: URL): { path: string; route: string } {
    const segments = url.pathname.split('/');
    const shape = [...segments];
    for (let i = 1; i < segments.length; i++) {
      const before = segments[i - 1].toLowerCase();
      const kind = idKindAfter(before, segments, i);
      if (!kind) continue;
      segments[i] = this.pseudonyms.learn(kind, decode(segments[i])) ?? segments[i];
      shape[i] = kind === 'site' ? '{siteId}' : '{serial}';
    }
    // The portal names the inverter in the query (Configure?serialNumber=…).
    const serial = url.searchParams.get('serialNumber');
    if (serial) this.pseudonyms.learn('serial', serial);
    return { path: this.pseudonyms.replace(segments.join('/')), route: shape.join('/') };
  }
}

function idKindAfter(before: string, segments: string[], i: number): 'site' | 'serial' | undefined {
  if (before === 'byserialnumber' || before === 'serialnumber') return 'serial';
  if (before === 'site') return 'site';
  const after = (segments[i + 1] ?? '').toLowerCase();
  // /Api/v2/EnergyData/{siteId}/Dynamic, …/{siteId}/Static, /Configuration/{siteId}/Configuration
  if ((before === 'energydata' || before === 'configuration') && ['dynamic', 'static', 'configuration'].includes(after)) return 'site';
  return undefined;
}

/** Stands in for a body too large to keep: only its length survives. */
function tooLarge(length: number): string {
  return JSON.stringify({ omitted: `an answer of ${length} characters, too large to keep` });
}

/** Learns the ids of a JSON body. */
function learnFrom(body: string, pseudonyms: Pseudonyms): void {
  const trimmed = body.trim();
  if (!/^[{[]/.test(trimmed)) return;
  try {
    learnJsonIds(JSON.parse(trimmed), pseudonyms);
  } catch {
    // not JSON
  }
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function setCookieNames(raw: string | string[] | undefined): string[] {
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return [...new Set(lines.map((line) => line.split('=')[0].trim()).filter((n) => n !== ''))];
}

/** A redirect target as a path only: no host, and the query's values dropped. */
function locationPath(value: string, pseudonyms: Pseudonyms): string {
  try {
    const url = new URL(value, 'http://portal.invalid');
    const keys = [...url.searchParams.keys()];
    return pseudonyms.replace(url.pathname) + (keys.length > 0 ? `?${keys.map((k) => `${k}=…`).join('&')}` : '');
  } catch {
    return '(unreadable)';
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
