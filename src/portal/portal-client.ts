/**
 * The customer-portal client (docs/redback-cloud.md §6): logs in with the portal e-mail and password, keeps
 * the cookie session for later commands, reads the anti-forgery token of an inverter's Configure
 * page and posts the Set form to `productcontrol/Index`.
 *
 * - One login at a time, however many commands ask (single-flight); the session is reused until
 *   the portal shows it has ended, then re-established once per command.
 * - Every request goes through the account's Transport; redirects are followed by hand and only
 *   on the portal's own origin.
 * - The password and the session cookie are registered with the redactor, so neither appears in
 *   an error message.
 * - cheerio is loaded only when a page is parsed (see portal-pages.ts).
 */
import { parseJsonContainer } from '../util/json';
import { describeValue, isPlainObject } from '../util/objects';
import { RedbackError } from '../http/errors';
import type { HttpRequest, HttpResponse, Transport } from '../http/transport';
import { cloudText } from '../http/cloud-text';
import { checkUrl } from '../http/url-policy';
import { CookieSession, type SendResult } from './cookie-session';
import {
  ANTI_FORGERY_FIELD, CONFIGURE_FORM, LOGIN_FORM, configureFormToken, hasLoginForm, loginErrors, loginFormToken,
  looksLikeHtml, pageMessage,
} from './portal-pages';

export type PortalMode = 'Auto' | 'ChargeBattery' | 'DischargeBattery' | 'ImportPower' | 'ExportPower' | 'Conserve';

/** The six modes the portal's Set form accepts (docs/redback-cloud.md §7), exact case. */
export const PORTAL_MODES: readonly PortalMode[] = ['Auto', 'ChargeBattery', 'DischargeBattery', 'ImportPower', 'ExportPower', 'Conserve'];
export const MAX_PORTAL_POWER_W = 10_000;

export const LOGIN_PATH = '/Account/Login';
export const CONFIGURE_PATH = '/productcontrol/Configure';
export const SET_PATH = '/productcontrol/Index';
export const LOG_OFF_PATH = '/Account/LogOff';
/** The JSON error [RTPY] treats as an ended portal session (docs/redback-cloud.md §6.4). */
export const SESSION_EXPIRED_TEXT = 'Login session expired.';

export const MISSING_CREDENTIALS = 'the portal method needs the portal e-mail and password in the Redback account';

const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export interface PortalClientOptions {
  /** Base URL, e.g. https://portal.redbacktech.com (a trailing slash is tolerated). */
  portalUrl: string;
  email: string;
  password: string;
  transport: Transport;
}

interface Session {
  cookies: CookieSession;
}

/** The portal showed that the session has ended (login page, 401, "Login session expired."). */
class SessionEnded extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'SessionEnded';
  }
}

export class PortalClient {
  private readonly base: URL;
  /** The base URL without a trailing slash; the paths of docs/redback-cloud.md §6 are appended to it. */
  private readonly root: string;
  private readonly email: string;
  private readonly password: string;
  private readonly transport: Transport;
  private current: Session | null = null;
  private pending: Promise<Session> | null = null;
  /** Bumped by close(), so a login that finishes afterwards is not kept. */
  private epoch = 0;

  constructor(options: PortalClientOptions) {
    this.base = checkUrl(options.portalUrl, 'Portal URL');
    this.root = `${this.base.origin}${this.base.pathname.replace(/\/+$/, '')}`;
    const email = typeof options.email === 'string' ? options.email.trim() : '';
    const password = typeof options.password === 'string' ? options.password : '';
    if (email === '' || password === '') throw new RedbackError('config', MISSING_CREDENTIALS);
    this.email = email;
    this.password = password;
    this.transport = options.transport;
    this.transport.redactor.add(password);
  }

  /** Logs in now if there is no live session (used by the editor's "Test connection"). */
  async login(): Promise<void> {
    await this.session();
  }

