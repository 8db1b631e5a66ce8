/**
 * The config dialog's "Test connection": a token and the site list through the public API, then,
 * when a portal e-mail is given, a portal login; with the settings typed into the dialog.
 */
import { type AccountCredentials } from './account';
import { editorErrorReply, mergeCredentials, withDialogAccount, type SiteListingRequest } from './site-listing';

export type ConnectionStage = 'api' | 'portal';

export type ConnectionTestResult =
  | { status: 200; body: { sites: number; inverters: number; portal: 'ok' | 'not-configured' } }
  | { status: 400 | 502; body: { error: string; kind: string; stage: ConnectionStage } };

export async function testConnection(request: SiteListingRequest, stored?: AccountCredentials): Promise<ConnectionTestResult> {
  let stage: ConnectionStage = 'api';
  try {
    return await withDialogAccount(request, stored, async (account) => {
      const sites = await account.sites();
      const inverters = sites.reduce((n, site) => n + site.inverters.length, 0);
      if (!mergeCredentials(request, stored).email) return { status: 200, body: { sites: sites.length, inverters, portal: 'not-configured' } };
      stage = 'portal';
      await account.portal().login();
      return { status: 200, body: { sites: sites.length, inverters, portal: 'ok' } };
    });
  } catch (err) {
    const reply = editorErrorReply(err, 'the connection test failed unexpectedly');
    return { status: reply.status, body: { ...reply.body, stage } };
  }
}
