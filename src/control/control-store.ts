/**
 * The control node's state store: the intent journal first (durable, flushed before anything is
 * sent), the node's context second (a copy for flows, and the source the first time a node runs
 * with a journal: a state an older version left in a persistent context is taken over).
 */
import { contextView, readState, type ControlState, type StateStore } from './control-state';
import { IntentJournal, journalFile } from './intent-journal';

export interface ContextSlot {
  get(): unknown;
  set(value: unknown): void;
}

export function journaledStore(journal: IntentJournal, context: ContextSlot): StateStore {
  return {
    load: () => journal.read() ?? readState(context.get()),
    save: (state: ControlState) => {
      journal.write(state); // throws when the disk refuses: the caller then sends nothing
      context.set(contextView(state));
    },
  };
}

/**
 * The store of one node: its journal under Node-RED's user directory (in memory when there is
 * none, as in Node-RED's test helper), its context under `key`. `forget()` removes the journal of
 * a deleted node once it has no revert left.
 */
export function nodeStore(userDir: unknown, nodeId: string, context: { get(key: string): unknown; set(key: string, value: unknown): void }, key: string): { store: StateStore; forget(): void } {
  const journal = new IntentJournal(typeof userDir === 'string' && userDir !== '' ? journalFile(userDir, nodeId) : null);
  const store = journaledStore(journal, { get: () => context.get(key), set: (v) => context.set(key, v) });
  return {
    store,
    forget: () => {
      if (store.load().portalRevert === null) journal.remove();
    },
  };
}