  /**
   * Sets the inverter's mode through the portal's Set form (docs/redback-cloud.md §6.2, §6.3). `rossVersion`
   * is the inverter's SoftwareVersion from static data; `powerW` a whole number 0..10000 (sent as
   * 0 with Auto). If the session has ended, logs in again once and repeats the whole sequence.
   */
  async setMode(serial: string, mode: PortalMode, powerW: number, rossVersion: string): Promise<void> {
    const set = checkSet(serial, mode, powerW, rossVersion);
    const first = await this.session();
    try {
      await this.configureAndSet(first, set);
      return;
    } catch (err) {
      if (!(err instanceof SessionEnded)) throw err;
    }
    const second = await this.renew(first);
    try {
      await this.configureAndSet(second, set);
    } catch (err) {
      if (!(err instanceof SessionEnded)) throw err;
      throw new RedbackError('session', this.transport.redactor.clean(
        `the Redback portal session ended again right after a new login, so the mode of ${set.serial} was not set (${err.detail})`,
      ));
    }
  }

  /** Forgets the session (drops the cookie jar). The transport is owned and closed by the caller. */
  /**
   * Ends the session on the portal's side too (docs/redback-cloud.md §6.4, `Account/LogOff`), so a closed
   * account leaves no live session behind; then forgets it. Never throws: a session that cannot
   * be ended this way expires by itself.
   */
  async logOff(): Promise<void> {
    const session = this.current;
    this.close();
    if (!session) return;
    const req: HttpRequest = { method: 'GET', url: this.url(LOG_OFF_PATH), headers: { Accept: HTML_ACCEPT }, idempotent: false };
    try {
      await session.cookies.send(req, { stopAtLogin: true });
    } catch {
      // Nothing to do: the close goes on, and the portal drops the session when it expires.
    }
  }

  close(): void {
    this.epoch++;
    this.current = null;
    this.pending = null;
  }

  // ---- session ------------------------------------------------------------------------------

  private session(): Promise<Session> {
    return this.current ? Promise.resolve(this.current) : this.startLogin();
  }

  /** A session newer than `stale`: one another command already made, or a new login. */
  private renew(stale: Session): Promise<Session> {
    if (this.current && this.current !== stale) return Promise.resolve(this.current);
    if (this.current === stale) this.current = null;
    return this.startLogin();
  }

  private startLogin(): Promise<Session> {
    if (this.pending) return this.pending;
    const epoch = this.epoch;
    const attempt = this.logIn().then(
      (session) => {
        if (this.pending === attempt) this.pending = null;
        if (this.epoch === epoch) this.current = session;
        return session;
      },
      (err: unknown) => {
        if (this.pending === attempt) this.pending = null;
        throw err;
      },
    );
    this.pending = attempt;
    return attempt;
  }

  /** docs/redback-cloud.md §6.1: GET the login page with a fresh jar, scrape its token, POST the form. */
  private async logIn(): Promise<Session> {
    const cookies = new CookieSession(this.transport, this.base, isLoginUrl);
    const loginUrl = this.url(LOGIN_PATH);

    const getReq: HttpRequest = { method: 'GET', url: loginUrl, headers: { Accept: HTML_ACCEPT } };
    const page = await cookies.send(getReq);
    if (!isSuccess(page.res.status)) throw this.statusError('response', page.req, page.res);
    const token = looksLikeHtml(page.res.body) ? loginFormToken(page.res.body) : undefined;
    if (!token) {
      throw new RedbackError('response', this.transport.describe(
        page.req, `the Redback portal login page has changed: no anti-forgery token in ${LOGIN_FORM}`,
      ));
    }

    const postReq: HttpRequest = {
      method: 'POST',
      url: loginUrl,
      headers: { Accept: HTML_ACCEPT, 'Content-Type': FORM_TYPE, Referer: loginUrl },
      body: new URLSearchParams({ Email: this.email, Password: this.password, [ANTI_FORGERY_FIELD]: token }).toString(),
    };
    // A redirect anywhere but the login page means the portal let us in: it is not followed.
    const answer = await cookies.send(postReq, { stopAtLogin: true, stopWhen: async () => true });
    this.judgeLogin(answer);
    return { cookies };
  }

