/**
 * The customer portal (portal.redbacktech.com), modelled on ASP.NET MVC with OWIN cookie
 * authentication: the login page and its anti-forgery token, the per-inverter Configure page with
 * its second token, the Set POST to `productcontrol/Index`, a small dashboard, and LogOff.
 *
 * Anti-forgery works as in ASP.NET: a cookie token (`__RequestVerificationToken` cookie) and form
 * tokens derived from it with a secret of this simulator, bound to the current user ("" before
 * login). The Set POST accepts only tokens a Configure page of the same session issued.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { InverterEntry } from './cloud';
import { sessionCookieName, type SimContext } from './context';
import { Router, html, json, parseForm, redirect, type Handler, type Params, type SimRequest, type SimResponse } from './http';
import {
  ANTI_FORGERY_NAME, antiForgeryErrorPage, configurePage, dashboardPage, loginPage, notFoundPage, redesignedLoginPage,
} from './portal-pages';
import type { PortalSession, PortalSessions } from './portal-sessions';
import { PORTAL_MODES, type AccountDef, type InverterMode } from './types';

/** The default session cookie (the `portalSessionCookie` setting names another). */
export const AUTH_COOKIE = '.AspNet.ApplicationCookie';
export const LOGIN_PATH = '/Account/Login';
export const HOME_PATH = '/ui/';
/** The JSON error an AJAX request gets without a live session ([RTPY] treats it as an auth error). */
export const SESSION_EXPIRED = 'Login session expired.';
export const MAX_PORTAL_POWER_W = 10_000;

