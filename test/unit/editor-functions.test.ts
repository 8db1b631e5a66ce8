import path from 'path';
import should from 'should';

/** The editor's shared script is plain browser JavaScript that also exports its pure functions. */
interface EditorFunctions {
  validators: Record<'interval' | 'duration' | 'powerW' | 'percent' | 'optionalPrice' | 'optionalUrl' | 'timeZone', (v: unknown) => boolean>;
  validator(rule: string): (value: unknown, opt?: object) => true | false | string;
  siteOptions(sites: unknown[], current: string, t: (key: string) => string): { value: string; label: string }[];
  inverterOptions(sites: unknown[], siteId: string, current: string, emptyLabel: string, t: (key: string) => string): { value: string; label: string }[];
  accountRequest(id: string, settings: Record<string, unknown>, credentials?: Record<string, unknown>): Record<string, unknown>;
  connectionSummary(result: object, t: (key: string, params?: Record<string, string>) => string): string;
  errorText(xhr: unknown, t: (key: string) => string): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const editor = require(path.join(__dirname, '..', '..', '..', 'resources', 'redback-editor.js')) as EditorFunctions;

const t = (key: string, params?: Record<string, string>): string => (params ? `${key}${JSON.stringify(params)}` : key);
const SITES = [
  { siteId: 'S1', nmi: '4103', inverters: [{ serial: 'RB1' }] },
  { siteId: 'S2', nmi: null, inverters: [{ serial: 'RB2' }, { serial: 'RB3' }] },
];

describe('editor functions', () => {
  it('validates the interval, duration, power, percentages, prices and URLs as the runtime does', () => {
    const cases: [keyof EditorFunctions['validators'], unknown[], unknown[]][] = [
      ['interval', [10, '60', ' 86400 '], [9, 86401, '60.5', '', 'abc', null, undefined, '1e2']],
      ['duration', [1, '30', 1440], [0, 1441, -5, '2.5', '', 'NaN']],
      ['powerW', [1, '5000', 100000], [0, 100001, '3.5', '', 'Infinity']],
      ['percent', [0, '20', 100, '12.5'], [-1, 101, '', 'x']],
      ['optionalPrice', ['', undefined, '-8.3', 12, '0'], ['abc', 'Infinity', 'NaN']],
      ['timeZone', ['', undefined, 'Australia/Brisbane', ' Australia/Adelaide ', 'UTC'], ['Mars/Olympus_Mons', 'Brisbane', 'GMT+25']],
      ['optionalUrl', ['', 'https://api.redbacktech.com', 'http://127.0.0.1:8124', 'http://localhost/x'], ['http://example.com', 'ftp://x', 'https://a b']],
    ];
    for (const [rule, good, bad] of cases) {
      for (const value of good) should(editor.validators[rule](value)).be.true(`${rule} should accept ${String(value)}`);
      for (const value of bad) should(editor.validators[rule](value)).be.false(`${rule} should refuse ${String(value)}`);
    }
  });

  it("gives Node-RED 3+ (which passes opt) a sentence from the shared catalog, and older editors false", () => {
    const globals = globalThis as { RED?: unknown };
    globals.RED = { _: (key: string) => `text of ${key}` };
    try {
      const duration = editor.validator('duration');
      should(duration.length).equal(2); // Node-RED shows returned text only for two-argument validators
      should(duration('30', { label: 'Duration' })).be.true();
      should(duration('0', { label: 'Duration' })).equal('text of @solar-nodes/node-red-redback/redback-config:redback-config.editor.invalid.duration');
      should(duration('0')).be.false();
    } finally {
      delete globals.RED;
    }
  });

  it('offers every site, then each site with its inverter count and NMI, and keeps a saved site the list lacks', () => {
    should(editor.siteOptions(SITES, 'S1', t)).eql([
      { value: '', label: 'everySite' },
      { value: 'S1', label: 'S1 · 1 inverter · NMI 4103' },
      { value: 'S2', label: 'S2 · 2 inverters' },
    ]);
    should(editor.siteOptions([], 'Sgone', t)).eql([
      { value: '', label: 'everySite' },
      { value: 'Sgone', label: 'Sgone notListed' },
    ]);
  });

  it("offers the chosen site's inverters, or every site's when none is chosen", () => {
    should(editor.inverterOptions(SITES, 'S2', '', 'every inverter', t).map((o) => o.value)).eql(['', 'RB2', 'RB3']);
    should(editor.inverterOptions(SITES, '', 'RB1', 'only', t)).eql([
      { value: '', label: 'only' },
      { value: 'RB1', label: 'RB1 · S1' },
      { value: 'RB2', label: 'RB2 · S2' },
      { value: 'RB3', label: 'RB3 · S2' },
    ]);
    should(editor.inverterOptions(SITES, 'S1', 'RB9', '', t).pop()).eql({ value: 'RB9', label: 'RB9 notListed' });
  });

  it('posts only the settings and credential fields, never flags or other node properties', () => {
    const config = { id: 'c1', type: 'redback-config', apiUrl: 'https://a', portalUrl: 'https://p', tokenUrl: '', tokenScope: '', x: 1 };
    should(editor.accountRequest('c1', config, { clientId: 'id', clientSecret: 's', has_password: true })).eql({
      id: 'c1', apiUrl: 'https://a', portalUrl: 'https://p', tokenUrl: '', tokenScope: '', clientId: 'id', clientSecret: 's',
    });
    should(editor.accountRequest('c2', {}, undefined)).eql({ id: 'c2' });
  });

  it('summarises a connection test and shows the runtime error or a plain reason', () => {
    should(editor.connectionSummary({ sites: 1, inverters: 2, portal: 'ok' }, t)).equal('connected{"sites":"1 site","inverters":"2 inverters"} portalOk');
    should(editor.connectionSummary({ sites: 4, inverters: 1, portal: 'not-configured' }, t)).endWith('portalNotConfigured');
    should(editor.errorText({ status: 400, responseJSON: { error: 'HTTP 401 unauthorized_client' } }, t)).equal('HTTP 401 unauthorized_client');
    should(editor.errorText({ status: 401 }, t)).equal('forbidden');
    should(editor.errorText({ status: 403 }, t)).equal('forbidden');
    should(editor.errorText({ status: 0 }, t)).equal('unreachable');
  });
});
