import should from 'should';
import sinon from 'sinon';
import { Poller } from '../../src/read/poller';
import { PollAnchor } from '../../src/util/poll-anchor';
import { select } from '../../src/read/read-service';
import { RedbackError } from '../../src/http/errors';

/** Lets promise callbacks run between fake-timer steps. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Poller', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  function counting(options: { failFirst?: number; durationMs?: number; intervalMs?: number } = {}) {
    const calls: (string | undefined)[] = [];
    const errors: unknown[] = [];
    let failures = options.failFirst ?? 0;
    const poller = new Poller<string>({
      intervalMs: options.intervalMs ?? 60_000,
      firstDelayMs: 2000,
      poll: async (trigger) => {
        calls.push(trigger);
        if (options.durationMs) await new Promise((r) => setTimeout(r, options.durationMs));
        if (failures > 0) {
          failures--;
          throw new RedbackError('transient', 'boom');
        }
      },
      onError: (err) => errors.push(err),
    });
    return { poller, calls, errors };
  }

  it('polls shortly after start, then once per interval', async () => {
    const { poller, calls } = counting();
    poller.start();
    await clock.tickAsync(1999);
    should(calls).have.length(0);
    await clock.tickAsync(1);
    should(calls).have.length(1);
    await clock.tickAsync(59_999);
    should(calls).have.length(1);
    await clock.tickAsync(1);
    should(calls).have.length(2);
    await clock.tickAsync(120_000);
    should(calls).have.length(4);
    poller.stop();
  });

  it('keeps its cadence from the start of each poll, whatever a poll takes', async () => {
    const { poller, calls } = counting({ durationMs: 5000 });
    poller.start();
    await clock.tickAsync(2000 + 5000 + 55_000);
    should(calls).have.length(2);
    poller.stop();
  });

  it('never overlaps: a poll asked for during one joins it', async () => {
    const { poller, calls } = counting({ durationMs: 1000 });
    const first = poller.now('input-1');
    const second = poller.now('input-2');
    should(poller.busy).be.true();
    await clock.tickAsync(1000);
    await Promise.all([first, second]);
    should(calls).eql(['input-1']);
    const third = poller.now('input-3');
    await clock.tickAsync(1000);
    await third;
    should(calls).eql(['input-1', 'input-3']);
    poller.stop();
  });

  it('reports a failed timer poll and keeps the timer running', async () => {
    const { poller, calls, errors } = counting({ failFirst: 1 });
    poller.start();
    await clock.tickAsync(2000);
    should(errors).have.length(1);
    await clock.tickAsync(60_000);
    should(calls).have.length(2);
    should(errors).have.length(1);
    poller.stop();
  });

  it('does not report twice when the timer fires during a poll asked for with now()', async () => {
    const { poller, calls, errors } = counting({ failFirst: 1, durationMs: 5000 });
    poller.start();
    await clock.tickAsync(1000);
    const asked = poller.now('input').then(() => 'resolved', (err: Error) => err.message);
    await clock.tickAsync(5000); // the timer's turn (2 s) comes while the input's poll runs
    should(await asked).equal('boom');
    should(errors).have.length(0);
    should(calls).eql(['input']);
    await clock.tickAsync(60_000);
    should(calls).have.length(2);
    poller.stop();
  });

  it('skips a timed poll due within half an interval of the start of a completed input poll, and goes on from that poll', async () => {
    const { poller, calls } = counting();
    poller.start();
    await clock.tickAsync(1000);
    await poller.now('input'); // the first timed poll (at 2 s) would repeat it
    await clock.tickAsync(1000);
    should(calls).eql(['input']);
    await clock.tickAsync(58_999); // 60 s after the input poll started
    should(calls).eql(['input']);
    await clock.tickAsync(1);
    should(calls).eql(['input', undefined]);
    poller.stop();
  });

  it('keeps a timed poll due more than half an interval after an input poll, and one after an input poll that failed', async () => {
    const late = counting({ intervalMs: 2000 });
    late.poller.start();
    await late.poller.now('input'); // at 0 s; the timed poll at 2 s is a whole interval later
    await clock.tickAsync(2000);
    should(late.calls).eql(['input', undefined]);
    late.poller.stop();

    const failed = counting({ failFirst: 1 });
    failed.poller.start();
    await clock.tickAsync(1000);
    await should(failed.poller.now('input')).be.rejectedWith('boom');
    await clock.tickAsync(1000);
    should(failed.calls).eql(['input', undefined]); // nothing to repeat: the timed poll runs
    failed.poller.stop();
  });

  it('rejects a poll asked for with now() with its error, instead of reporting it', async () => {
    const { poller, errors } = counting({ failFirst: 1 });
    await should(poller.now('x')).be.rejectedWith('boom');
    should(errors).have.length(0);
    poller.stop();
  });

  it('leaves no timer behind once stopped, even when stopped mid-poll', async () => {
    const { poller, calls } = counting({ durationMs: 1000 });
    poller.start();
    await clock.tickAsync(2500);
    poller.stop();
    await clock.tickAsync(1000);
    await settle();
    should(clock.countTimers()).equal(0);
    await clock.tickAsync(600_000);
    should(calls).have.length(1);
  });

  describe('with a shared anchor', () => {
    /** A poller anchored with `anchor` that records the fake time of each poll; poll i takes durationsMs[i]. */
    function timed(anchor: PollAnchor, durationsMs: number[] = []) {
      const at: number[] = [];
      const poller = new Poller({
        intervalMs: 60_000,
        firstDelayMs: 2000,
        poll: async () => {
          const durationMs = durationsMs[at.length] ?? 0;
          at.push(Date.now());
          if (durationMs) await new Promise((r) => setTimeout(r, durationMs));
        },
        onError: () => undefined,
        anchorMs: (started) => anchor.anchor(started),
      });
      return { poller, at };
    }

    it('polls in step with the first poller after its own first poll, however much later it started', async () => {
      const anchor = new PollAnchor();
      const first = timed(anchor);
      const second = timed(anchor);
      first.poller.start();
      await clock.tickAsync(25_700);
      second.poller.start();
      await clock.tickAsync(200_000);
      should(first.at).eql([2000, 62_000, 122_000, 182_000]);
      should(second.at).eql([27_700, 62_000, 122_000, 182_000]);
      first.poller.stop();
      second.poller.stop();
    });

    it('skips an instant closer than half an interval to its own first poll', async () => {
      const anchor = new PollAnchor();
      const first = timed(anchor);
      const second = timed(anchor);
      first.poller.start();
      await clock.tickAsync(40_000);
      second.poller.start();
      await clock.tickAsync(100_000);
      should(second.at).eql([42_000, 122_000]);
      first.poller.stop();
      second.poller.stop();
    });

    it('comes back to the anchor after a late poll instead of counting from it', async () => {
      const anchor = new PollAnchor();
      const { poller, at } = timed(anchor, [61_000]);
      poller.start();
      await clock.tickAsync(200_000);
      // The first poll ends at 63 s, after the 62 s instant: the late poll runs at once, the next one at 122 s.
      should(at).have.length(4);
      should(at[1]).be.within(63_000, 63_001);
      should(at.slice(2)).eql([122_000, 182_000]);
      poller.stop();
    });
  });
});

