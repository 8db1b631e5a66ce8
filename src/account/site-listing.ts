/**
 * The editor's site and inverter list: for a deployed config node through its own account, or,
 * for settings and credentials typed into a dialog that is not deployed yet, through a
 * short-lived account that is closed again at once.
 */
import { isRedbackError } from '../http/errors';
import { RedbackAccount, type AccountCredentials } from './account';
import type { SiteSummary } from './discovery';
import { accountSettings, type AccountSettingsInput } from './settings';

/** What the editor posts: the dialog's settings and credentials (secrets may be left out). */
export interface SiteListingRequest extends AccountSettingsInput, AccountCredentials {}

export type SiteListingResult =
  | { status: 200; body: { sites: SiteSummary[] } }
  | { status: 400 | 502; body: { error: string; kind: string } };

/** Credentials typed in the dialog win; missing secrets come from the stored ones. */
export function mergeCredentials(typed: AccountCredentials, stored: AccountCredentials | undefined): AccountCredentials {
  const pick = (value: string | undefined, fallback: string | undefined): string | undefined =>
    value !== undefined && value !== '' && value !== '__PWRD__' ? value : fallback;
  return {
    clientId: pick(typed.clientId, stored?.clientId),
    clientSecret: pick(typed.clientSecret, stored?.clientSecret),
    email: pick(typed.email, stored?.email),
    password: pick(typed.password, stored?.password),
  };
}

export async function listSites(load: () => Promise<SiteSummary[]>): Promise<SiteListingResult> {
  try {
    return { status: 200, body: { sites: await load() } };
  } catch (err) {
    return editorErrorReply(err, 'the site list could not be read');
  }
}

/** A failure as the editor sees it: Redback's own message, or `fallback` for anything unexpected. */
export function editorErrorReply(err: unknown, fallback: string): { status: 400 | 502; body: { error: string; kind: string } } {
  const kind = isRedbackError(err) ? err.kind : 'internal';
  const message = isRedbackError(err) ? err.message : fallback;
  // Not 401/403: the editor would take those for its own session ending.
  return { status: ['config', 'credentials', 'rejected'].includes(kind) ? 400 : 502, body: { error: message, kind } };
}

/** Runs `use` with a throw-away account made from a dialog's values, closed again afterwards. */
export async function withDialogAccount<T>(
  request: SiteListingRequest,
  stored: AccountCredentials | undefined,
  use: (account: RedbackAccount) => Promise<T>,
): Promise<T> {
  const account = new RedbackAccount({ settings: accountSettings(request), credentials: mergeCredentials(request, stored) });
  try {
    return await use(account);
  } finally {
    await account.shutdown();
  }
}

/** Lists sites with a throw-away account made from a dialog's values. */
export async function listSitesFor(request: SiteListingRequest, stored?: AccountCredentials): Promise<SiteListingResult> {
  return listSites(() => withDialogAccount(request, stored, (account) => account.sites()));
}
