/** A RedbackAccount wired to a simulator, with fast retries for tests. */
import { RedbackAccount, type AccountCredentials } from '../../src/account/account';
import { accountSettings } from '../../src/account/settings';
import { DEFAULT_CREDENTIALS, type RedbackSimulator } from '../../src/sim';

export function simCredentials(overrides: AccountCredentials = {}): AccountCredentials {
  return { ...DEFAULT_CREDENTIALS, ...overrides };
}

export function accountFor(
  sim: RedbackSimulator,
  options: { credentials?: AccountCredentials; now?: () => number; tokenUrl?: string; timeoutMs?: number } = {},
): RedbackAccount {
  return new RedbackAccount({
    settings: accountSettings({ apiUrl: sim.url, portalUrl: sim.url, tokenUrl: options.tokenUrl }),
    credentials: options.credentials ?? simCredentials(),
    transport: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: options.timeoutMs ?? 2000 },
    now: options.now,
  });
}
