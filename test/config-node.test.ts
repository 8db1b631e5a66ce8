import should from 'should';
import helper from 'node-red-node-test-helper';
import configNode = require('../nodes/redback-config');

helper.init(require.resolve('node-red'));

describe('redback-config node', () => {
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  it('loads with the cloud defaults and its credentials', async () => {
    const flow = [{ id: 'acc', type: 'redback-config', name: 'Home' }];
    await helper.load(configNode, flow, { acc: { clientId: 'id-1', clientSecret: 'secret-1', email: 'a@b.c', password: 'pw' } });
    const node = helper.getNode('acc') as unknown as { settings: Record<string, string>; credentials: Record<string, string>; name: string };
    should(node).be.ok();
    should(node.name).equal('Home');
    should(node.settings).eql({
      apiUrl: 'https://api.redbacktech.com',
      portalUrl: 'https://portal.redbacktech.com',
      tokenUrl: 'https://api.redbacktech.com/Api/v2/Auth/token',
      tokenScope: '',
    });
    should(node.credentials).eql({ clientId: 'id-1', clientSecret: 'secret-1', email: 'a@b.c', password: 'pw' });
  });

  it('derives the token URL from a custom API URL and keeps an explicit token URL and scope', async () => {
    const flow = [
      { id: 'sim', type: 'redback-config', apiUrl: 'http://127.0.0.1:8124/', portalUrl: 'http://127.0.0.1:8124' },
      { id: 'entra', type: 'redback-config', tokenUrl: 'https://login.example/token', tokenScope: 'api://x/.default' },
    ];
    await helper.load(configNode, flow, {});
    const sim = helper.getNode('sim') as unknown as { settings: Record<string, string> };
    should(sim.settings.apiUrl).equal('http://127.0.0.1:8124');
    should(sim.settings.tokenUrl).equal('http://127.0.0.1:8124/Api/v2/Auth/token');
    const entra = helper.getNode('entra') as unknown as { settings: Record<string, string> };
    should(entra.settings).have.properties({ tokenUrl: 'https://login.example/token', tokenScope: 'api://x/.default' });
  });
});