  /**
   * Throws unless the login POST left the login page (docs/redback-cloud.md §6.1): judged by what the portal does,
   * never by a cookie's name. A redirect elsewhere, or an answer without the login form, is a
   * login; the Configure page then shows whether the session holds (an ended one is logged in
   * again once).
   */
  private judgeLogin(answer: SendResult): void {
    const { res, req } = answer;
    if (answer.toLogin) throw this.loginFailed('the portal sent the login page back');
    if (isRedirect(res.status)) return;
    if (res.status === 401 || res.status === 403) {
      const text = this.textOf(res);
      throw new RedbackError('credentials', this.transport.redactor.clean(
        `Redback portal login failed: HTTP ${res.status}${text ? ` ${text}` : ''}`,
      ), { status: res.status });
    }
    if (!isSuccess(res.status)) throw this.statusError('response', req, res);
    if (looksLikeHtml(res.body) && hasLoginForm(res.body)) {
      throw this.loginFailed(loginErrors(this.transport.redactor.clean(res.body)) || 'the portal showed the login form again');
    }
  }

  private loginFailed(reason: string): RedbackError {
    return new RedbackError('credentials', this.transport.redactor.clean(`Redback portal login failed: ${reason}`));
  }

  // ---- Configure and Set ----------------------------------------------------------------------

  private async configureAndSet(session: Session, set: SetRequest): Promise<void> {
    const token = await this.configureToken(session, set.serial);
    await this.postSet(session, set, token);
  }

  /** docs/redback-cloud.md §6.2: the Configure page of the inverter and its form#GlobalAntiForgeryToken. */
  private async configureToken(session: Session, serial: string): Promise<string> {
    const req: HttpRequest = { method: 'GET', url: this.configureUrl(serial), headers: { Accept: HTML_ACCEPT } };
    const { res, req: last, toLogin } = await session.cookies.send(req, { stopAtLogin: true });
    if (toLogin) throw new SessionEnded(this.transport.describe(last, 'redirected to the login page'));
    this.checkSessionAnswer(last, res);
    if (!isSuccess(res.status)) throw this.statusError(res.status >= 400 ? 'rejected' : 'response', last, res);
    const token = looksLikeHtml(res.body) ? configureFormToken(res.body) : undefined;
    if (token) return token;
    if (looksLikeHtml(res.body) && hasLoginForm(res.body)) {
      throw new SessionEnded(this.transport.describe(last, 'the portal served the login page'));
    }
    throw new RedbackError('response', this.transport.describe(
      last, `the Redback portal Configure page has changed: no anti-forgery token in ${CONFIGURE_FORM}`,
    ));
  }

  /** docs/redback-cloud.md §6.3: the XHR POST of the Set form, with exactly the documented fields. */
  private async postSet(session: Session, set: SetRequest, token: string): Promise<void> {
    const body = new URLSearchParams([
      ['SerialNumber', set.serial],
      ['AppliedTariffId', ''],
      ['InverterOperation[Type]', 'Set'],
      ['InverterOperation[Mode]', set.mode],
      ['InverterOperation[PowerInWatts]', String(set.powerW)],
      ['InverterOperation[AppliedTarrifId]', ''],
      ['ProductModelName', ''],
      ['RossVersion', set.rossVersion],
      [ANTI_FORGERY_FIELD, token],
    ]).toString();
    const req: HttpRequest = {
      method: 'POST',
      url: this.url(SET_PATH),
      headers: {
        Accept: 'application/json, text/javascript, */*; q=0.01',
        'X-Requested-With': 'XMLHttpRequest',
        'Content-Type': `${FORM_TYPE}; charset=UTF-8`,
        Referer: this.configureUrl(set.serial),
      },
      body,
    };
    const { res, req: last, toLogin } = await session.cookies.send(req, { stopAtLogin: true });
    if (toLogin) throw new SessionEnded(this.transport.describe(last, 'redirected to the login page'));
    this.checkSessionAnswer(last, res);
    if (res.status === 400) throw this.statusError('rejected', last, res);
    if (!isSuccess(res.status)) throw this.statusError(res.status >= 400 ? 'rejected' : 'response', last, res);

    const json = parseJsonContainer(res.body);
    if (isPlainObject(json)) {
      // A success unless the portal says otherwise: {"success":true,"error":""} is a success (docs/diagnostics.md).
      if (json.success === false || (typeof json.error === 'string' && json.error.trim() !== '')) {
        throw new RedbackError('rejected', this.transport.describe(
          last, `the portal refused the change: ${cloudText(this.transport.redactor.clean(res.body)) || 'no reason given'}`,
        ), { status: res.status });
      }
      return;
    }
    if (looksLikeHtml(res.body) && hasLoginForm(res.body)) {
      throw new SessionEnded(this.transport.describe(last, 'the portal served the login page'));
    }
  }

