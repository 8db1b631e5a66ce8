import should from 'should';
import sinon from 'sinon';
import { SimClock } from '../../src/sim/clock';
import { SimCloud } from '../../src/sim/cloud';
import type { SimContext, SimSettings } from '../../src/sim/context';
import { FaultInjector } from '../../src/sim/faults';
import { Router, type SimRequest, type SimResponse } from '../../src/sim/http';
import { escapeHtml } from '../../src/sim/portal-pages';
import { AUTH_COOKIE, isLocalUrl, registerPortalRoutes } from '../../src/sim/portal-routes';
import { PortalSessions } from '../../src/sim/portal-sessions';
import { DEFAULT_CREDENTIALS, defaultAccount, fleetAccount } from '../../src/sim/scenarios';
import { PORTAL_MODES } from '../../src/sim/types';

const START = '2026-01-15T02:00:00Z';
const SERIAL = 'RB21081800001734'; // ST10000, software 2.x in defaultAccount()
const FOREIGN_SERIAL = 'RB80000000000000'; // fleetAccount's first inverter
const AF = '__RequestVerificationToken';

interface Sim {
  ctx: SimContext;
  router: Router;
  sessions: PortalSessions;
  advanceWall(ms: number): void;
}

function makeSim(settings: Partial<SimSettings> = {}): Sim {
  let wall = Date.parse(START);
  const clock = new SimClock({ start: START, speed: 0 });
  const ctx: SimContext = {
    cloud: new SimCloud([defaultAccount(), fleetAccount(2)], clock),
    clock,
    faults: new FaultInjector(),
    settings: {
      tokenLifetimeSeconds: 3600,
      expiresInAsString: false,
      portalSessionMinutes: 30,
      strictRossVersion: true,
      wallClockControls: false,
      omitScheduleId: false,
      missingIdDeleteStatus: 404,
      batteryCountZero: false,
      ...settings,
    },
    wallNow: () => wall,
  };
  const router = new Router();
  const sessions = new PortalSessions({ wallNow: () => wall, lifetimeMs: () => ctx.settings.portalSessionMinutes * 60_000 });
  registerPortalRoutes(router, ctx, sessions);
  return { ctx, router, sessions, advanceWall: (ms) => { wall += ms; } };
}

/** Calls the router like a browser: a cookie jar, form bodies, no redirect following. */
class Browser {
  cookies: Record<string, string> = {};

  constructor(private readonly router: Router) {}

  async send(
    method: string,
    url: string,
    options: { form?: Record<string, string> | string; headers?: Record<string, string> } = {},
  ): Promise<SimResponse> {
    const parsed = new URL(url, 'http://portal.test');
    const match = this.router.match(method, parsed.pathname);
    if (match === null || match === 405) throw new Error(`no route for ${method} ${parsed.pathname}: ${String(match)}`);
    const body = options.form === undefined
      ? ''
      : typeof options.form === 'string' ? options.form : new URLSearchParams(options.form).toString();
    // Node lower-cases incoming header names.
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    const req: SimRequest = {
      method,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers,
      body: Buffer.from(body, 'utf8'),
      cookies: { ...this.cookies },
    };
    const res = await match.handler(req, match.params);
    for (const line of setCookies(res)) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expires = attrs.find((a) => /^expires=/i.test(a));
      const gone = expires !== undefined && Date.parse(expires.slice(8).replace(/-/g, ' ')) < Date.parse('2000-01-01T00:00:00Z');
      if (gone || value === '') delete this.cookies[name];
      else this.cookies[name] = value;
    }
    return res;
  }

  get(url: string, headers?: Record<string, string>): Promise<SimResponse> {
    return this.send('GET', url, { headers });
  }

  post(url: string, form: Record<string, string> | string, headers?: Record<string, string>): Promise<SimResponse> {
    return this.send('POST', url, { form, headers });
  }
}

