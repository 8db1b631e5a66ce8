/** The account settings a `redback-config` node holds, with the cloud's defaults filled in. */
export const DEFAULT_API_URL = 'https://api.redbacktech.com';
export const DEFAULT_PORTAL_URL = 'https://portal.redbacktech.com';
export const TOKEN_PATH = '/Api/v2/Auth/token';

export interface AccountSettingsInput {
  apiUrl?: string;
  portalUrl?: string;
  tokenUrl?: string;
  tokenScope?: string;
}

export interface AccountSettings {
  apiUrl: string;
  portalUrl: string;
  tokenUrl: string;
  /** Empty when no scope is sent (the Redback token endpoint). */
  tokenScope: string;
}

export function accountSettings(input: AccountSettingsInput): AccountSettings {
  const apiUrl = withoutTrailingSlash(input.apiUrl) || DEFAULT_API_URL;
  return {
    apiUrl,
    portalUrl: withoutTrailingSlash(input.portalUrl) || DEFAULT_PORTAL_URL,
    tokenUrl: (input.tokenUrl ?? '').trim() || apiUrl + TOKEN_PATH,
    tokenScope: (input.tokenScope ?? '').trim(),
  };
}

function withoutTrailingSlash(url: string | undefined): string {
  return (url ?? '').trim().replace(/\/+$/, '');
}
