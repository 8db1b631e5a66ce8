/** The control node's building blocks without Node-RED: the latest-wins queue, the read-back and the status texts. */
import should from 'should';
import sinon from 'sinon';
import type { ControlOutcome } from '../../src/control/executor';
import { LatestWinsQueue, SUPERSEDED } from '../../src/control/latest-wins-queue';
import { readBack, type ReportedMode } from '../../src/control/read-back';
import { failureStatus, outcomeStatus, readBackStatus } from '../../src/control/status-text';

/** A promise with its resolve and reject outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('control: latest-wins queue', () => {
  it('runs jobs for one key one at a time, and a burst collapses to the last', async () => {
    const queue = new LatestWinsQueue<string>();
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred<string>>>();
    const job = (name: string) => () => {
      log.push(`start ${name}`);
      const gate = deferred<string>();
      gates.set(name, gate);
      return gate.promise.then((v) => {
        log.push(`end ${name}`);
        return v;
      });
    };
    const a = queue.run('inv', job('a'));
    const b = queue.run('inv', job('b'));
    const c = queue.run('inv', job('c'));
    const d = queue.run('inv', job('d'));
    await flush();
    should(log).eql(['start a']);
    should(await b).equal(SUPERSEDED);
    should(await c).equal(SUPERSEDED);

    gates.get('a')!.resolve('A');
    should(await a).equal('A');
    await flush();
    should(log).eql(['start a', 'end a', 'start d']);
    gates.get('d')!.resolve('D');
    should(await d).equal('D');
    should(log).eql(['start a', 'end a', 'start d', 'end d']);
  });

  it('jobs for different keys do not wait for each other', async () => {
    const queue = new LatestWinsQueue<string>();
    const slow = deferred<string>();
    const first = queue.run('one', () => slow.promise);
    const other = await queue.run('two', async () => 'two done');
    should(other).equal('two done');
    slow.resolve('one done');
    should(await first).equal('one done');
  });

  it('a failing job rejects its own caller only, and the next job still runs', async () => {
    const queue = new LatestWinsQueue<string>();
    const gate = deferred<string>();
    const failing = queue.run('inv', () => gate.promise);
    const next = queue.run('inv', async () => 'next');
    gate.reject(new Error('boom'));
    await should(failing).be.rejectedWith('boom');
    should(await next).equal('next');
    should(await queue.run('inv', async () => 'after')).equal('after');
  });

  it('clear() drops the waiting jobs (superseded) and lets the running one finish', async () => {
    const queue = new LatestWinsQueue<string>();
    const gate = deferred<string>();
    const running = queue.run('inv', () => gate.promise);
    let ran = false;
    const waiting = queue.run('inv', async () => {
      ran = true;
      return 'never';
    });
    queue.clear();
    should(await waiting).equal(SUPERSEDED);
    gate.resolve('finished');
    should(await running).equal('finished');
    await flush();
    should(ran).be.false();
  });
});

describe('control: read-back', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => clock.restore());

  /** A reader that answers from a list (an Error entry rejects), recording when it was called. */
  const reader = (answers: (ReportedMode | Error)[]) => {
    const calls: number[] = [];
    const read = async (): Promise<ReportedMode> => {
      calls.push(clock.now);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return { read, calls };
  };
  const charge3000: ReportedMode = { mode: 'ChargeBattery', powerW: 3000 };

  it('reads once a minute and stops at the first read that shows the mode', async () => {
    const { read, calls } = reader([{ mode: 'Auto', powerW: 0 }, charge3000]);
    const result = readBack(read, charge3000, { signal: new AbortController().signal });
    await clock.tickAsync(59_999);
    should(calls).be.empty();
    await clock.tickAsync(1);
    await clock.tickAsync(60_000);
    should(await result).eql({ applied: true, reported: charge3000, checks: 2 });
    should(calls).eql([60_000, 120_000]);
    await clock.tickAsync(600_000);
    should(calls).have.length(2);
  });

  it('after three reads without the mode: not applied, with the last mode reported', async () => {
    const { read, calls } = reader([{ mode: 'Auto', powerW: 0 }, { mode: 'DischargeBattery', powerW: 1500 }]);
    const result = readBack(read, charge3000, { signal: new AbortController().signal });
    await clock.tickAsync(180_000);
    should(await result).eql({ applied: false, reported: { mode: 'DischargeBattery', powerW: 1500 }, checks: 3 });
    should(calls).eql([60_000, 120_000, 180_000]);
  });

  it('waits for a later start before the first read only', async () => {
    const { read, calls } = reader([{ mode: 'Auto', powerW: 0 }]);
    const result = readBack(read, charge3000, { signal: new AbortController().signal, delayMs: 300_000, checks: 2, intervalMs: 1000 });
    await clock.tickAsync(400_000);
    should(await result).have.properties({ applied: false, checks: 2 });
    should(calls).eql([301_000, 302_000]);
  });

  it('a failed read is not a verdict; when every read fails nothing was reported', async () => {
    const some = reader([new Error('503'), charge3000]);
    const first = readBack(some.read, charge3000, { signal: new AbortController().signal });
    await clock.tickAsync(120_000);
    should(await first).eql({ applied: true, reported: charge3000, checks: 2 });

    const none = reader([new Error('503')]);
    const second = readBack(none.read, charge3000, { signal: new AbortController().signal });
    await clock.tickAsync(180_000);
    should(await second).eql({ applied: false, reported: null, checks: 3 });
  });

  it('Auto matches at any power; the same mode at another power does not match', async () => {
    const auto = reader([{ mode: 'Auto', powerW: 250 }]);
    const a = readBack(auto.read, { mode: 'Auto', powerW: 0 }, { signal: new AbortController().signal });
    await clock.tickAsync(60_000);
    should(await a).have.properties({ applied: true });

    const other = reader([{ mode: 'ChargeBattery', powerW: 2999 }]);
    const b = readBack(other.read, charge3000, { signal: new AbortController().signal, checks: 1 });
    await clock.tickAsync(60_000);
    should(await b).have.properties({ applied: false });

    const any = reader([{ mode: 'Conserve', powerW: 17 }]);
    const c = readBack(any.read, { mode: 'Conserve', powerW: null }, { signal: new AbortController().signal, checks: 1 });
    await clock.tickAsync(60_000);
    should(await c).have.properties({ applied: true });
  });

  it('stops at once, without another read, when its signal aborts', async () => {
    const { read, calls } = reader([{ mode: 'Auto', powerW: 0 }]);
    const abort = new AbortController();
    const result = readBack(read, charge3000, { signal: abort.signal });
    await clock.tickAsync(60_000);
    abort.abort();
    await should(result).be.rejectedWith({ kind: 'closed' });
    await clock.tickAsync(600_000);
    should(calls).have.length(1);
    should(clock.countTimers()).equal(0);
  });
});

