/** The read node's time zone setting: which midnight starts "today", "this month" and "this year". */
import { RedbackError } from '../http/errors';

/**
 * An IANA time zone (`Australia/Brisbane`), or undefined for the host's when `value` is empty.
 * Throws a `config` error for anything Intl does not know.
 */
export function parseTimeZone(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new RedbackError('config', `the time zone "${shown}" is not an IANA time zone such as Australia/Brisbane (leave it empty for Node-RED's own)`);
  }
}
