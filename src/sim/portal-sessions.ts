/**
 * Logged-in portal sessions, keyed by the value of the `.AspNet.ApplicationCookie` cookie. A
 * session ends a fixed number of wall-clock minutes after login (OWIN cookie authentication with
 * an absolute expiry), when the user logs off, or when the simulator expires every session.
 */
import { randomBytes } from 'crypto';
import type { AccountDef } from './types';

export interface PortalSession {
  /** The `.AspNet.ApplicationCookie` value. */
  readonly id: string;
  readonly account: AccountDef;
  readonly createdWallMs: number;
  /**
   * Form tokens issued by Configure pages of this session, each mapped to the anti-forgery cookie
   * token it was paired with. Oldest first; only the latest few are kept.
   */
  readonly configureTokens: Map<string, string>;
}

export interface PortalSessionsOptions {
  /** Wall-clock source; default Date.now. */
  wallNow?: () => number;
  /**
   * Session lifetime in ms, read on every check so a changed setting applies at once; default 30
   * minutes.
   */
  lifetimeMs?: () => number;
}

const DEFAULT_LIFETIME_MS = 30 * 60_000;
const MAX_CONFIGURE_TOKENS = 20;
const MAX_SESSIONS = 10_000;

export class PortalSessions {
  private readonly sessions = new Map<string, PortalSession>();
  private readonly wallNow: () => number;
  private readonly lifetimeMs: () => number;

  constructor(options: PortalSessionsOptions = {}) {
    this.wallNow = options.wallNow ?? Date.now;
    this.lifetimeMs = options.lifetimeMs ?? (() => DEFAULT_LIFETIME_MS);
  }

  /** Starts a session for the account; its id is the new cookie value. */
  create(account: AccountDef): PortalSession {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next();
      if (!oldest.done) this.sessions.delete(oldest.value);
    }
    const session: PortalSession = {
      id: randomBytes(48).toString('base64url'),
      account,
      createdWallMs: this.wallNow(),
      configureTokens: new Map(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this cookie value; an expired one is dropped and gives `undefined`. */
  get(id: string | undefined): PortalSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.expired(session, this.wallNow())) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** When the session ends, wall-clock ms. */
  expiresAt(session: PortalSession): number {
    return session.createdWallMs + this.lifetimeMs();
  }

  /** Ends one session (log-off); true when it existed. */
  end(id: string | undefined): boolean {
    return id ? this.sessions.delete(id) : false;
  }

  /** Remembers a form token issued by a Configure page, paired with the anti-forgery cookie token. */
  addConfigureToken(session: PortalSession, formToken: string, cookieToken: string): void {
    session.configureTokens.set(formToken, cookieToken);
    while (session.configureTokens.size > MAX_CONFIGURE_TOKENS) {
      const oldest = session.configureTokens.keys().next();
      if (oldest.done) break;
      session.configureTokens.delete(oldest.value);
    }
  }

  /** Ends every session now, as if all had expired (admin route and tests). */
  expireAll(): void {
    this.sessions.clear();
  }

  /** How many sessions are live now. */
  count(): number {
    this.prune();
    return this.sessions.size;
  }

  private expired(session: PortalSession, now: number): boolean {
    return now >= session.createdWallMs + this.lifetimeMs();
  }

  private prune(): void {
    const now = this.wallNow();
    for (const [id, session] of this.sessions) if (this.expired(session, now)) this.sessions.delete(id);
  }
}