describe('control: status texts', () => {
  const outcome = (extra: Partial<ControlOutcome>): ControlOutcome => ({
    ok: true, command: 'charge', mode: 'ChargeBattery', powerW: 3000, startAt: '2026-01-15T02:00:00Z', endAt: '2026-01-15T02:30:00Z',
    method: 'schedule', serial: 'RB21081800001734', siteId: 'S4b1e7c20d93a5', ...extra,
  });
  const until = (iso: string): string => {
    const d = new Date(iso);
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  };

  it('shows the command and when it ends (local time), dry runs in blue', () => {
    should(outcomeStatus(outcome({}))).eql({ fill: 'green', shape: 'dot', text: `charge 3000 W until ${until('2026-01-15T02:30:00Z')}` });
    should(outcomeStatus(outcome({ command: 'conserve', powerW: null }))).have.properties({ text: `conserve until ${until('2026-01-15T02:30:00Z')}` });
    should(outcomeStatus(outcome({ command: 'auto', mode: 'Auto', powerW: 0, endAt: null }))).have.properties({ text: 'auto' });
    should(outcomeStatus(outcome({ command: 'curtail', mode: null, powerW: null, exportLimitW: 0, method: 'envelope' }))).have.properties({ text: `curtail to 0 W until ${until('2026-01-15T02:30:00Z')}` });
    should(outcomeStatus(outcome({ dryRun: true }))).eql({ fill: 'blue', shape: 'ring', text: `dry run: charge 3000 W until ${until('2026-01-15T02:30:00Z')}` });
  });

  it('read-back: a tick when applied, a yellow ring with the reported mode when not', () => {
    should(readBackStatus(outcome({}), { applied: true, reported: { mode: 'ChargeBattery', powerW: 3000 }, checks: 1 }))
      .eql({ fill: 'green', shape: 'dot', text: `charge 3000 W until ${until('2026-01-15T02:30:00Z')} ✓` });
    should(readBackStatus(outcome({}), { applied: false, reported: { mode: 'Auto', powerW: 0 }, checks: 3 }))
      .eql({ fill: 'yellow', shape: 'ring', text: 'not applied: inverter reports Auto' });
    should(readBackStatus(outcome({}), { applied: false, reported: null, checks: 3 }))
      .eql({ fill: 'yellow', shape: 'ring', text: 'not applied: inverter reports nothing' });
  });

  it('failures are a red ring, cut to 60 characters', () => {
    should(failureStatus('short')).eql({ fill: 'red', shape: 'ring', text: 'short' });
    const long = failureStatus('x'.repeat(100));
    should(long.text).have.length(60);
    should(long.text.endsWith('…')).be.true();
  });
});
