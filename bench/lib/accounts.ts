/** A RedbackAccount (what a config node owns) on a simulator, as the benchmarks use it without Node-RED. */
import { RedbackAccount, type AccountCredentials } from '../../src/account/account';
import { accountSettings } from '../../src/account/settings';
import { DEFAULT_CREDENTIALS } from '../../src/sim';

export function benchAccount(url: string, options: { credentials?: AccountCredentials; now?: () => number } = {}): RedbackAccount {
  return new RedbackAccount({
    settings: accountSettings({ apiUrl: url, portalUrl: url }),
    credentials: options.credentials ?? { ...DEFAULT_CREDENTIALS },
    now: options.now,
  });
}

/** An in-memory stand-in for a read node's context, keyed as the node keys it. */
export function memoryPeriods(): { get(key: string): never | undefined; set(key: string, value: unknown): void } {
  const store = new Map<string, unknown>();
  return { get: (key) => store.get(key) as never, set: (key, value) => void store.set(key, value) };
}