const EXPIRED_COOKIE_DATE = 'Thu, 01-Jan-1970 00:00:00 GMT';
const PAGE_HEADERS = { 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache', 'X-Frame-Options': 'SAMEORIGIN' };

const MSG_COOKIE_MISSING = `The required anti-forgery cookie "${ANTI_FORGERY_NAME}" is not present.`;
const MSG_FIELD_MISSING = `The required anti-forgery form field "${ANTI_FORGERY_NAME}" is not present.`;
const MSG_MISMATCH = 'The anti-forgery cookie token and form field token do not match.';
const MSG_UNDECRYPTABLE = 'The anti-forgery token could not be decrypted. If this application is hosted by a Web Farm or '
  + 'cluster, ensure that all machines are running the same version of ASP.NET Web Pages and that the <machineKey> '
  + 'configuration specifies explicit encryption and validation keys. AutoGenerate cannot be used in a cluster.';

type SessionHandler = (req: SimRequest, params: Params, session: PortalSession) => SimResponse;

export function registerPortalRoutes(router: Router, ctx: SimContext, sessions: PortalSessions): void {
  const af = new AntiForgery();

  const cookieName = (): string => sessionCookieName(ctx.settings);
  const sessionOf = (req: SimRequest): PortalSession | undefined => sessions.get(req.cookies[cookieName()]);
  /** The anti-forgery user: the e-mail of the live session, "" when anonymous. */
  const userOf = (req: SimRequest): string => sessionOf(req)?.account.email ?? '';

  /** The request's valid anti-forgery cookie token, or a new one with its Set-Cookie header. */
  const cookieTokenFor = (req: SimRequest): { cookieToken: string; headers: Record<string, string | string[]> } => {
    const existing = req.cookies[ANTI_FORGERY_NAME];
    if (existing && af.isCookieToken(existing)) return { cookieToken: existing, headers: { ...PAGE_HEADERS } };
    const cookieToken = af.newCookieToken();
    return { cookieToken, headers: { ...PAGE_HEADERS, 'Set-Cookie': [`${ANTI_FORGERY_NAME}=${cookieToken}; path=/; HttpOnly`] } };
  };

  const loginForm = (req: SimRequest, returnUrl: string | undefined, extra: { email?: string; errors?: string[] } = {}): SimResponse => {
    const { cookieToken, headers } = cookieTokenFor(req);
    const formToken = af.formToken(cookieToken, userOf(req));
    return html(200, loginPage({ formToken, returnUrl, ...extra }), headers);
  };

  /** OWIN cookie auth: AJAX requests get 401, others a redirect to the login page. */
  const unauthenticated = (req: SimRequest): SimResponse => {
    if (isAjax(req) && ctx.settings.portalAjaxUnauthenticated === 'xRespondedJson') {
      // OWIN cookie authentication's answer to an AJAX request: 200, the real status in a header.
      const location = `${LOGIN_PATH}?ReturnUrl=${encodeURIComponent(pathAndQuery(req))}`;
      return { status: 200, headers: { 'X-Responded-JSON': JSON.stringify({ status: 401, headers: { location } }), 'Cache-Control': 'no-cache' }, body: '' };
    }
    if (isAjax(req)) return json(401, { error: SESSION_EXPIRED }, { 'Cache-Control': 'no-cache' });
    return redirect(`${LOGIN_PATH}?ReturnUrl=${encodeURIComponent(pathAndQuery(req))}`);
  };
  const requireSession = (handler: SessionHandler): Handler => (req, params) => {
    const session = sessionOf(req);
    return session ? handler(req, params, session) : unauthenticated(req);
  };

  router.add('GET', LOGIN_PATH, (req) => {
    const returnUrl = req.query.get('ReturnUrl') ?? undefined;
    if (ctx.faults.take(['loginWithoutToken'], 'portal', req.method, req.path)) {
      return html(200, redesignedLoginPage(returnUrl), { ...PAGE_HEADERS });
    }
    return loginForm(req, returnUrl);
  });

  router.add('POST', LOGIN_PATH, (req) => {
    const form = parseForm(req);
    const returnUrl = req.query.get('ReturnUrl') ?? undefined;
    const problem = af.validate(req.cookies[ANTI_FORGERY_NAME], form.get(ANTI_FORGERY_NAME), userOf(req));
    if (problem) return antiForgeryFailure(problem);

    const email = form.get('Email') ?? '';
    const password = form.get('Password') ?? '';
    const errors: string[] = [];
    if (email.trim() === '') errors.push('The Email field is required.');
    if (password === '') errors.push('The Password field is required.');
    if (errors.length > 0) return loginForm(req, returnUrl, { email, errors });

    const account = ctx.cloud.accountByEmail(email);
    if (!account || !samePassword(account, password)) {
      return loginForm(req, returnUrl, { email, errors: ['Invalid login attempt.'] });
    }
    const session = sessions.create(account);
    const remember = form.getAll('RememberMe').some((v) => v.trim().toLowerCase() === 'true');
    const expires = remember ? `; expires=${cookieDate(sessions.expiresAt(session))}` : '';
    const target = returnUrl !== undefined && isLocalUrl(returnUrl) ? returnUrl : HOME_PATH;
    return redirect(target, { 'Set-Cookie': [`${cookieName()}=${session.id}; path=/${expires}; HttpOnly`] });
  });

  router.add('GET', '/Account/LogOff', (req) => {
    sessions.end(req.cookies[cookieName()]);
    return redirect(LOGIN_PATH, { 'Set-Cookie': [`${cookieName()}=; path=/; expires=${EXPIRED_COOKIE_DATE}`] });
  });

  const dashboard = requireSession((_req, _params, session) => {
    const inverters = session.account.sites.flatMap((site) => site.inverters.map((def) => ({
      serial: def.serial,
      model: def.model,
      siteId: site.siteId,
      address: `${site.location.addressLineOne}, ${site.location.suburb} ${site.location.state}`,
    })));
    return html(200, dashboardPage(session.account.email, inverters), { ...PAGE_HEADERS });
  });
  router.add('GET', '/', dashboard);
  router.add('GET', '/ui', dashboard);

  router.add('GET', '/productcontrol/Configure', requireSession((req, _params, session) => {
    const serial = req.query.get('serialNumber');
    const entry = serial ? ctx.cloud.inverter(session.account, serial) : undefined;
    if (!entry) {
      const what = serial ? `No inverter with serial number ${serial} on this account.` : 'No serial number given.';
      return html(404, notFoundPage(what, session.account.email), { ...PAGE_HEADERS });
    }
    const { cookieToken, headers } = cookieTokenFor(req);
    const formToken = af.formToken(cookieToken, session.account.email);
    sessions.addConfigureToken(session, formToken, cookieToken);
    const site = entry.site;
    return html(200, configurePage({
      email: session.account.email,
      serial: entry.def.serial,
      model: entry.def.model,
      name: `${entry.def.model} at ${site.location.addressLineOne}, ${site.location.suburb}`,
      siteId: site.siteId,
      softwareVersion: entry.def.softwareVersion,
      firmwareVersion: entry.def.firmwareVersion,
      current: ctx.cloud.snapshot(entry).mode,
      formToken,
    }), headers);
  }));

  router.add('POST', '/productcontrol/Index', requireSession((req, _params, session) => {
    const form = parseForm(req);
    const problem = checkConfigureToken(af, session, req.cookies[ANTI_FORGERY_NAME], form.get(ANTI_FORGERY_NAME));
    if (problem) return antiForgeryFailure(problem);
    const result = parseSetForm(form, session.account, ctx);
    if (!result.ok) return json(400, { success: false, message: result.errors.join(' ') });
    ctx.cloud.setPortalMode(result.entry, { mode: result.mode, powerW: result.powerW });
    return json(200, ctx.settings.portalSetAnswer === 'emptyError' ? { success: true, error: '' } : { success: true });
  }));
}

function antiForgeryFailure(message: string): SimResponse {
  return html(400, antiForgeryErrorPage(message), { ...PAGE_HEADERS });
}

/** Why the Set POST's token is not one a Configure page of this session issued, or null. */
function checkConfigureToken(af: AntiForgery, session: PortalSession, cookie: string | undefined, field: string | null): string | null {
  if (!cookie) return MSG_COOKIE_MISSING;
  if (!field) return MSG_FIELD_MISSING;
  const paired = session.configureTokens.get(field);
  if (paired !== undefined && paired === cookie) return null;
  if (!af.isCookieToken(cookie) || !af.isWellFormed(field)) return MSG_UNDECRYPTABLE;
  if (af.matches(field, cookie, '')) {
    // A login-page token: ASP.NET binds form tokens to the user they were issued for.
    return `The provided anti-forgery token was meant for user "", but the current user is "${session.account.email}".`;
  }
  return MSG_MISMATCH;
}

type SetForm =
  | { ok: true; entry: InverterEntry; mode: InverterMode; powerW: number }
  | { ok: false; errors: string[] };

/** Checks the fields of the Set form (docs/redback-cloud.md §6.3). Names are matched exactly, including `Tarrif`. */
function parseSetForm(form: URLSearchParams, account: AccountDef, ctx: SimContext): SetForm {
  const errors: string[] = [];
  const field = (name: string): string | null => form.get(name);
  const emptyOrWholeNumber = (name: string, hint = ''): void => {
    const value = field(name);
    if (value === null) errors.push(`${name} is missing (send it empty).${hint}`);
    else if (value !== '' && !/^\d{1,9}$/.test(value)) errors.push(`${name} must be empty or a whole number, got ${quote(value)}.`);
  };

  let entry: InverterEntry | undefined;
  const serial = field('SerialNumber');
  if (serial === null || serial === '') errors.push('SerialNumber is required.');
  else {
    entry = ctx.cloud.inverter(account, serial);
    if (!entry) errors.push(`SerialNumber ${quote(serial)} is not an inverter of this account.`);
  }

  emptyOrWholeNumber('AppliedTariffId');

  const type = field('InverterOperation[Type]');
  if (type === null || type === '') errors.push('InverterOperation[Type] is required.');
  else if (type !== 'Set') errors.push(`InverterOperation[Type] must be 'Set', got ${quote(type)}.`);

  const modeText = field('InverterOperation[Mode]');
  const mode = PORTAL_MODES.find((m) => m === modeText);
  if (modeText === null || modeText === '') errors.push('InverterOperation[Mode] is required.');
  else if (!mode) {
    errors.push(`InverterOperation[Mode] ${quote(modeText)} is not a portal mode; use one of ${PORTAL_MODES.join(', ')} (exact case).`);
  }

  const powerText = field('InverterOperation[PowerInWatts]');
  let powerW = NaN;
  if (powerText === null || powerText === '') errors.push('InverterOperation[PowerInWatts] is required.');
  else if (!/^\d{1,9}$/.test(powerText)) {
    errors.push(`InverterOperation[PowerInWatts] must be a whole number of watts, got ${quote(powerText)}.`);
  } else {
    powerW = Number(powerText);
    if (powerW > MAX_PORTAL_POWER_W) {
      errors.push(`InverterOperation[PowerInWatts] must be between 0 and ${MAX_PORTAL_POWER_W}, got ${powerW}.`);
    }
  }

  const misspelt = form.has('InverterOperation[AppliedTariffId]') ? ' Note the spelling: AppliedTarrifId.' : '';
  emptyOrWholeNumber('InverterOperation[AppliedTarrifId]', misspelt);

  if (field('ProductModelName') === null) errors.push('ProductModelName is missing (send it empty).');

  const ross = field('RossVersion');
  if (ross === null) errors.push('RossVersion is required.');
  else if (entry && ctx.settings.strictRossVersion && ross !== entry.def.softwareVersion) {
    errors.push(`RossVersion ${quote(ross)} does not match the inverter's software version `
      + `${quote(entry.def.softwareVersion)} (Data.Nodes[0].StaticData.SoftwareVersion).`);
  }

  if (errors.length > 0 || !entry || !mode) return { ok: false, errors };
  return { ok: true, entry, mode, powerW };
}

/**
 * ASP.NET-style anti-forgery tokens. Cookie token: 16 random bytes and a 16-byte MAC of them.
 * Form token: a 16-byte nonce and a MAC over the cookie token, the user and the nonce, so each
 * rendering differs but only pairs with its cookie and user. The secret lives as long as the
 * simulator.
 */
class AntiForgery {
  private readonly secret = randomBytes(32);

  newCookieToken(): string {
    const random = randomBytes(16);
    return Buffer.concat([random, this.mac(['cookie', random.toString('hex')]).subarray(0, 16)]).toString('base64url');
  }

  isCookieToken(value: string): boolean {
    const raw = decode(value, 32);
    return raw !== null && safeEqual(raw.subarray(16), this.mac(['cookie', raw.subarray(0, 16).toString('hex')]).subarray(0, 16));
  }

  formToken(cookieToken: string, user: string): string {
    const nonce = randomBytes(16);
    return Buffer.concat([nonce, this.formMac(nonce, cookieToken, user)]).toString('base64url');
  }

  isWellFormed(formToken: string): boolean {
    return decode(formToken, 48) !== null;
  }

  matches(formToken: string, cookieToken: string, user: string): boolean {
    const raw = decode(formToken, 48);
    return raw !== null && safeEqual(raw.subarray(16), this.formMac(raw.subarray(0, 16), cookieToken, user));
  }

  /** Why a form post fails validation (ASP.NET's messages), or null when it passes. */
  validate(cookie: string | undefined, field: string | null, user: string): string | null {
    if (!cookie) return MSG_COOKIE_MISSING;
    if (!field) return MSG_FIELD_MISSING;
    if (!this.isCookieToken(cookie) || !this.isWellFormed(field)) return MSG_UNDECRYPTABLE;
    if (this.matches(field, cookie, user)) return null;
    if (user !== '' && this.matches(field, cookie, '')) {
      return `The provided anti-forgery token was meant for user "", but the current user is "${user}".`;
    }
    return MSG_MISMATCH;
  }

  private formMac(nonce: Buffer, cookieToken: string, user: string): Buffer {
    return this.mac(['form', cookieToken, user.toLowerCase(), nonce.toString('hex')]);
  }

  private mac(parts: string[]): Buffer {
    return createHmac('sha256', this.secret).update(JSON.stringify(parts)).digest();
  }
}

function decode(token: string, length: number): Buffer | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  return raw.length === length && raw.toString('base64url') === token ? raw : null;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function samePassword(account: AccountDef, password: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(account.password), digest(password));
}

function isAjax(req: SimRequest): boolean {
  const header = req.headers['x-requested-with'];
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').toLowerCase() === 'xmlhttprequest';
}

function pathAndQuery(req: SimRequest): string {
  const query = req.query.toString();
  return query ? `${req.path}?${query}` : req.path;
}

/**
 * ASP.NET's Url.IsLocalUrl, a little stricter: one leading slash, not `//` or `/\`, printable
 * ASCII only (so the Location header is always valid and never names another host).
 */
export function isLocalUrl(url: string): boolean {
  return /^\/[\x21-\x7e]*$/.test(url) && !url.startsWith('//') && !url.includes('\\');
}

function cookieDate(ms: number): string {
  // OWIN's format: "Thu, 29-Jan-2026 02:00:00 GMT".
  const [day, date, month, year, time] = new Date(ms).toUTCString().split(' ');
  return `${day} ${date}-${month}-${year} ${time} GMT`;
}

function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return `'${shown}'`;
}
