/**
 * Removes secrets from text before it reaches an error message, a log or a status: every value
 * registered (client secret, portal password, access tokens, session cookies) and anything that
 * looks like a bearer token or a credential field.
 */
const MASK = '***';
const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${MASK}`],
  [/("?(?:access_token|client_secret|password|Password|__RequestVerificationToken)"?\s*[:=]\s*"?)[^"&\s,}]+/g, `$1${MASK}`],
  // .AspNet.ApplicationCookie (the portal's session as last recorded) and ASP.NET Core's cookie
  // names; cookies of any other name are masked by value (the cookie session registers them all).
  [/(\.AspNet(?:Core)?\.[A-Za-z0-9._-]+=)[^;\s]+/g, `$1${MASK}`],
];
const MIN_SECRET_LENGTH = 4;
/** Values kept per rotating slot: the current one and the one before (still in flight). */
const ROTATION_DEPTH = 2;

export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly rotating = new Map<string, string[]>();

  /** Registers values that must never be shown; short or empty values are ignored. */
  add(...values: (string | null | undefined)[]): void {
    for (const value of values) {
      if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
    }
  }

  /**
   * Registers a value that replaces earlier ones of the same kind (an access token, a session
   * cookie), so a long-running process does not collect every token it was ever issued.
   */
  rotate(slot: string, value: string | null | undefined): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const values = (this.rotating.get(slot) ?? []).filter((v) => v !== value);
    this.rotating.set(slot, [value, ...values].slice(0, ROTATION_DEPTH));
  }

  clean(text: string): string {
    let out = text;
    const values = [...this.secrets, ...[...this.rotating.values()].flat()];
    // As written, URL-encoded, form-encoded (space as +) and escaped inside a JSON string;
    // longest first, so a secret that contains another is masked whole.
    const forms = new Set(values.flatMap((v) => [v, encodeURIComponent(v), formEncode(v), JSON.stringify(v).slice(1, -1)]));
    for (const secret of [...forms].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
