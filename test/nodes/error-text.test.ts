/**
 * Errors reach the debug sidebar as their whole text: the read and control nodes report a string
 * (src/util/error-text.ts), which the sidebar shows in full, where an Error object shows collapsed
 * and cut short; Catch nodes still get the error, with the same text in msg.error.message.
 */
import should from 'should';
import sinon from 'sinon';
import helper from 'node-red-node-test-helper';
import { NODE_RED_RUNTIME } from '../helpers/node-red-under-test';
import { RedbackError } from '../../src/http/errors';
import { errorText } from '../../src/util/error-text';
import type { RedbackSimulator } from '../../src/sim';
import { IDS as READ_IDS, loadReadFlow, waitUntil } from '../helpers/read-flow';
import { IDS as CONTROL_IDS, loadControlFlow } from '../helpers/control-flow';
import { startSim } from '../helpers/sim';

helper.init(NODE_RED_RUNTIME);

/** What the node passed to node.error, first argument of each call made on the node itself. */
function reported(id: string): unknown[] {
  const node = helper.getNode(id) as unknown as { error: sinon.SinonSpy };
  return node.error.getCalls().filter((c) => c.thisValue === node).map((c) => c.args[0]);
}

describe('errors as whole text (src/util/error-text.ts)', function () {
  this.timeout(20_000);
  let sim: RedbackSimulator;

  before(async () => {
    await helper.startServer();
    sim = await startSim();
  });
  after(async () => {
    await sim.stop();
    await helper.stopServer();
  });
  afterEach(() => helper.unload());

  describe('errorText', () => {
    it('is the text a Catch node got from the Error itself: name and whole message', () => {
      const long = `GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/RB21081800001734 failed: HTTP 503 ${'x'.repeat(400)}`;
      should(errorText(new RedbackError('transient', long, { status: 503 }))).equal(`RedbackError: ${long}`);
      should(errorText(new Error('plain'))).equal('Error: plain');
      should(errorText(new TypeError('x is not a function'))).equal('TypeError: x is not a function');
    });

    it('keeps a string, takes the message of an error-like object, and makes text of anything else', () => {
      should(errorText('just text')).equal('just text');
      should(errorText({ message: 'from an object' })).equal('from an object');
      should(errorText(42)).equal('42');
      should(errorText(undefined)).equal('undefined');
    });
  });

  it('redback-read: a failed poll is reported as a string with its whole text; Catch gets the same text and the input message', async () => {
    const flow = await loadReadFlow(sim, { site: 'Snot-mine' });
    flow.poll({ payload: 'go', tag: 'req-1' });
    await waitUntil(() => flow.caught.length === 1, 'the Catch node');
    const [text] = reported(READ_IDS.read);
    should(text).be.a.String();
    should(text).match(/^RedbackError: site Snot-mine is not on this Redback account \(its sites: S\w+, S\w+, S\w+, S\w+\)$/);
    should(flow.caught[0].error.message).equal(text);
    should(flow.caught[0].error.source.id).equal(READ_IDS.read);
    should(flow.caught[0].tag).equal('req-1');
  });

  it('redback-control: a refused command is reported as a string with its whole text; Catch gets the same text and the input message', async () => {
    const flow = await loadControlFlow(sim, { serial: 'RB21081800001734' });
    flow.send({ command: 'charge', powerW: 12_000, durationMinutes: 30 }, { tag: 'req-2' });
    const caught = await flow.error(1);
    const [text] = reported(CONTROL_IDS.control);
    should(text).be.a.String();
    should(text).match(/powerW 12000 is above the inverter's maximum charge power of 10000 W/);
    should(caught.error.message).equal(text);
    should(caught.error.source.id).equal(CONTROL_IDS.control);
    should((caught as unknown as { tag: string }).tag).equal('req-2');
  });
});
