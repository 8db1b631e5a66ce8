/** The cloud's own words from an error body: OAuth, problem details, ASP.NET or plain text. */
const MAX_LENGTH = 200;

export function cloudText(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return '';
  try {
    return shorten(fromJson(JSON.parse(trimmed)));
  } catch {
    // not JSON
  }
  if (/^<!doctype html|^<html/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed);
    return shorten(title ? `an HTML page "${title[1].trim()}"` : 'an HTML page');
  }
  return shorten(trimmed.replace(/\s+/g, ' '));
}

function fromJson(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const o = value as Record<string, unknown>;
  if (typeof o.error === 'string') {
    return typeof o.error_description === 'string' ? `${o.error}: ${o.error_description}` : o.error;
  }
  if (typeof o.title === 'string') {
    const details = (typeof o.detail === 'string' && o.detail) || flattenErrors(o.errors);
    return details ? `${o.title} ${details}` : o.title;
  }
  for (const key of ['ErrorMessage', 'Message', 'message', 'ErrorMsg']) {
    if (typeof o[key] === 'string' && o[key]) return o[key] as string;
  }
  return JSON.stringify(value);
}

function flattenErrors(errors: unknown): string {
  if (typeof errors !== 'object' || errors === null) return '';
  return Object.entries(errors as Record<string, unknown>)
    .map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`)
    .join('; ');
}

function shorten(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
