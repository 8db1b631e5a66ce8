/**
 * Checks for the config node's admin routes, which Node-RED serves without any login when it
 * has no `adminAuth` (its default): a page on another site must not be able to make Node-RED
 * send the stored secrets anywhere.
 *
 * - Bodies are accepted only as `application/json`: a browser sends that cross-site only after a
 *   preflight, which Node-RED refuses.
 * - A request whose `Origin` is not the editor's own is refused.
 * - Stored secrets go only to the URLs they were stored with: a changed URL needs them typed again.
 */
import type { AccountCredentials } from './account';
import { accountSettings, type AccountSettings, type AccountSettingsInput } from './settings';

export interface AdminRefusal {
  status: 403 | 415;
  body: { error: string; kind: 'forbidden' | 'unsupported' };
}

type Headers = Record<string, string | string[] | undefined>;

/** Why an admin request is refused, or null. `withBody` for the routes that take a body. */
export function refuseAdminRequest(headers: Headers, withBody: boolean): AdminRefusal | null {
  const origin = first(headers.origin);
  if (origin !== undefined && !sameHost(origin, first(headers.host))) {
    return { status: 403, body: { error: 'requests from another site are refused', kind: 'forbidden' } };
  }
  if (withBody && !/^application\/json\s*(;|$)/i.test((first(headers['content-type']) ?? '').trim())) {
    return { status: 415, body: { error: 'the body must be application/json', kind: 'unsupported' } };
  }
  return null;
}

/**
 * The stored credentials a dialog's request may use: the API's only when its API and token URLs
 * are the stored ones, the portal's only when its portal URL is; none for a node not deployed.
 */
export function storedCredentialsFor(
  request: AccountSettingsInput,
  storedSettings: AccountSettings | undefined,
  stored: AccountCredentials | undefined,
): AccountCredentials | undefined {
  if (!storedSettings || !stored) return undefined;
  const asked = accountSettings(request);
  const sameApi = asked.apiUrl === storedSettings.apiUrl && asked.tokenUrl === storedSettings.tokenUrl
    && asked.tokenScope === storedSettings.tokenScope;
  const samePortal = asked.portalUrl === storedSettings.portalUrl;
  return {
    clientId: sameApi ? stored.clientId : undefined,
    clientSecret: sameApi ? stored.clientSecret : undefined,
    email: samePortal ? stored.email : undefined,
    password: samePortal ? stored.password : undefined,
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame or a file) and anything unreadable
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