describe('read selection', () => {
  const sites = [
    { siteId: 'S1', nmi: null, inverters: [{ serial: 'RB1' }] },
    { siteId: 'S2', nmi: '123', inverters: [{ serial: 'RB2' }, { serial: 'RB3' }] },
  ];

  it('reads everything when site and serial are empty', () => {
    should(select(sites, { site: '', serial: '' })).eql([
      { siteId: 'S1', serial: 'RB1' }, { siteId: 'S2', serial: 'RB2' }, { siteId: 'S2', serial: 'RB3' },
    ]);
  });

  it('narrows to a site, and to a serial (case-insensitively, trimmed)', () => {
    should(select(sites, { site: 's2', serial: '' })).eql([{ siteId: 'S2', serial: 'RB2' }, { siteId: 'S2', serial: 'RB3' }]);
    should(select(sites, { site: '', serial: ' rb3 ' })).eql([{ siteId: 'S2', serial: 'RB3' }]);
  });

  it('names what is on the account when the selection is not', () => {
    should(() => select(sites, { site: 'S9', serial: '' })).throw(/site S9 is not on this Redback account \(its sites: S1, S2\)/);
    should(() => select(sites, { site: 'S1', serial: 'RB2' })).throw(/inverter RB2 is not on site S1/);
    should(() => select([], { site: '', serial: '' })).throw(/no inverters/);
  });
});
