import should from 'should';
import { startNodeRed, type NodeRedProcess } from '../helpers/node-red-process';
import { NODE_RED_VERSION } from '../helpers/node-red-under-test';
import { request } from '../helpers/sim';

const MODULE = '@solar-nodes/node-red-redback';

describe('the package in a real Node-RED', function () {
  this.timeout(60_000);
  let nr: NodeRedProcess;
  before(async () => {
    nr = await startNodeRed();
  });
  after(() => nr?.stop());

  it('loads every node set without errors or warnings', async () => {
    const res = await request(`${nr.url}/nodes`, { headers: { Accept: 'application/json' } });
    should(res.status).equal(200);
    const ours = (res.body as { module: string; name: string; enabled: boolean; err?: string; types: string[] }[])
      .filter((set) => set.module === MODULE);
    should(ours.map((s) => s.name).sort()).eql(['redback-config', 'redback-control', 'redback-read']);
    for (const set of ours) {
      should(set.enabled).be.true();
      should(set.err).be.undefined();
    }
    should(ours.flatMap((s) => s.types)).containEql('redback-config');
    const warnings = nr.output().split('\n').filter((line) => /\[(warn|error)\]/.test(line) && /redback/i.test(line));
    should(warnings).eql([]);
  });

  it('runs the node-red under test (the devDependency, or the one scripts/compat.js names)', async () => {
    const settings = await request(`${nr.url}/settings`);
    should(String(settings.body.version).replace(/-git$/, '')).equal(NODE_RED_VERSION); // the devDependency reports 4.x.y-git
  });

  it('serves the editor definition, the shared editor script, the help and the message catalog', async () => {
    const html = await request(`${nr.url}/nodes`, { headers: { Accept: 'text/html' } });
    should(html.text).match(/RED\.nodes\.registerType\('redback-config'/);
    should(html.text).match(/data-help-name="redback-read"[\s\S]*<h3>Inputs<\/h3>/);
    const script = await request(`${nr.url}/resources/${MODULE}/redback-editor.js`);
    should(script.status).equal(200);
    should(script.text).containEql('bindSiteChoice');
    const catalog = await request(`${nr.url}/locales/${MODULE}/redback-config?lng=en-US`);
    should(catalog.status).equal(200);
    should(catalog.body['redback-config'].label.clientSecret).equal('Client secret');
  });

  it('deploys a config node with credentials, keeps the secret out of the exported flow', async () => {
    const flows = [{ id: 'acc1', type: 'redback-config', name: 'Sim', apiUrl: 'http://127.0.0.1:9', credentials: { clientId: 'id', clientSecret: 'TOPSECRET-42' } }];
    const deploy = await request(`${nr.url}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({ flows }),
    });
    should(deploy.status).equal(200);
    const exported = await request(`${nr.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    should(exported.text).not.containEql('TOPSECRET-42');
    const creds = await request(`${nr.url}/credentials/redback-config/acc1`);
    should(creds.body).have.properties({ clientId: 'id', has_clientSecret: true });
    should(creds.text).not.containEql('TOPSECRET-42');
  });
});

describe('the admin endpoint with adminAuth on', function () {
  this.timeout(60_000);
  let nr: NodeRedProcess;
  before(async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const bcrypt = require('bcryptjs') as { hashSync(text: string, rounds: number): string };
    nr = await startNodeRed({
      adminAuth: {
        type: 'credentials',
        users: [
          { username: 'admin', password: bcrypt.hashSync('admin-pass', 8), permissions: '*' },
          { username: 'viewer', password: bcrypt.hashSync('viewer-pass', 8), permissions: 'read' },
        ],
      },
    });
  });
  after(() => nr?.stop());

  const tokenFor = async (username: string, password: string, scope = '*'): Promise<string> => {
    const login = await request(`${nr.url}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope, username, password }),
    });
    should(login.status).equal(200);
    return login.body.access_token as string;
  };
  const post = (route: string, token?: string) => request(`${nr.url}/redback-config/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ apiUrl: 'http://127.0.0.1:9' }),
  });

  it('refuses every route without a token and answers with one', async () => {
    should((await request(`${nr.url}/redback-config/acc1/sites`)).status).equal(401);
    should((await post('sites')).status).equal(401);
    should((await post('test')).status).equal(401);
    const token = await tokenFor('admin', 'admin-pass');
    const authorised = await request(`${nr.url}/redback-config/acc1/sites`, { headers: { Authorization: `Bearer ${token}` } });
    should(authorised.status).equal(404);
    should(authorised.body.error).match(/no deployed Redback account/);
    should((await post('test', token)).status).equal(400); // reached the route: no client id given
  });

  it('lets a read-only user list a deployed account, but not post settings for Node-RED to contact', async () => {
    const token = await tokenFor('viewer', 'viewer-pass', 'read');
    should((await request(`${nr.url}/redback-config/acc1/sites`, { headers: { Authorization: `Bearer ${token}` } })).status).equal(404);
    should((await post('sites', token)).status).equal(401);
    should((await post('test', token)).status).equal(401);
  });
});
