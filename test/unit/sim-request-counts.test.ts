import should from 'should';
import { RedbackSimulator, UNMATCHED } from '../../src/sim';
import { api, getToken, request, startSim } from '../helpers/sim';

describe('simulator: requests counted per route', () => {
  let sim: RedbackSimulator;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.stop());

  it('names each request by the route that answered it, whatever the serial or trailing slash', async () => {
    const token = await getToken(sim);
    await api(sim, token, 'GET', '/Api/v2.21/EnergyData/Dynamic/BySerialNumber/RB21081800001734');
    await api(sim, token, 'GET', '/Api/v2.21/EnergyData/Dynamic/BySerialNumber/RB22031500004412/');
    await api(sim, token, 'POST', '/Api/v2.21/EnergyData/Multiple/BySerialNumber/Dynamic', ['RB21081800001734']);
    await request(`${sim.url}/Account/Login`);
    await request(`${sim.url}/no/such/page`);

    should(sim.requestCountsByRoute()).eql({
      'POST /Api/v2/Auth/token': 1,
      'GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/{serial}': 2,
      'POST /Api/v2.21/EnergyData/Multiple/BySerialNumber/Dynamic': 1,
      'GET /Account/Login': 1,
      [UNMATCHED]: 1,
    });
  });

  it('serves the counts on GET /__sim/requests/by-route, without counting admin requests, and clears them with the log', async () => {
    await getToken(sim);
    const counts = await request(`${sim.url}/__sim/requests/by-route`);
    should(counts.body).eql({ 'POST /Api/v2/Auth/token': 1 });
    await request(`${sim.url}/__sim/requests`, { method: 'DELETE' });
    should((await request(`${sim.url}/__sim/requests/by-route`)).body).eql({});
  });
});
