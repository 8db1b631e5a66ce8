/** The control node's intent journal and its store: durable, atomic, independent of the context store (issue 14 §1). */
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import { journaledStore } from '../../src/control/control-store';
import { contextView, emptyState, readState, type ControlState } from '../../src/control/control-state';
import { IntentJournal, JOURNAL_DIR, journalFile } from '../../src/control/intent-journal';

const state = (): ControlState => ({
  schedules: [{ serial: 'RB1', scheduleId: 'abc', startAtMs: 1000, endAtMs: 61_000 }, { serial: 'RB1', scheduleId: null, startAtMs: 5000, endAtMs: 65_000 }],
  envelopes: [{ eventId: 'node-red-redback-ctl-aaaaaa', siteId: 'S1', endAtMs: 90_000 }],
  portalRevert: { serial: 'RB1', atMs: 120_000 },
  decision: null,
});

describe('control: intent journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps one file per node under the user directory, with a safe name', () => {
    should(journalFile(dir, 'a1b2.c3')).equal(path.join(dir, JOURNAL_DIR, 'control-a1b2.c3.json'));
    should(journalFile(dir, '../../etc/passwd')).equal(path.join(dir, JOURNAL_DIR, 'control-.._.._etc_passwd.json'));
  });

  it('writes the whole state, and a new journal on the same file (a restart) reads it back', () => {
    const file = journalFile(dir, 'ctl');
    new IntentJournal(file).write(state());
    should(new IntentJournal(file).read()).eql(state());
    should(fs.readdirSync(path.dirname(file))).eql(['control-ctl.json']); // no temporary file left behind
    if (process.platform !== 'win32') should(fs.statSync(file).mode & 0o777).equal(0o600);
  });

  it('reads nothing when there is no file, a damaged one or one of another version', () => {
    const file = journalFile(dir, 'ctl');
    should(new IntentJournal(file).read()).be.null();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"version":1,"state":{"sched');
    should(new IntentJournal(file).read()).be.null();
    fs.writeFileSync(file, JSON.stringify({ version: 99, state: state() }));
    should(new IntentJournal(file).read()).be.null();
  });

  it('a write replaces the file whole: what was there before is either kept or replaced, never mixed', () => {
    const file = journalFile(dir, 'ctl');
    const journal = new IntentJournal(file);
    journal.write(state());
    journal.write({ ...emptyState(), portalRevert: { serial: 'RB2', atMs: 7 } });
    should(new IntentJournal(file).read()).eql({ ...emptyState(), portalRevert: { serial: 'RB2', atMs: 7 } });
  });

  it('hands out copies: changing what it returned changes nothing recorded', () => {
    const journal = new IntentJournal(journalFile(dir, 'ctl'));
    journal.write(state());
    const read = journal.read()!;
    read.portalRevert = null;
    should(journal.read()!.portalRevert).eql({ serial: 'RB1', atMs: 120_000 });
  });

  it('remove() deletes the file', () => {
    const file = journalFile(dir, 'ctl');
    const journal = new IntentJournal(file);
    journal.write(state());
    journal.remove();
    should(fs.existsSync(file)).be.false();
    should(new IntentJournal(file).read()).be.null();
  });

  it('throws when the disk refuses, so nothing is sent', () => {
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, 'x');
    const journal = new IntentJournal(journalFile(blocker, 'ctl'));
    should(() => journal.write(state())).throw();
  });

  it('without a user directory keeps the record in memory', () => {
    const journal = new IntentJournal(null);
    should(journal.read()).be.null();
    journal.write(state());
    should(journal.read()).eql(state());
  });
});

describe('control: the journaled state store', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const slot = (initial: unknown = undefined) => {
    let value = initial;
    return { get: () => value, set: (v: unknown) => (value = v), peek: () => value };
  };

  it('saves to the journal first, and a copy in the shape flows know to the context', () => {
    const context = slot();
    const store = journaledStore(new IntentJournal(journalFile(dir, 'ctl')), context);
    store.save(state());
    should(context.peek()).eql({
      schedules: [{ serial: 'RB1', scheduleId: 'abc' }],
      envelopes: ['node-red-redback-ctl-aaaaaa'],
      portalRevert: { serial: 'RB1', atMs: 120_000 },
      decision: null,
    });
    // A memory context store loses everything on a crash; the journal does not.
    const afterCrash = journaledStore(new IntentJournal(journalFile(dir, 'ctl')), slot());
    should(afterCrash.load()).eql(state());
  });

  it('takes over what an older version left in context while there is no journal yet', () => {
    const old = { schedules: [{ serial: 'RB1', scheduleId: 'abc' }], envelopes: ['e1'], portalRevert: { serial: 'RB1', atMs: 5 }, decision: null };
    const store = journaledStore(new IntentJournal(journalFile(dir, 'ctl')), slot(old));
    should(store.load()).eql({
      schedules: [{ serial: 'RB1', scheduleId: 'abc', startAtMs: null, endAtMs: null }],
      envelopes: [{ eventId: 'e1', siteId: null, endAtMs: null }],
      portalRevert: { serial: 'RB1', atMs: 5 },
      decision: null,
    });
    should(contextView(store.load())).eql(old);
  });

  it('once the journal exists it is the record, whatever an old context store still holds', () => {
    const journal = new IntentJournal(journalFile(dir, 'ctl'));
    journal.write(emptyState());
    const stale = { schedules: [], envelopes: [], portalRevert: { serial: 'RB1', atMs: 5 }, decision: null };
    should(journaledStore(new IntentJournal(journalFile(dir, 'ctl')), slot(stale)).load().portalRevert).be.null();
  });

  it('leaves out entries it cannot read', () => {
    should(readState({ schedules: [null, { serial: 'RB1' }, { serial: 'RB1', scheduleId: 'x' }], envelopes: [3, '', 'e'], portalRevert: { serial: 'RB1', atMs: 'soon' } })).eql({
      schedules: [{ serial: 'RB1', scheduleId: 'x', startAtMs: null, endAtMs: null }],
      envelopes: [{ eventId: 'e', siteId: null, endAtMs: null }],
      portalRevert: null,
      decision: null,
    });
  });
});
