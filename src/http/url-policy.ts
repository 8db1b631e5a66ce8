/**
 * Only `https:` URLs reach the cloud; plain `http:` is allowed for loopback hosts only (the
 * bundled simulator), so credentials are never sent in clear over a network.
 */
import { RedbackError } from './errors';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The URL, normalised, or a `config` error naming the setting. */
export function checkUrl(value: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not `value` as typed: an unparseable URL may still hold a user name and password.
    throw new RedbackError('config', `${setting} "${value.replace(/\/\/.*@/, '//***@')}" is not a valid URL`);
  }
  if (url.username || url.password) throw new RedbackError('config', `${setting} must not contain a user name or password`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw new RedbackError('config', `${setting} must use https: (plain http: is allowed only for loopback addresses such as the simulator), got ${url.origin}`);
  }
  throw new RedbackError('config', `${setting} must be an https: URL, got ${url.protocol}`);
}
