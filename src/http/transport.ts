/**
 * The HTTP transport every Redback client uses: one axios instance and one pair of keep-alive
 * agents per account, a timeout on every request, bounded retries with backoff and jitter, 429
 * handled by Retry-After, redirects returned to the caller (never followed blindly), every
 * error message redacted, and `close()` that releases every socket and timer.
 */
import axios, { type AxiosInstance } from 'axios';
import { setMaxListeners } from 'events';
import http from 'http';
import https from 'https';
import { backoffDelay, closedError, parseRetryAfter, type BackoffPolicy } from './backoff';
import { sleepOn, systemClock } from '../util/clock';
import { cloudText } from './cloud-text';
import { RedbackError } from './errors';
import type { Redactor } from './redactor';

const IDLE_SOCKET_MS = 4000;
/** No Redback answer comes near this; a proxy gone wrong must not fill memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Already encoded (form or JSON). */
  body?: string;
  /**
   * Whether repeating the request is harmless. Idempotent requests are retried on 5xx, timeouts
   * and network errors; others only when the cloud cannot have acted on them (429, connection
   * refused). Default: GET and DELETE are idempotent, POST is not.
   */
  idempotent?: boolean;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One attempt as the transport saw it, for diagnostics (src/diagnostics/recorder.ts). */
export interface Exchange {
  method: HttpRequest['method'];
  url: string;
  startedAtMs: number;
  ms: number;
  status: number | null;
  /** `answered` for any answer; otherwise why there was none. */
  outcome: 'answered' | 'timeout' | 'network' | 'closed';
  /** The answer as received (the observer must not keep anything secret from it). */
  response?: HttpResponse;
}

export interface TransportOptions {
  redactor: Redactor;
  /** Told of every attempt and its answer; must not throw. */
  observer?: (exchange: Exchange) => void;
  /** Per-request timeout; default 30 s (the account's `timeoutS`). */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for; default 60 s. */
  maxRetryAfterMs?: number;
  random?: () => number;
}

export class Transport {
  readonly redactor: Redactor;
  private readonly axios: AxiosInstance;
  // Idle sockets are dropped after a few seconds, before a server is likely to close them under
  // us (a POST on a socket the server just closed fails and must not be repeated).
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16, timeout: IDLE_SOCKET_MS });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, timeout: IDLE_SOCKET_MS });
  private readonly abort = new AbortController();
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly observer: ((exchange: Exchange) => void) | undefined;

  constructor(options: TransportOptions) {
    this.redactor = options.redactor;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.observer = options.observer;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.backoff = {
      baseDelayMs: options.baseDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      random: options.random ?? Math.random,
    };
    // Every request under way and every retry wait listens to this signal; without this, more than
    // ten at once make Node warn of a "possible EventTarget memory leak".
    setMaxListeners(0, this.abort.signal);
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      maxContentLength: MAX_BODY_BYTES,
      maxBodyLength: MAX_BODY_BYTES,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      decompress: true,
    });
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * Sends the request, retrying as the policy allows. Resolves with any final answer below 500
   * other than 429 (the caller judges 3xx and 4xx); rejects with a RedbackError otherwise.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw closedError();
      const last = attempt >= this.maxRetries;
      let res: HttpResponse;
      const startedAtMs = Date.now();
      try {
        res = await this.send(req);
        this.observe(req, startedAtMs, 'answered', res);
      } catch (err) {
        const code = (err as { code?: string }).code;
        this.observe(req, startedAtMs, this.closed ? 'closed' : code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timeout' : 'network');
        if (this.closed) throw closedError();
        const failure = this.networkError(req, err);
        const retryable = idempotent || failure.code === 'ECONNREFUSED';
        if (last || !retryable) throw failure.error;
        await sleepOn(systemClock, backoffDelay(attempt, this.backoff), this.abort.signal);
        continue;
      }
      if (res.status === 429) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now());
        const waitMs = retryAfterMs ?? backoffDelay(attempt, this.backoff);
        if (last || waitMs > this.maxRetryAfterMs) {
          const text = cloudText(this.redactor.clean(res.body)) || 'Too Many Requests';
          throw new RedbackError('rate-limited', this.describe(req, `HTTP 429 ${text}${retryHint(retryAfterMs)}`), {
            status: 429, retryAfterMs,
          });
        }
        await sleepOn(systemClock, waitMs, this.abort.signal);
        continue;
      }
      if (res.status >= 500) {
        if (last || !idempotent) throw this.statusError('transient', req, res);
        await sleepOn(systemClock, backoffDelay(attempt, this.backoff), this.abort.signal);
        continue;
      }
      return res;
    }
  }

  /** An error for an answer the caller did not expect, with the cloud's own words. */
  statusError(kind: RedbackError['kind'], req: HttpRequest, res: HttpResponse): RedbackError {
    // Redact before cloudText shortens the body: a secret cut in two by the cut is no longer found.
    const text = cloudText(this.redactor.clean(res.body));
    return new RedbackError(kind, this.describe(req, `HTTP ${res.status}${text ? ` ${text}` : ''}`), { status: res.status });
  }

  /** "GET /Api/v2/EnergyData failed: <detail>", with the path only (no host, no query) and secrets removed. */
  describe(req: HttpRequest, detail: string): string {
    return this.redactor.clean(`${req.method} ${pathOf(req.url)} failed: ${detail}`);
  }

  /** Aborts requests under way, cancels retry waits and destroys every socket. */
  close(): void {
    if (this.closed) return;
    this.abort.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private observe(req: HttpRequest, startedAtMs: number, outcome: Exchange['outcome'], res?: HttpResponse): void {
    if (!this.observer) return;
    try {
      this.observer({
        method: req.method, url: req.url, startedAtMs, ms: Date.now() - startedAtMs, status: res ? res.status : null, outcome, response: res,
      });
    } catch {
      // Diagnostics never break a request.
    }
  }

  private async send(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    // axios's `timeout` only covers the wait for the response headers and then idle sockets: a
    // body that trickles in never times out. This deadline covers the whole exchange.
    const attempt = new AbortController();
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, timeoutMs);
    const onClose = (): void => attempt.abort();
    this.abort.signal.addEventListener('abort', onClose, { once: true });
    if (this.abort.signal.aborted) attempt.abort();
    try {
      const res = await this.axios.request<string>({
        method: req.method,
        url: req.url,
        headers: req.headers,
        data: req.body,
        timeout: timeoutMs,
        signal: attempt.signal,
      });
      return {
        status: res.status,
        headers: res.headers as HttpResponse['headers'],
        body: typeof res.data === 'string' ? res.data : '',
      };
    } catch (err) {
      if (timedOut && !this.closed) throw Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      throw err;
    } finally {
      clearTimeout(deadline);
      this.abort.signal.removeEventListener('abort', onClose);
    }
  }

  private networkError(req: HttpRequest, err: unknown): { error: RedbackError; code: string | undefined } {
    const code = (err as { code?: string }).code;
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      return { code, error: new RedbackError('timeout', this.describe(req, `no answer within ${timeoutMs / 1000} s`)) };
    }
    const reason = code ? `${code} (${NETWORK_REASONS[code] ?? 'network error'})` : (err as Error).message;
    return { code, error: new RedbackError('network', this.describe(req, `${reason} reaching ${hostOf(req.url)}`)) };
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ERR_BAD_RESPONSE: 'bad response',
};

function retryHint(retryAfterMs: number | undefined): string {
  return retryAfterMs === undefined ? '' : ` (the cloud asked to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
