/** The account settings a `redback-config` node holds, with the cloud's defaults filled in. */
export const DEFAULT_API_URL = 'https://api.redbacktech.com';
export const DEFAULT_PORTAL_URL = 'https://portal.redbacktech.com';
export const TOKEN_PATH = '/Api/v2/Auth/token';

/** Redback answers slowly at times; real clients wait 20 s to 300 s (design: `timeoutS`). */
export const DEFAULT_TIMEOUT_S = 30;
export const MIN_TIMEOUT_S = 1;
export const MAX_TIMEOUT_S = 300;

export interface AccountSettingsInput {
  apiUrl?: string;
  portalUrl?: string;
  tokenUrl?: string;
  tokenScope?: string;
  /** Per-request timeout, seconds; a number or the editor's text. */
  timeoutS?: number | string;
}

export interface AccountSettings {
  apiUrl: string;
  portalUrl: string;
  tokenUrl: string;
  /** Empty when no scope is sent (the Redback token endpoint). */
  tokenScope: string;
  /** Per-request timeout, seconds (every token, API and portal request). */
  timeoutS: number;
}

export function accountSettings(input: AccountSettingsInput): AccountSettings {
  const apiUrl = withoutTrailingSlash(input.apiUrl) || DEFAULT_API_URL;
  return {
    apiUrl,
    portalUrl: withoutTrailingSlash(input.portalUrl) || DEFAULT_PORTAL_URL,
    tokenUrl: (input.tokenUrl ?? '').trim() || apiUrl + TOKEN_PATH,
    tokenScope: (input.tokenScope ?? '').trim(),
    timeoutS: timeoutSeconds(input.timeoutS),
  };
}

/** A whole number of seconds from MIN_TIMEOUT_S to MAX_TIMEOUT_S; anything else is the default. */
export function timeoutSeconds(value: number | string | undefined): number {
  const text = String(value ?? '').trim();
  if (!/^\d+$/.test(text)) return DEFAULT_TIMEOUT_S;
  const n = Number(text);
  return n >= MIN_TIMEOUT_S && n <= MAX_TIMEOUT_S ? n : DEFAULT_TIMEOUT_S;
}

/** Whether a typed timeout is acceptable (empty means the default). */
export function isValidTimeout(value: unknown): boolean {
  const text = String(value ?? '').trim();
  if (text === '') return true;
  return /^\d+$/.test(text) && Number(text) >= MIN_TIMEOUT_S && Number(text) <= MAX_TIMEOUT_S;
}

function withoutTrailingSlash(url: string | undefined): string {
  return (url ?? '').trim().replace(/\/+$/, '');
}
