/**
 * The control node's state store: the intent journal first (durable, flushed before anything is
 * sent), the node's context second (a copy for flows, and the source the first time a node runs
 * with a journal: a state an older version left in a persistent context is taken over).
 */
import { contextView, readState, type ControlState, type StateStore } from './control-state';
import type { IntentJournal } from './intent-journal';

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
