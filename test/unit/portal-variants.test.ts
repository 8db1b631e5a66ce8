/**
 * The portal client against the answers the real portal may give that the simulator did not
 * produce before (issue 13): another session cookie name, a Set answering
 * `{"success":true,"error":""}`, OWIN's `X-Responded-JSON` 401 on a 200, and error pages that
 * quote secrets around the point where the text is cut.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import should from 'should';
import sinon from 'sinon';
import { Redactor } from '../../src/http/redactor';
import { Transport, type HttpRequest } from '../../src/http/transport';
import { PortalClient } from '../../src/portal/portal-client';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';
import { rejection } from '../helpers/errors';
import { startSim } from '../helpers/sim';

const SERIAL = 'RB21081800001734';
const ROSS = '2.16.32211.1';
const LOGIN_POSTS = { surface: 'portal', method: 'POST', path: '/Account/Login' } as const;
const SETS = { surface: 'portal', method: 'POST', path: '/productcontrol/Index' } as const;

describe('portal client: variants of the real portal', () => {
  let sim: RedbackSimulator | null = null;
  let transport: Transport;
  let clients: PortalClient[] = [];

  function client(portalUrl = sim!.url, password: string = DEFAULT_CREDENTIALS.password): PortalClient {
    const c = new PortalClient({ portalUrl, email: DEFAULT_CREDENTIALS.email, password, transport });
    clients.push(c);
    return c;
  }

  function modeOf(serial = SERIAL): { mode: string; powerW: number } {
    sim!.clock.advance(60_000);
    return sim!.cloud.snapshot(sim!.cloud.inverterBySerial(serial)!).mode;
  }

  beforeEach(() => {
    transport = new Transport({ redactor: new Redactor(), baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5000 });
    clients = [];
  });
  afterEach(async () => {
    sinon.restore();
    for (const c of clients) c.close();
    transport.close();
    await sim?.stop();
    sim = null;
  });

  it('logs in and sets a mode when the session cookie has a name no client knows', async () => {
    sim = await startSim({ portalSessionCookie: 'RBPortalSession' });
    const c = client();
    await c.login();
    await c.setMode(SERIAL, 'ChargeBattery', 1500, ROSS);
    should(modeOf()).eql({ mode: 'ChargeBattery', powerW: 1500 });
    should(sim.requestCount(LOGIN_POSTS)).equal(1);
  });

  it('still refuses a wrong password when the cookie name is unknown (the login form comes back)', async () => {
    sim = await startSim({ portalSessionCookie: 'RBPortalSession' });
    const err = await rejection(client(sim.url, 'wrong-password-0042').login());
    should(err.kind).equal('credentials');
    should(err.message).match(/Invalid login attempt/);
  });

  it('masks a session cookie of any name in error messages', async () => {
    sim = await startSim({ portalSessionCookie: 'RBPortalSession' });
    const c = client();
    await c.login();
    let cookie = '';
    sinon.stub(transport, 'request').callsFake(async (req: HttpRequest) => {
      if (req.url.endsWith('/productcontrol/Index')) {
        cookie = /RBPortalSession=([^;]+)/.exec(req.headers!.Cookie ?? '')![1];
        return { status: 400, headers: { 'content-type': 'text/plain' }, body: `no; your session was ${cookie}` };
      }
      return Transport.prototype.request.call(transport, req);
    });
    const err = await rejection(c.setMode(SERIAL, 'ChargeBattery', 2000, ROSS));
    should(cookie.length).be.above(20);
    should(err.message).not.containEql(cookie);
    should(err.message).not.containEql(cookie.slice(0, 10));
  });

  it('takes {"success":true,"error":""} from the Set as success', async () => {
    sim = await startSim({ portalSetAnswer: 'emptyError' });
    await client().setMode(SERIAL, 'DischargeBattery', 2500, ROSS);
    should(modeOf()).eql({ mode: 'DischargeBattery', powerW: 2500 });
  });

  it('takes a 200 with X-Responded-JSON status 401 from the Set as an ended session: logs in again once and sets', async () => {
    sim = await startSim({ portalAjaxUnauthenticated: 'xRespondedJson' });
    const c = client();
    await c.login();
    let expired = false;
    sinon.stub(transport, 'request').callsFake(async (req: HttpRequest) => {
      if (!expired && req.url.endsWith('/productcontrol/Index')) {
        expired = true;
        sim!.expirePortalSessions();
      }
      return Transport.prototype.request.call(transport, req);
    });
    await c.setMode(SERIAL, 'ImportPower', 3100, ROSS);
    should(expired).be.true();
    should(sim.requestCount(SETS)).equal(2);
    should(sim.requestCount(LOGIN_POSTS)).equal(2);
    should(modeOf()).eql({ mode: 'ImportPower', powerW: 3100 });
  });

  describe('error text quoting secrets across the 200-character cut', () => {
    let server: http.Server;
    const PASSWORD = 'Straddle-Pw-9Q7x#Kk42Lm';
    const SESSION = 'sess-Zr81Vq02Wp93Xo74Yn65';

    async function serve(errorBody: (offset: number) => string, offset: number): Promise<string> {
      server = http.createServer((req, res) => {
        const p = (req.url ?? '').split('?')[0];
        if (req.method === 'GET' && p === '/Account/Login') {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<form class="login-form"><input type="hidden" name="__RequestVerificationToken" value="t"></form>');
        } else if (req.method === 'POST' && p === '/Account/Login') {
          res.writeHead(302, { Location: '/ui/', 'Set-Cookie': `.AspNet.ApplicationCookie=${SESSION}; path=/` });
          res.end();
        } else {
          res.writeHead(400, { 'Content-Type': 'text/html' });
          res.end(errorBody(offset));
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** Every 5-character piece of a secret: none may survive in the message. */
    function pieces(secret: string): string[] {
      const out: string[] = [];
      for (let i = 0; i + 5 <= secret.length; i++) out.push(secret.slice(i, i + 5));
      return out;
    }

    for (const offset of [185, 190, 195, 199]) {
      it(`masks a password and a session cookie starting at character ${offset} of an error page`, async () => {
        const page = (at: number): string => {
          const lead = 'x'.repeat(at);
          return `<html><head><title>Error</title></head><body><div id="error-message">${lead}${PASSWORD} ${SESSION} ${PASSWORD}</div></body></html>`;
        };
        const url = await serve(page, offset);
        const err = await rejection(client(url, PASSWORD).setMode(SERIAL, 'ChargeBattery', 100, ROSS));
        for (const piece of [...pieces(PASSWORD), ...pieces(SESSION)]) should(err.message).not.containEql(piece);
      });

      it(`masks secrets at character ${offset} of a JSON refusal of the Set`, async () => {
        server = http.createServer((req, res) => {
          const p = (req.url ?? '').split('?')[0];
          if (req.method === 'GET' && p === '/Account/Login') {
            res.writeHead(200, { 'Content-Type': 'text/html' });
            res.end('<form class="login-form"><input type="hidden" name="__RequestVerificationToken" value="t"></form>');
          } else if (req.method === 'POST' && p === '/Account/Login') {
            res.writeHead(302, { Location: '/ui/', 'Set-Cookie': `.AspNet.ApplicationCookie=${SESSION}; path=/` });
            res.end();
          } else if (p === '/productcontrol/Configure') {
            res.writeHead(200, { 'Content-Type': 'text/html' });
            res.end('<form id="GlobalAntiForgeryToken"><input type="hidden" name="__RequestVerificationToken" value="c"></form>');
          } else {
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ success: false, message: `${'y'.repeat(offset)}${PASSWORD} ${SESSION}` }));
          }
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const err = await rejection(client(url, PASSWORD).setMode(SERIAL, 'ChargeBattery', 100, ROSS));
        should(err.kind).equal('rejected');
        for (const piece of [...pieces(PASSWORD), ...pieces(SESSION)]) should(err.message).not.containEql(piece);
      });
    }
  });
});
