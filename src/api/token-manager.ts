/**
 * The OAuth client-credentials token for one account: cached, renewed about five minutes before
 * it expires, fetched by one request at a time however many callers wait, and dropped when the
 * API rejects it.
 *
 * The request copies what works in the wild: to the Redback endpoint a form body with
 * `client_id` and `client_secret` (Variant A); with a scope (the Entra ID preset) also
 * `grant_type=client_credentials` and `scope` (Variant C). Values are always form-encoded.
 *
 * After the token endpoint refuses the credentials, it is asked again only after 1 minute,
 * doubling to 1 hour (asking on every poll risks the client being locked); until then every
 * caller gets the refusal with the time of the next try. New credentials or a redeploy make a new
 * manager, which asks at once.
 */
import { RedbackError } from '../http/errors';
import type { HttpRequest, HttpResponse, Transport } from '../http/transport';
import { SingleFlight } from '../util/single-flight';

export interface TokenSettings {
  tokenUrl: string;
  /** Empty for the Redback endpoint. */
  scope: string;
  clientId: string;
  clientSecret: string;
}

interface Token {
  authorization: string;
  renewAt: number;
  expiresAt: number;
}

/** Renew this long before expiry (the clients in the wild use 300 s; earlier renewals caused 500s). */
const RENEW_MARGIN_MS = 300_000;
/** Assumed lifetime when the endpoint names none (Entra ID issues one-hour tokens). */
const DEFAULT_LIFETIME_S = 3600;
export const FIRST_REFUSAL_BACKOFF_MS = 60_000;
export const MAX_REFUSAL_BACKOFF_MS = 3_600_000;

interface Refusal {
  error: RedbackError;
  nextTryAtMs: number;
  /** Refusals in a row so far. */
  count: number;
}

export class TokenManager {
  private token: Token | null = null;
  private readonly fetches = new SingleFlight<Token>();
  private refusal: Refusal | null = null;
  /** Token requests sent so far (for tests and benchmarks). */
  requestCount = 0;

  constructor(
    private readonly settings: TokenSettings,
    private readonly transport: Transport,
    private readonly now: () => number = Date.now,
  ) {
    transport.redactor.add(settings.clientSecret);
  }

  /** The `Authorization` header value for a data call. */
  async authorization(): Promise<string> {
    const current = this.token;
    if (current && this.now() < current.renewAt) return current.authorization;
    const refusal = this.refusal;
    if (refusal && this.now() < refusal.nextTryAtMs) throw heldBack(refusal);
    const fresh = await this.fetches.run('token', () => this.fetchGuarded());
    return fresh.authorization;
  }

  /** When the token endpoint will next be asked after a refusal (epoch ms), or null. */
  get nextTryAtMs(): number | null {
    return this.refusal ? this.refusal.nextTryAtMs : null;
  }

  private async fetchGuarded(): Promise<Token> {
    try {
      const token = await this.fetchToken();
      this.refusal = null;
      return token;
    } catch (err) {
      if (err instanceof RedbackError && err.kind === 'credentials') {
        const count = (this.refusal?.count ?? 0) + 1;
        const delay = Math.min(MAX_REFUSAL_BACKOFF_MS, FIRST_REFUSAL_BACKOFF_MS * 2 ** (count - 1));
        this.refusal = { error: err, count, nextTryAtMs: this.now() + delay };
        throw heldBack(this.refusal);
      }
      throw err;
    }
  }

  /** The API refused this token: forget it, unless a newer one has already replaced it. */
  invalidate(authorization: string): void {
    if (this.token?.authorization === authorization) this.token = null;
  }

  private async fetchToken(): Promise<Token> {
    const { tokenUrl, scope, clientId, clientSecret } = this.settings;
    if (!clientId || !clientSecret) {
      throw new RedbackError('config', 'the Redback account has no client id or client secret: enter the API credentials Redback support issued');
    }
    const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret });
    if (scope) {
      form.set('grant_type', 'client_credentials');
      form.set('scope', scope);
    }
    const req: HttpRequest = {
      method: 'POST',
      url: tokenUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8', Accept: 'application/json' },
      body: form.toString(),
      // Asking for a token twice is harmless.
      idempotent: true,
    };
    this.requestCount++;
    const res = await this.transport.request(req);
    const token = this.readToken(req, res);
    this.transport.redactor.rotate('access-token', token.authorization.split(' ').pop());
    this.token = token;
    return token;
  }

  private readToken(req: HttpRequest, res: HttpResponse): Token {
    if ([400, 401, 403].includes(res.status)) {
      const error = this.transport.statusError('credentials', req, res);
      throw new RedbackError('credentials', `${error.message} (check the client id and client secret)`, { status: res.status });
    }
    const hint = this.settings.scope
      ? 'is the Token URL right? For the Redback endpoint, choose the Redback preset'
      : 'is the Token URL right? Redback may expect the Microsoft Entra ID preset';
    if (res.status === 404 || res.status === 405) {
      throw new RedbackError('config', `${this.transport.statusError('config', req, res).message}: ${this.settings.tokenUrl} is not a token endpoint; ${hint}`, { status: res.status });
    }
    if (res.status < 200 || res.status >= 300) throw this.transport.statusError('rejected', req, res);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      throw new RedbackError('config', this.transport.describe(req, `the answer is not JSON, so ${this.settings.tokenUrl} is not a token endpoint; ${hint}`), { status: res.status });
    }
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      const reason = typeof body?.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : 'no access_token in the answer';
      throw new RedbackError('credentials', this.transport.describe(req, reason));
    }
    const type = typeof body.token_type === 'string' && body.token_type ? body.token_type : 'Bearer';
    const expiresIn = Number(body.expires_in);
    const lifetimeMs = (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_S) * 1000;
    const now = this.now();
    return {
      authorization: `${/^bearer$/i.test(type) ? 'Bearer' : type} ${accessToken}`,
      expiresAt: now + lifetimeMs,
      renewAt: now + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2),
    };
  }
}

/** The last refusal, saying when the token endpoint is asked again. */
function heldBack(refusal: Refusal): RedbackError {
  const at = new Date(refusal.nextTryAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new RedbackError('credentials', `${refusal.error.message}; next try at ${at}`, {
    status: refusal.error.status, nextTryAtMs: refusal.nextTryAtMs,
  });
}
