/**
 * A stand-in for the Redback portal's login flow (docs/redback-cloud.md §6), for tests that need
 * the portal to answer in a way the simulator does not: the login page with its token, a login
 * POST that sets the session cookie, the Configure page with its token and the Set form. Each
 * step can be replaced; the counters say how often each was asked.
 */
import type http from 'http';

type Answer = (res: http.ServerResponse, n: number) => void;

export const LOGIN_PAGE = '<form class="login-form"><input type="hidden" name="__RequestVerificationToken" value="t"></form>';
export const CONFIGURE_PAGE = '<form id="GlobalAntiForgeryToken"><input type="hidden" name="__RequestVerificationToken" value="c"></form>';

export function sendHtml(res: http.ServerResponse, html: string): void {
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(html);
}

export function sendJson(res: http.ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}

export interface FakePortalOptions {
  /** The session cookie's value after login `n` (default `session-<n>-abcdef`). */
  cookie?: (n: number) => string;
  /** Mark the session cookie HttpOnly. */
  httpOnly?: boolean;
  /** The answer to Configure request `n` (default: the page with its token). */
  configure?: Answer;
  /** The answer to Set request `n` (default: `{"success":true}`). */
  set?: Answer;
  /** Any other request (default: 404). */
  other?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

export interface FakePortal {
  handler: http.RequestListener;
  logins: number;
  configures: number;
  sets: number;
}

export function fakePortal(options: FakePortalOptions = {}): FakePortal {
  const cookie = options.cookie ?? ((n: number) => `session-${n}-abcdef`);
  const portal: FakePortal = {
    logins: 0,
    configures: 0,
    sets: 0,
    handler: (req, res) => {
      const p = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && p === '/Account/Login') {
        sendHtml(res, LOGIN_PAGE);
      } else if (req.method === 'POST' && p === '/Account/Login') {
        portal.logins++;
        res.writeHead(302, { Location: '/ui/', 'Set-Cookie': `.AspNet.ApplicationCookie=${cookie(portal.logins)}; path=/${options.httpOnly ? '; HttpOnly' : ''}` });
        res.end();
      } else if (p === '/productcontrol/Configure') {
        portal.configures++;
        (options.configure ?? ((r) => sendHtml(r, CONFIGURE_PAGE)))(res, portal.configures);
      } else if (p === '/productcontrol/Index') {
        portal.sets++;
        (options.set ?? ((r) => sendJson(r, '{"success":true}')))(res, portal.sets);
      } else if (options.other) {
        options.other(req, res);
      } else {
        res.writeHead(404);
        res.end();
      }
    },
  };
  return portal;
}
