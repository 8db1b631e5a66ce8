/** A value a node keeps under one key of its Node-RED context (which survives restarts with a persistent store). */

/** What of a node's context the store uses. */
export interface ContextLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface ContextStore<T> {
  load(): T;
  save(value: T): void;
}

/** `read` turns whatever is stored (nothing, an older shape, a user's edit) into a valid value. */
export function contextStore<T>(context: ContextLike, key: string, read: (stored: unknown) => T): ContextStore<T> {
  return {
    load: () => read(context.get(key)),
    save: (value) => context.set(key, value),
  };
}
