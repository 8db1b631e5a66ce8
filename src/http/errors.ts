/** Errors from the Redback clients: one class, a kind for the caller to act on, a short message. */
export type RedbackErrorKind =
  /** A setting is wrong: a URL the policy refuses, a token URL that is not a token endpoint. */
  | 'config'
  /** The cloud refused the credentials (token endpoint 400/401/403, portal login failed). */
  | 'credentials'
  /** 5xx or an unusable response after the retries: try again later. */
  | 'transient'
  /** 429 whose Retry-After is too long to wait, or still 429 after the retries. */
  | 'rate-limited'
  | 'timeout'
  /** The connection failed (refused, reset, DNS). */
  | 'network'
  /** A 2xx answer whose body is not what the API documents (HTML, malformed JSON, wrong shape). */
  | 'response'
  /** The cloud rejected the request (4xx other than auth), or reported an error in a 200 body. */
  | 'rejected'
  /** The portal session ended and could not be re-established. */
  | 'session'
  /** The client was closed while the request was under way. */
  | 'closed';

export class RedbackError extends Error {
  readonly kind: RedbackErrorKind;
  readonly status: number | undefined;
  /** Milliseconds the cloud asked us to wait (429). */
  readonly retryAfterMs: number | undefined;
  /** When the request will next be tried (epoch ms), when it is held back (credential backoff). */
  readonly nextTryAtMs: number | undefined;

  constructor(kind: RedbackErrorKind, message: string, options: { status?: number; retryAfterMs?: number; nextTryAtMs?: number } = {}) {
    super(message);
    this.name = 'RedbackError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.nextTryAtMs = options.nextTryAtMs;
  }

  /** Transient errors clear up by themselves; the others need a person. */
  get transient(): boolean {
    return ['transient', 'rate-limited', 'timeout', 'network', 'response'].includes(this.kind);
  }
}

export function isRedbackError(err: unknown): err is RedbackError {
  return err instanceof RedbackError;
}