function setCookies(res: SimResponse): string[] {
  const value = res.headers['Set-Cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function header(res: SimResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The value of the first `<input type="hidden">` inside the form whose opening tag matches `formTag`. */
function firstHiddenValue(page: string, formTag: RegExp): string | undefined {
  const forms = page.match(/<form\b[^>]*>[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((f) => formTag.test(f.slice(0, f.indexOf('>') + 1)));
  if (!form) return undefined;
  const input = (form.match(/<input\b[^>]*>/g) ?? []).find((i) => /\btype="hidden"/.test(i));
  return input ? /\bvalue="([^"]*)"/.exec(input)?.[1] : undefined;
}

function loginToken(page: string): string | undefined {
  return firstHiddenValue(page, /\bclass="[^"]*\blogin-form\b/);
}

function configureToken(page: string): string | undefined {
  return firstHiddenValue(page, /\bid="GlobalAntiForgeryToken"/);
}

async function logIn(browser: Browser, password: string = DEFAULT_CREDENTIALS.password): Promise<SimResponse> {
  const page = await browser.get('/Account/Login');
  const token = loginToken(page.body);
  should.exist(token);
  return browser.post('/Account/Login', { Email: DEFAULT_CREDENTIALS.email, Password: password, [AF]: token as string });
}

const XHR = { 'X-Requested-With': 'XMLHttpRequest', Referer: `https://portal.redbacktech.com/productcontrol/Configure?serialNumber=${SERIAL}` };

function setForm(token: string, overrides: Record<string, string | null> = {}): string {
  const fields: Record<string, string | null> = {
    SerialNumber: SERIAL,
    AppliedTariffId: '',
    'InverterOperation[Type]': 'Set',
    'InverterOperation[Mode]': 'ChargeBattery',
    'InverterOperation[PowerInWatts]': '3000',
    'InverterOperation[AppliedTarrifId]': '',
    ProductModelName: '',
    RossVersion: defaultAccount().sites[0].inverters[0].softwareVersion,
    [AF]: token,
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== null) params.append(k, v);
  return params.toString();
}

describe('simulator: portal routes', () => {
  let sim: Sim;
  let browser: Browser;
  beforeEach(() => {
    sim = makeSim();
    browser = new Browser(sim.router);
  });
  afterEach(() => sinon.restore());

  describe('login page', () => {
    it('has form.login-form whose first hidden input is the anti-forgery token, and sets the token cookie', async () => {
      const res = await browser.get('/Account/Login');
      should(res.status).equal(200);
      should(header(res, 'Content-Type')).match(/^text\/html/);
      should(res.body).match(/<title>Log in - Redback Portal<\/title>/);
      should(res.body).match(/<form action="\/Account\/Login" class="login-form" method="post"/);
      should(res.body).match(/<input name="__RequestVerificationToken" type="hidden" value="[A-Za-z0-9_-]+" \/>/);
      for (const name of ['Email', 'Password', 'RememberMe']) should(res.body).match(new RegExp(`name="${name}"`));
      should(res.body).match(/type="submit"/);
      const token = loginToken(res.body);
      should(token).be.a.String().and.not.be.empty();
      const cookies = setCookies(res);
      should(cookies).have.length(1);
      should(cookies[0]).match(/^__RequestVerificationToken=[A-Za-z0-9_-]+; path=\/; HttpOnly$/);
      // The form token is derived from the cookie token, not a copy of it.
      should(token).not.equal(browser.cookies[AF]);
    });

    it('reuses an existing anti-forgery cookie and issues a fresh form token each time', async () => {
      const first = await browser.get('/Account/Login');
      const cookie = browser.cookies[AF];
      const second = await browser.get('/account/login');
      should(setCookies(second)).be.empty();
      should(browser.cookies[AF]).equal(cookie);
      should(loginToken(second.body)).not.equal(loginToken(first.body));
    });

    it('replaces an anti-forgery cookie it did not issue', async () => {
      browser.cookies[AF] = 'forged-cookie-value';
      const res = await browser.get('/Account/Login');
      should(setCookies(res)).have.length(1);
      should(browser.cookies[AF]).not.equal('forged-cookie-value');
    });

    it('keeps ReturnUrl in the form action, encoded and escaped', async () => {
      const res = await browser.get('/Account/Login?ReturnUrl=%2Fproductcontrol%2FConfigure%3FserialNumber%3DRB1%26x%3D%22%3E');
      should(res.body).containEql('action="/Account/Login?ReturnUrl=%2Fproductcontrol%2FConfigure%3FserialNumber%3DRB1%26x%3D%22%3E"');
      should(res.body).not.containEql('">"');
    });
  });

  describe('login', () => {
    it('logs in: sets .AspNet.ApplicationCookie and redirects to /ui/', async () => {
      const res = await logIn(browser);
      should(res.status).equal(302);
      should(header(res, 'Location')).equal('/ui/');
      const cookies = setCookies(res);
      should(cookies).have.length(1);
      should(cookies[0]).match(/^\.AspNet\.ApplicationCookie=[A-Za-z0-9_-]{40,}; path=\/; HttpOnly$/);
      should(sim.sessions.count()).equal(1);
      const home = await browser.get('/ui/');
      should(home.status).equal(200);
      should(home.body).containEql(SERIAL);
      should(home.body).containEql(DEFAULT_CREDENTIALS.email);
      should((await browser.get('/')).status).equal(200);
    });

    it('matches the e-mail case-insensitively, and RememberMe=true makes the cookie persistent', async () => {
      const page = await browser.get('/Account/Login');
      const res = await browser.post('/Account/Login', {
        Email: DEFAULT_CREDENTIALS.email.toUpperCase(), Password: DEFAULT_CREDENTIALS.password, RememberMe: 'true', [AF]: loginToken(page.body) as string,
      });
      should(res.status).equal(302);
      should(setCookies(res)[0]).match(/; expires=Thu, 15-Jan-2026 02:30:00 GMT; HttpOnly$/);
    });

    it('redirects to a local ReturnUrl only', async () => {
      const ok = new Browser(sim.router);
      const page = await ok.get('/Account/Login?ReturnUrl=%2Fproductcontrol%2FConfigure%3FserialNumber%3DRB21081800001734');
      const res = await ok.post('/Account/Login?ReturnUrl=%2Fproductcontrol%2FConfigure%3FserialNumber%3DRB21081800001734', {
        Email: DEFAULT_CREDENTIALS.email, Password: DEFAULT_CREDENTIALS.password, [AF]: loginToken(page.body) as string,
      });
      should(header(res, 'Location')).equal('/productcontrol/Configure?serialNumber=RB21081800001734');

      for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/a\r\nSet-Cookie: x=1']) {
        const b = new Browser(sim.router);
        const p = await b.get('/Account/Login');
        const r = await b.post(`/Account/Login?ReturnUrl=${encodeURIComponent(evil)}`, {
          Email: DEFAULT_CREDENTIALS.email, Password: DEFAULT_CREDENTIALS.password, [AF]: loginToken(p.body) as string,
        });
        should(header(r, 'Location')).equal('/ui/');
      }
      should(isLocalUrl('/ui/')).be.true();
      should(isLocalUrl('//x')).be.false();
    });

    it('answers a wrong password with 200, the form again, the validation message and no session cookie', async () => {
      const res = await logIn(browser, 'wrong password');
      should(res.status).equal(200);
      should(res.body).containEql('<div class="validation-summary-errors text-danger"><ul><li>Invalid login attempt.</li></ul></div>');
      should(res.body).match(/class="login-form"/);
      should(loginToken(res.body)).be.a.String().and.not.be.empty();
      should(res.body).containEql(`value="${escapeHtml(DEFAULT_CREDENTIALS.email)}"`);
      should(setCookies(res).some((c) => c.startsWith(AUTH_COOKIE))).be.false();
      should(browser.cookies).not.have.property(AUTH_COOKIE);
      should(sim.sessions.count()).equal(0);
      // The fresh token works for the next attempt.
      const retry = await browser.post('/Account/Login', {
        Email: DEFAULT_CREDENTIALS.email, Password: DEFAULT_CREDENTIALS.password, [AF]: loginToken(res.body) as string,
      });
      should(retry.status).equal(302);
    });

    it('answers an unknown e-mail and empty fields with the form again', async () => {
      const page = await browser.get('/Account/Login');
      const unknown = await browser.post('/Account/Login', { Email: 'nobody@example.com', Password: 'x', [AF]: loginToken(page.body) as string });
      should(unknown.status).equal(200);
      should(unknown.body).containEql('Invalid login attempt.');
      const blank = await browser.post('/Account/Login', { Email: '', Password: '', [AF]: loginToken(page.body) as string });
      should(blank.status).equal(200);
      should(blank.body).containEql('The Email field is required.');
      should(blank.body).containEql('The Password field is required.');
      should(browser.cookies).not.have.property(AUTH_COOKIE);
    });

    it('rejects a missing token, a missing cookie and a token paired with another cookie with 400', async () => {
      const page = await browser.get('/Account/Login');
      const token = loginToken(page.body) as string;
      const creds = { Email: DEFAULT_CREDENTIALS.email, Password: DEFAULT_CREDENTIALS.password };

      const noField = await browser.post('/Account/Login', creds);
      should(noField.status).equal(400);
      should(noField.body).containEql('The required anti-forgery form field &quot;__RequestVerificationToken&quot; is not present.');

      const other = new Browser(sim.router);
      const noCookie = await other.post('/Account/Login', { ...creds, [AF]: token });
      should(noCookie.status).equal(400);
      should(noCookie.body).containEql('The required anti-forgery cookie &quot;__RequestVerificationToken&quot; is not present.');

      await other.get('/Account/Login'); // other now has its own anti-forgery cookie
      const mismatch = await other.post('/Account/Login', { ...creds, [AF]: token });
      should(mismatch.status).equal(400);
      should(mismatch.body).containEql('The anti-forgery cookie token and form field token do not match.');

      const garbage = await browser.post('/Account/Login', { ...creds, [AF]: 'not-a-token' });
      should(garbage.status).equal(400);
      should(garbage.body).containEql('could not be decrypted');

      for (const res of [noField, noCookie, mismatch, garbage]) {
        should(setCookies(res).some((c) => c.startsWith(AUTH_COOKIE))).be.false();
      }
      should(sim.sessions.count()).equal(0);
    });

    it('serves a redesigned page without the token under the loginWithoutToken fault', async () => {
      sim.ctx.faults.add({ kind: 'loginWithoutToken', times: 1 });
      const res = await browser.get('/Account/Login');
      should(res.status).equal(200);
      should(res.body).not.match(/login-form/);
      should(res.body).not.match(/__RequestVerificationToken/);
      should(res.body).not.match(/type="hidden"/);
      should(loginToken(res.body)).be.undefined();
      // Without a token a login cannot succeed.
      const post = await browser.post('/Account/Login', { Email: DEFAULT_CREDENTIALS.email, Password: DEFAULT_CREDENTIALS.password });
      should(post.status).equal(400);
      // The fault was used up: the next page is the usual one.
      should(loginToken((await browser.get('/Account/Login')).body)).be.a.String();
    });

    it('only applies the loginWithoutToken fault to matching requests', async () => {
      sim.ctx.faults.add({ kind: 'loginWithoutToken', surface: 'api' });
      should(loginToken((await browser.get('/Account/Login')).body)).be.a.String();
      sim.ctx.faults.clear();
      sim.ctx.faults.add({ kind: 'loginWithoutToken', surface: 'portal', path: '/account/login', method: 'GET' });
      should(loginToken((await browser.get('/Account/Login')).body)).be.undefined();
      should(loginToken((await browser.get('/Account/Login')).body)).be.undefined();
    });
  });

  describe('Configure page', () => {
    it('gives form#GlobalAntiForgeryToken with a token, the inverter details and the portal modes', async () => {
      await logIn(browser);
      const res = await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`);
      should(res.status).equal(200);
      should(res.body).match(/<form action="[^"]*" id="GlobalAntiForgeryToken" method="post"><input name="__RequestVerificationToken" type="hidden" value="[A-Za-z0-9_-]+" \/><\/form>/);
      const token = configureToken(res.body);
      should(token).be.a.String().and.not.be.empty();
      // The first __RequestVerificationToken on the page is this one (for name-based scrapers).
      should(/name="__RequestVerificationToken" type="hidden" value="([^"]+)"/.exec(res.body)?.[1]).equal(token);
      should(res.body).containEql(SERIAL);
      should(res.body).containEql('ST10000');
      for (const mode of PORTAL_MODES) should(res.body).containEql(`<option value="${mode}"`);
      should(res.body).match(/<select[^>]*name="InverterOperation\[Mode\]"/);
    });

    it('answers 404 for an unknown or foreign serial', async () => {
      await logIn(browser);
      for (const serial of ['RB00000000000000', FOREIGN_SERIAL, '<script>']) {
        const res = await browser.get(`/productcontrol/Configure?serialNumber=${encodeURIComponent(serial)}`);
        should(res.status).equal(404);
        should(res.body).not.containEql('GlobalAntiForgeryToken');
        should(res.body).not.containEql('<script>');
      }
      should((await browser.get('/productcontrol/Configure')).status).equal(404);
    });

    it('redirects to the login page with ReturnUrl when not logged in', async () => {
      const res = await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`);
      should(res.status).equal(302);
      should(header(res, 'Location')).equal(`/Account/Login?ReturnUrl=${encodeURIComponent(`/productcontrol/Configure?serialNumber=${SERIAL}`)}`);
      const home = await browser.get('/ui/');
      should(header(home, 'Location')).equal('/Account/Login?ReturnUrl=%2Fui%2F');
    });

    it('treats a failed login like no login', async () => {
      await logIn(browser, 'wrong');
      const res = await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`);
      should(res.status).equal(302);
    });
  });

  describe('Set (POST productcontrol/Index)', () => {
    async function configured(b: Browser = browser): Promise<string> {
      await logIn(b);
      const page = await b.get(`/productcontrol/Configure?serialNumber=${SERIAL}`);
      return configureToken(page.body) as string;
    }
    const entry = () => sim.ctx.cloud.inverterBySerial(SERIAL)!;
    const currentMode = () => sim.ctx.cloud.controlAt(entry(), sim.ctx.clock.now()).mode;

    it('sets the mode: 200 {"success":true}, and the cloud reports it', async () => {
      const spy = sinon.spy(sim.ctx.cloud, 'setPortalMode');
      const token = await configured();
      const res = await browser.post('/productcontrol/Index', setForm(token), XHR);
      should(res.status).equal(200);
      should(header(res, 'Content-Type')).match(/^application\/json/);
      should(JSON.parse(res.body)).eql({ success: true });
      should(spy.calledOnce).be.true();
      should(spy.firstCall.args[0]).equal(entry());
      should(spy.firstCall.args[1]).eql({ mode: 'ChargeBattery', powerW: 3000 });
      should(currentMode()).eql({ mode: 'ChargeBattery', powerW: 3000 });
      sim.ctx.clock.advance(60_000);
      should(sim.ctx.cloud.snapshot(entry()).mode).eql({ mode: 'ChargeBattery', powerW: 3000 });

      // The token can be used again within the session; the Configure page shows the new mode.
      const again = await browser.post('/productcontrol/Index', setForm(token, { 'InverterOperation[Mode]': 'Auto', 'InverterOperation[PowerInWatts]': '0' }), XHR);
      should(again.status).equal(200);
      should(currentMode()).eql({ mode: 'Auto', powerW: 0 });
      const page = await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`);
      should(page.body).containEql('<option value="ChargeBattery" selected="selected">');
    });

    it('accepts the boundary powers 0 and 10000', async () => {
      const token = await configured();
      for (const power of ['0', '10000']) {
        const res = await browser.post('/productcontrol/Index', setForm(token, { 'InverterOperation[Mode]': 'DischargeBattery', 'InverterOperation[PowerInWatts]': power }), XHR);
        should(res.status).equal(200);
        should(currentMode()).eql({ mode: 'DischargeBattery', powerW: Number(power) });
      }
    });

    const badFields: [string, Record<string, string | null>, RegExp][] = [
      ['missing SerialNumber', { SerialNumber: null }, /SerialNumber/],
      ['foreign SerialNumber', { SerialNumber: FOREIGN_SERIAL }, /SerialNumber/],
      ['Type not Set', { 'InverterOperation[Type]': 'Schedule' }, /InverterOperation\[Type\]/],
      ['missing Type', { 'InverterOperation[Type]': null }, /InverterOperation\[Type\]/],
      ['mode in the wrong case', { 'InverterOperation[Mode]': 'chargebattery' }, /InverterOperation\[Mode\]/],
      ['mode with a space', { 'InverterOperation[Mode]': 'Charge Battery' }, /InverterOperation\[Mode\]/],
      ['schedule-only mode', { 'InverterOperation[Mode]': 'ForceChargeBattery' }, /InverterOperation\[Mode\]/],
      ['missing mode', { 'InverterOperation[Mode]': null }, /InverterOperation\[Mode\]/],
      ['power above 10000', { 'InverterOperation[PowerInWatts]': '10001' }, /PowerInWatts.*between 0 and 10000/],
      ['negative power', { 'InverterOperation[PowerInWatts]': '-5' }, /PowerInWatts/],
      ['fractional power', { 'InverterOperation[PowerInWatts]': '1500.5' }, /PowerInWatts/],
      ['empty power', { 'InverterOperation[PowerInWatts]': '' }, /PowerInWatts/],
      ['missing AppliedTariffId', { AppliedTariffId: null }, /AppliedTariffId/],
      ['AppliedTarrifId spelt correctly', { 'InverterOperation[AppliedTarrifId]': null, 'InverterOperation[AppliedTariffId]': '' }, /AppliedTarrifId/],
      ['non-numeric tariff', { 'InverterOperation[AppliedTarrifId]': 'abc' }, /AppliedTarrifId/],
      ['missing ProductModelName', { ProductModelName: null }, /ProductModelName/],
      ['missing RossVersion', { RossVersion: null }, /RossVersion/],
      ['wrong RossVersion', { RossVersion: '2.17.32303.7' }, /RossVersion/],
    ];
    for (const [label, overrides, message] of badFields) {
      it(`rejects ${label} with 400 JSON and leaves the mode alone`, async () => {
        const token = await configured();
        const res = await browser.post('/productcontrol/Index', setForm(token, overrides), XHR);
        should(res.status).equal(400);
        const body = JSON.parse(res.body);
        should(body.success).equal(false);
        should(body.message).match(message);
        should(currentMode()).eql({ mode: 'Auto', powerW: 0 });
      });
    }

    it('accepts any RossVersion when strictRossVersion is off', async () => {
      sim = makeSim({ strictRossVersion: false });
      browser = new Browser(sim.router);
      const token = await configured();
      const res = await browser.post('/productcontrol/Index', setForm(token, { RossVersion: '2.17.32303.7' }), XHR);
      should(res.status).equal(200);
      should(currentMode().mode).equal('ChargeBattery');
    });

    it('rejects tokens that no Configure page of this session issued with 400', async () => {
      const spy = sinon.spy(sim.ctx.cloud, 'setPortalMode');
      // The (anonymous) login page's token, used to log in and then for the Set.
      const anonymousToken = loginToken((await browser.get('/Account/Login')).body) as string;
      const login = await browser.post('/Account/Login', {
        Email: DEFAULT_CREDENTIALS.email, Password: DEFAULT_CREDENTIALS.password, [AF]: anonymousToken,
      });
      should(login.status).equal(302);
      const anonymousRes = await browser.post('/productcontrol/Index', setForm(anonymousToken), XHR);
      should(anonymousRes.status).equal(400);
      should(anonymousRes.body).containEql('was meant for user &quot;&quot;, but the current user is &quot;owner@example.com&quot;');
      // A login page fetched while logged in: bound to the user, but not from a Configure page.
      const userToken = loginToken((await browser.get('/Account/Login')).body) as string;
      const userTokenRes = await browser.post('/productcontrol/Index', setForm(userToken), XHR);
      should(userTokenRes.status).equal(400);

      // Another session's Configure token.
      const other = new Browser(sim.router);
      const otherToken = await configured(other);
      const foreign = await browser.post('/productcontrol/Index', setForm(otherToken), XHR);
      should(foreign.status).equal(400);
      should(foreign.body).containEql('The anti-forgery cookie token and form field token do not match.');

      // No token, garbage, and a Configure token without its anti-forgery cookie.
      should((await browser.post('/productcontrol/Index', setForm('', { [AF]: null }), XHR)).status).equal(400);
      should((await browser.post('/productcontrol/Index', setForm('garbage'), XHR)).status).equal(400);
      const token = configureToken((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).body) as string;
      const withoutCookie = new Browser(sim.router);
      withoutCookie.cookies[AUTH_COOKIE] = browser.cookies[AUTH_COOKIE];
      should((await withoutCookie.post('/productcontrol/Index', setForm(token), XHR)).status).equal(400);

      should(spy.called).be.false();
      should(currentMode()).eql({ mode: 'Auto', powerW: 0 });
      // The right token still works.
      should((await browser.post('/productcontrol/Index', setForm(token), XHR)).status).equal(200);
    });

    it('answers 401 JSON to XHR and 302 otherwise without a session', async () => {
      const token = await configured();
      const anonymous = new Browser(sim.router);
      const xhr = await anonymous.post('/productcontrol/Index', setForm(token), XHR);
      should(xhr.status).equal(401);
      should(header(xhr, 'Content-Type')).match(/^application\/json/);
      should(JSON.parse(xhr.body)).eql({ error: 'Login session expired.' });
      const plain = await anonymous.post('/productcontrol/Index', setForm(token));
      should(plain.status).equal(302);
      should(header(plain, 'Location')).equal('/Account/Login?ReturnUrl=%2Fproductcontrol%2FIndex');
    });
  });

  describe('session lifetime', () => {
    it(`ends portalSessionMinutes after login (wall clock)`, async () => {
      sim = makeSim({ portalSessionMinutes: 10 });
      browser = new Browser(sim.router);
      await logIn(browser);
      const token = configureToken((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).body) as string;
      sim.advanceWall(10 * 60_000 - 1);
      should((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).status).equal(200);
      should(sim.sessions.count()).equal(1);
      sim.advanceWall(1);
      should(sim.sessions.count()).equal(0);
      const configure = await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`);
      should(configure.status).equal(302);
      should(header(configure, 'Location')).startWith('/Account/Login?ReturnUrl=');
      const set = await browser.post('/productcontrol/Index', setForm(token), XHR);
      should(set.status).equal(401);
      should(JSON.parse(set.body)).eql({ error: 'Login session expired.' });
      should((await browser.post('/productcontrol/Index', setForm(token))).status).equal(302);
      should(sim.ctx.cloud.controlAt(sim.ctx.cloud.inverterBySerial(SERIAL)!, sim.ctx.clock.now()).mode.mode).equal('Auto');
      // Logging in again works.
      should((await logIn(browser)).status).equal(302);
      should((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).status).equal(200);
    });

    it('does not depend on the simulated clock', async () => {
      await logIn(browser);
      sim.ctx.clock.advance(24 * 3600_000);
      should((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).status).equal(200);
    });

    it('expireAll() ends every session', async () => {
      const second = new Browser(sim.router);
      await logIn(browser);
      await logIn(second);
      const token = configureToken((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).body) as string;
      should(sim.sessions.count()).equal(2);
      sim.sessions.expireAll();
      should(sim.sessions.count()).equal(0);
      should((await browser.get(`/productcontrol/Configure?serialNumber=${SERIAL}`)).status).equal(302);
      should((await second.get('/ui/')).status).equal(302);
      should((await browser.post('/productcontrol/Index', setForm(token), XHR)).status).equal(401);
    });
  });

  describe('LogOff', () => {
    it('ends the session, clears the cookie and redirects to the login page', async () => {
      await logIn(browser);
      const cookie = browser.cookies[AUTH_COOKIE];
      for (const path of ['/Account/LogOff/', '/account/logoff']) {
        const res = await browser.get(path);
        should(res.status).equal(302);
        should(header(res, 'Location')).equal('/Account/Login');
        should(setCookies(res)[0]).match(/^\.AspNet\.ApplicationCookie=; path=\/; expires=Thu, 01-Jan-1970 00:00:00 GMT$/);
      }
      should(browser.cookies).not.have.property(AUTH_COOKIE);
      should(sim.sessions.count()).equal(0);
      // The old cookie no longer works even if replayed.
      browser.cookies[AUTH_COOKIE] = cookie;
      should((await browser.get('/ui/')).status).equal(302);
    });
  });

  it('matches routes case-insensitively', () => {
    should(sim.router.match('GET', '/PRODUCTCONTROL/configure')).be.an.Object();
    should(sim.router.match('POST', '/ProductControl/index/')).be.an.Object();
    should(sim.router.match('GET', '/ui/')).be.an.Object();
    should(sim.router.match('GET', '/nothing/here')).be.null();
  });
});
