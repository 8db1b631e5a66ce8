/** Node-RED's test runtime and one simulator shared by every test of a describe block. */
import helper from 'node-red-node-test-helper';
import type { RedbackSimulator } from '../../src/sim';
import { startSim } from './sim';

export function runtimeWithSim(): { readonly sim: RedbackSimulator } {
  let sim: RedbackSimulator | null = null;
  before(async () => {
    await helper.startServer();
    sim = await startSim();
  });
  after(async () => {
    await sim?.stop();
    await helper.stopServer();
  });
  return {
    get sim(): RedbackSimulator {
      if (!sim) throw new Error('the simulator starts in the before hook');
      return sim;
    },
  };
}
