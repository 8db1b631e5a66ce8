/** The diagnostics recorder on its own: its bounds and what it makes of each kind of answer. */
import should from 'should';
import { Redactor } from '../../src/http/redactor';
import type { Exchange } from '../../src/http/transport';
import { DiagnosticsRecorder, MAX_ENDPOINTS, MAX_REQUESTS_PER_ENDPOINT } from '../../src/diagnostics/recorder';
import { MAX_JSON_BODY } from '../../src/diagnostics/sanitize';

const API = 'https://api.example.test';
const PORTAL = 'https://portal.example.test';

function exchange(url: string, body: string, extra: Partial<Exchange> & { headers?: Record<string, string | string[]> } = {}): Exchange {
  return {
    method: 'GET', url, startedAtMs: Date.parse('2026-01-15T02:00:00Z'), ms: 12, status: 200, outcome: 'answered',
    response: { status: extra.status ?? 200, headers: { 'content-type': 'application/json', ...extra.headers }, body },
    ...extra,
  };
}

describe('diagnostics recorder', () => {
  let redactor: Redactor;
  let recorder: DiagnosticsRecorder;
  beforeEach(() => {
    redactor = new Redactor();
    redactor.add('Top-Secret-Value-123');
    recorder = new DiagnosticsRecorder();
    recorder.attach(redactor, API);
  });

  it(`keeps at most ${MAX_ENDPOINTS} endpoints (least recently used dropped) and ${MAX_REQUESTS_PER_ENDPOINT} requests each`, () => {
    for (let i = 0; i < MAX_ENDPOINTS + 50; i++) recorder.record(exchange(`${API}/Api/v2/EnergyData/Static/BySerialNumber/RB9900000000${String(i).padStart(4, '0')}`, '{}'));
    for (let i = 0; i < 60; i++) recorder.record(exchange(`${API}/Api/v2/EnergyData/With/Nodes?page=0`, '{"Data":[]}'));
    const endpoints = recorder.snapshot();
    should(endpoints).have.length(MAX_ENDPOINTS);
    should(endpoints[endpoints.length - 1].requests).have.length(MAX_REQUESTS_PER_ENDPOINT);
    should(endpoints[endpoints.length - 1].path).equal('/Api/v2/EnergyData/With/Nodes');
  });

  it('drops an answer too large to keep, keeping its length', () => {
    recorder.record(exchange(`${API}/Api/v2/EnergyData/With/Nodes`, JSON.stringify({ Data: ['x'.repeat(MAX_JSON_BODY)] })));
    const body = recorder.snapshot()[0].lastAnswer!.body as { kind: string; json: { omitted: string } };
    should(body.json.omitted).match(/^an answer of \d+ characters, too large to keep$/);
  });

  it('keeps a portal page as a summary: form input names, never values; messages without e-mail or street addresses', () => {
    const page = '<html><head><title>Log in</title></head><body><form class="login-form">'
      + '<input name="__RequestVerificationToken" type="hidden" value="Anti-Forgery-Token-Value">'
      + '<input name="Email" value="someone@example.org"></form>'
      + '<div class="validation-summary-errors"><ul><li>No account for someone@example.org at 9 Secret Lane</li></ul></div></body></html>';
    recorder.record(exchange(`${PORTAL}/Account/Login`, page, { headers: { 'content-type': 'text/html', 'set-cookie': ['.AspNet.ApplicationCookie=Cookie-Value-77; path=/', 'af=x'] } }));
    const answer = recorder.snapshot()[0];
    should(answer.surface).equal('portal');
    should(answer.lastAnswer!.setCookieNames).eql(['.AspNet.ApplicationCookie', 'af']);
    should(answer.lastAnswer!.body).eql({
      kind: 'html',
      html: {
        title: 'Log in', length: page.length, hasLoginForm: true,
        forms: [{ selector: 'form.login-form', inputs: ['__RequestVerificationToken', 'Email'] }],
        messages: ['No account for (removed) at (removed)'],
      },
    });
    const text = JSON.stringify(answer);
    for (const value of ['Anti-Forgery-Token-Value', 'someone@example.org', 'Cookie-Value-77']) should(text).not.containEql(value);
  });

  it('replaces an id in paths, bodies and redirect targets alike, and masks registered secrets in text', () => {
    recorder.record(exchange(`${API}/Api/v2.21/EnergyData/Dynamic/BySerialNumber/RB77770000001111`, JSON.stringify({
      Data: { SiteId: 'S77aa00bb11cc22', Inverters: [{ SerialNumber: 'RB77770000001111' }], Note: 'key Top-Secret-Value-123 for S77aa00bb11cc22' },
    })));
    recorder.record(exchange(`${PORTAL}/productcontrol/Configure?serialNumber=RB77770000001111`, '', {
      status: 302, headers: { location: '/Account/Login?ReturnUrl=%2Fproductcontrol%2FConfigure%3FserialNumber%3DRB77770000001111' },
    }));
    const [dynamic, configure] = recorder.snapshot();
    should(dynamic.path).equal('/Api/v2.21/EnergyData/Dynamic/BySerialNumber/RB-P0001');
    should((dynamic.lastAnswer!.body as { json: unknown }).json).eql({
      Data: { SiteId: 'SITE-P0001', Inverters: [{ SerialNumber: 'RB-P0001' }], Note: 'key *** for SITE-P0001' },
    });
    should(configure.lastAnswer!.headers.location).equal('/Account/Login?ReturnUrl=…');
    should(JSON.stringify(recorder.snapshot())).not.match(/RB7777|S77aa|Top-Secret/);
  });

  it('records a request without an answer by its outcome', () => {
    recorder.record({ method: 'POST', url: `${API}/Api/v2/Auth/token`, startedAtMs: 0, ms: 30_000, status: null, outcome: 'timeout' });
    const [token] = recorder.snapshot();
    should(token.lastAnswer).be.null();
    should(token.requests).eql([{ at: '1970-01-01T00:00:00.000Z', method: 'POST', route: '/Api/v2/Auth/token', status: null, ms: 30_000, outcome: 'timeout' }]);
  });
});
