/**
 * One portal browsing session: a tough-cookie jar and requests that carry its cookies, with
 * redirects followed by hand (the transport never follows them). A redirect is followed only to
 * the portal's own origin, at most five times; 303, and 301/302 after a POST, become a GET.
 * Every cookie value is registered with the redactor as soon as it arrives (a session cookie may
 * have any name).
 */
import { CookieJar } from 'tough-cookie';
import { RedbackError } from '../http/errors';
import type { HttpRequest, HttpResponse, Transport } from '../http/transport';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The portal's session cookie may have any name (docs/diagnostics.md), so every cookie value
 * received is registered with the redactor, each name keeping its latest two values, for at most
 * this many names.
 */
const MAX_REDACTED_COOKIE_NAMES = 32;

export interface SendOptions {
  /** Do not follow a redirect to the login page; report it as `toLogin` instead. */
  stopAtLogin?: boolean;
  /** Checked after each redirect answer's cookies are stored: true stops before following it. */
  stopWhen?: () => Promise<boolean>;
}

export interface SendResult {
  /** The last answer received (a 3xx when the chain was stopped). */
  res: HttpResponse;
  /** The request that got that answer. */
  req: HttpRequest;
  /** The last redirect pointed at the login page and was not followed. */
  toLogin: boolean;
  /** Where the last redirect pointed, when it was not followed. */
  location?: URL;
}

export class CookieSession {
  readonly jar = new CookieJar();
  private readonly redactedNames = new Set<string>();

  constructor(
    private readonly transport: Transport,
    /** The portal's base URL; redirects may only stay on its origin. */
    private readonly base: URL,
    private readonly isLoginUrl: (url: URL) => boolean,
  ) {}

  /** Sends the request with the jar's cookies, storing every Set-Cookie and following redirects. */
  async send(first: HttpRequest, options: SendOptions = {}): Promise<SendResult> {
    let req = first;
    for (let hops = 0; ; hops++) {
      const res = await this.transport.request(await this.withCookies(req));
      await this.store(res, req.url);
      if (!REDIRECT_STATUSES.has(res.status)) return { res, req, toLogin: false };
      const location = header(res, 'location');
      if (!location) return { res, req, toLogin: false };
      let next: URL;
      try {
        next = new URL(location, req.url);
      } catch {
        throw new RedbackError('response', this.transport.describe(req, `HTTP ${res.status} redirected to an invalid address`), {
          status: res.status,
        });
      }
      const sameOrigin = next.origin === this.base.origin;
      if (options.stopAtLogin && sameOrigin && this.isLoginUrl(next)) return { res, req, toLogin: true, location: next };
      if (options.stopWhen && (await options.stopWhen())) return { res, req, toLogin: false, location: next };
      if (!sameOrigin) {
        const where = next.protocol === 'http:' || next.protocol === 'https:' ? `${next.protocol}//${next.host}` : next.protocol;
        throw new RedbackError('response', this.transport.describe(
          req,
          `HTTP ${res.status} redirected to an unexpected host ${where} (expected ${this.base.origin}); not followed`,
        ), { status: res.status });
      }
      if (hops >= MAX_REDIRECTS) {
        throw new RedbackError('response', this.transport.describe(first, `more than ${MAX_REDIRECTS} redirects`), { status: res.status });
      }
      req = redirected(req, res.status, next);
    }
  }

  private async withCookies(req: HttpRequest): Promise<HttpRequest> {
    const cookie = await this.jar.getCookieString(req.url);
    const headers = { ...req.headers };
    delete headers.Cookie;
    if (cookie) headers.Cookie = cookie;
    return { ...req, headers };
  }

  private async store(res: HttpResponse, url: string): Promise<void> {
    const raw = res.headers['set-cookie'];
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of list) {
      const cookie = await this.jar.setCookie(line, url, { ignoreError: true });
      if (!cookie) continue;
      if (!this.redactedNames.has(cookie.key) && this.redactedNames.size >= MAX_REDACTED_COOKIE_NAMES) continue;
      this.redactedNames.add(cookie.key);
      this.transport.redactor.rotate(`cookie:${cookie.key}`, cookie.value);
    }
  }
}

/** The request for the next hop: 303, and 301/302 after a POST, become a GET without a body. */
function redirected(req: HttpRequest, status: number, next: URL): HttpRequest {
  const toGet = status === 303 || ((status === 301 || status === 302) && req.method === 'POST');
  if (!toGet) return { ...req, url: next.href };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (!/^content-(type|length)$/i.test(name)) headers[name] = value;
  }
  return { method: 'GET', url: next.href, headers, timeoutMs: req.timeoutMs };
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
