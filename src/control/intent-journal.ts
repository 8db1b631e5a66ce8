/**
 * The control node's durable record of what it has sent, or is about to send, that must be undone
 * later: a small JSON file of this package's own, one per node, under Node-RED's user directory.
 * It does not depend on the user's context store: Node-RED's file store writes 30 s after a
 * change, so a crash in between would lose a revert deadline. Every write goes to a temporary
 * file that is flushed to disk (fsync) and then renamed over the journal, so a crash leaves either
 * the old record or the new one, never half of one (docs/control-safety.md).
 */
import fs from 'fs';
import path from 'path';
import { emptyState, readFullState, type ControlState } from './control-state';

/** The folder under the user directory that holds the journals. */
export const JOURNAL_DIR = 'node-red-redback';

const VERSION = 1;

/** The journal file of one node under `dir` (the node id reduced to safe file-name characters). */
export function journalFile(dir: string, nodeId: string): string {
  const safe = nodeId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || '_';
  return path.join(dir, JOURNAL_DIR, `control-${safe}.json`);
}

export class IntentJournal {
  /** What was last read or written; undefined until the file has been looked at. */
  private cached: ControlState | null | undefined;

  /** `file` null keeps the record in memory only (no user directory, as in Node-RED's test helper). */
  constructor(private readonly file: string | null) {}

  get path(): string | null {
    return this.file;
  }

  /** The recorded state, or null when nothing was ever recorded (no file). A damaged file reads as null. */
  read(): ControlState | null {
    if (this.cached !== undefined) return this.cached === null ? null : clone(this.cached);
    this.cached = this.file === null ? null : readFile(this.file);
    return this.cached === null ? null : clone(this.cached);
  }

  /** Records `state` durably before returning; throws when the disk refuses (nothing may be sent then). */
  write(state: ControlState): void {
    const copy = clone(state);
    if (this.file !== null) writeAtomically(this.file, JSON.stringify({ version: VERSION, savedAt: new Date().toISOString(), state: copy }, null, 1));
    this.cached = copy;
  }

  /** Forgets the record (the node was deleted and has nothing left to undo). */
  remove(): void {
    this.cached = null;
    if (this.file === null) return;
    try {
      fs.rmSync(this.file, { force: true });
    } catch {
      // A file that cannot be removed is read again on the next start; its entries are then checked.
    }
  }
}

function readFile(file: string): ControlState | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as { version?: unknown; state?: unknown };
    if (parsed.version !== VERSION) return null;
    return readFullState(parsed.state);
  } catch {
    return null;
  }
}

function writeAtomically(file: string, text: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  syncDir(dir);
}

/** Makes the rename itself durable; some platforms (Windows) cannot open a folder, which is fine there. */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported here: the rename is still atomic.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

function clone(state: ControlState): ControlState {
  return readFullState(JSON.parse(JSON.stringify(state))) ?? emptyState();
}