  /**
   * Throws SessionEnded for a 401, a JSON "Login session expired." answer, or OWIN's answer to an
   * AJAX request without a session: a 200 whose `X-Responded-JSON` header carries status 401.
   */
  private checkSessionAnswer(req: HttpRequest, res: HttpResponse): void {
    if (respondedStatus(res) === 401) {
      throw new SessionEnded(this.transport.describe(req, `HTTP ${res.status} with X-Responded-JSON status 401`));
    }
    const json = parseJsonContainer(res.body);
    const error = isPlainObject(json) ? json.error : undefined;
    if (typeof error === 'string' && isExpiredText(error)) {
      throw new SessionEnded(this.transport.describe(req, `HTTP ${res.status} ${error}`));
    }
    if (res.status === 401) {
      const text = this.textOf(res);
      throw new SessionEnded(this.transport.describe(req, `HTTP 401${text ? ` ${text}` : ''}`));
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private url(path: string): string {
    return `${this.root}${path}`;
  }

  private configureUrl(serial: string): string {
    return `${this.url(CONFIGURE_PATH)}?serialNumber=${encodeURIComponent(serial)}`;
  }

  /**
   * The portal's own words: the text of an HTML page, or the cloud text of any other body. Secrets
   * are masked before the text is cut to length: a secret cut in two is no longer found.
   */
  private textOf(res: HttpResponse): string {
    const body = this.transport.redactor.clean(res.body);
    return (looksLikeHtml(body) ? pageMessage(body) : '') || cloudText(body);
  }

  private statusError(kind: RedbackError['kind'], req: HttpRequest, res: HttpResponse): RedbackError {
    if (!looksLikeHtml(res.body)) return this.transport.statusError(kind, req, res);
    const text = this.textOf(res);
    return new RedbackError(kind, this.transport.describe(req, `HTTP ${res.status}${text ? ` ${text}` : ''}`), { status: res.status });
  }
}

interface SetRequest {
  serial: string;
  mode: PortalMode;
  powerW: number;
  rossVersion: string;
}

/** Validates a Set before anything is sent; `config` errors otherwise. */
function checkSet(serial: unknown, mode: unknown, powerW: unknown, rossVersion: unknown): SetRequest {
  const cleanSerial = typeof serial === 'string' ? serial.trim() : '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cleanSerial)) {
    throw new RedbackError('config', `the portal needs an inverter serial number (letters and digits), got ${describeValue(serial)}`);
  }
  if (typeof mode !== 'string' || !(PORTAL_MODES as readonly string[]).includes(mode)) {
    throw new RedbackError('config', `the portal cannot set mode ${describeValue(mode)}; use one of ${PORTAL_MODES.join(', ')}`);
  }
  if (typeof powerW !== 'number' || !Number.isInteger(powerW) || powerW < 0 || powerW > MAX_PORTAL_POWER_W) {
    throw new RedbackError('config', `the portal power must be a whole number of watts from 0 to ${MAX_PORTAL_POWER_W}, got ${describeValue(powerW)}`);
  }
  const ross = typeof rossVersion === 'string' ? rossVersion.trim() : '';
  if (ross === '' || ross.length > 64) {
    throw new RedbackError('config', `the portal needs the inverter's software version (RossVersion), got ${describeValue(rossVersion)}`);
  }
  return { serial: cleanSerial, mode: mode as PortalMode, powerW: mode === 'Auto' ? 0 : powerW, rossVersion: ross };
}


/** The login page, however the portal spells its path. */
function isLoginUrl(url: URL): boolean {
  return /\/account\/login$/.test(url.pathname.toLowerCase().replace(/\/+$/, ''));
}

function isExpiredText(text: string): boolean {
  return /session (has )?expired/i.test(text) || text.trim() === SESSION_EXPIRED_TEXT;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** The status in an `X-Responded-JSON` header (`{"status":401,"headers":{…}}`), or undefined. */
function respondedStatus(res: HttpResponse): number | undefined {
  const raw = res.headers['x-responded-json'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== 'string') return undefined;
  const parsed = parseJsonContainer(text);
  return isPlainObject(parsed) && typeof parsed.status === 'number' ? parsed.status : undefined;
}


