/** Bearer tokens issued by the simulated token endpoint; they live in wall-clock time. */
import { randomBytes } from 'crypto';
import type { AccountDef } from './types';

interface IssuedToken {
  account: AccountDef;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; account: AccountDef } | { ok: false; reason: 'missing' | 'invalid' | 'expired'; expiredAtMs?: number };

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly wallNow: () => number) {}

  issue(account: AccountDef, lifetimeSeconds: number): string {
    this.prune();
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { account, expiresAtMs: this.wallNow() + lifetimeSeconds * 1000 });
    return token;
  }

  /** Checks an `Authorization` header value (`Bearer <token>`, scheme case-insensitive). */
  check(authorization: string | undefined): TokenCheck {
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'missing' };
    const issued = this.tokens.get(match[1]);
    if (!issued) return { ok: false, reason: 'invalid' };
    if (this.wallNow() >= issued.expiresAtMs) return { ok: false, reason: 'expired', expiredAtMs: issued.expiresAtMs };
    return { ok: true, account: issued.account };
  }

  /** Makes every token issued so far expire now. */
  expireAll(): void {
    const now = this.wallNow();
    for (const issued of this.tokens.values()) issued.expiresAtMs = Math.min(issued.expiresAtMs, now);
  }

  private prune(): void {
    const cutoff = this.wallNow() - 24 * 3600_000;
    for (const [token, issued] of this.tokens) if (issued.expiresAtMs < cutoff) this.tokens.delete(token);
  }
}
