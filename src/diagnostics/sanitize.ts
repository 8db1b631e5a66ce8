/**
 * Makes a recorded answer safe to share: secrets, tokens, cookies, e-mail addresses, street
 * addresses and NMIs removed, site ids and serials replaced by pseudonyms (docs/diagnostics.md).
 * Done when the file is made (see recorder.ts).
 */
import type { Redactor } from '../http/redactor';
import type { IdKind, Pseudonyms } from './pseudonyms';

export const REMOVED = '(removed)';
const MAX_TEXT_BODY = 2000;
/** Larger JSON answers are kept as a note only. */
export const MAX_JSON_BODY = 512 * 1024;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** A street address in free text: a number, words, a street type ("42 Unmistakable Crescent", "9 Secret Lane"). */
const STREET = /\b\d+[A-Za-z]?(\/\d+)?\s+(?:[A-Z][A-Za-z'-]*\s+){1,4}(?:St|Street|Rd|Road|Ave|Avenue|La|Lane|Ln|Cres|Crescent|Ct|Court|Dr|Drive|Pl|Place|Way|Pde|Parade|Tce|Terrace|Cl|Close|Bvd|Boulevard|Blvd|Hwy|Highway|Cct|Circuit|Gr|Grove|Sq|Square|Esp|Esplanade)\b\.?/g;
const SECRET_KEY = /^(access_token|refresh_token|id_token|client_secret|clientsecret|password|__requestverificationtoken|cookie|set-cookie|authorization)$/i;
const PERSONAL_KEY = /^(nmi|email|e-mail|username|user_name|emailaddress|location|address|addressline(one|two|three)?|street|suburb|postcode|latitude|longitude|lat|lng|lon)$/i;
const SERIAL_KEY = /^(serialnumber|serial)$/i;
const SITE_KEY = /^(siteid)$/i;

export interface SanitizeContext {
  redactor: Redactor;
  pseudonyms: Pseudonyms;
}

export type SanitizedBody =
  | { kind: 'json'; json: unknown }
  | { kind: 'html'; html: HtmlSummary }
  | { kind: 'text'; text: string }
  | { kind: 'empty' }
  | { kind: 'omitted'; note: string };

export interface HtmlSummary {
  title: string;
  length: number;
  hasLoginForm: boolean;
  /** Forms by selector, with their input names (never their values). */
  forms: { selector: string; inputs: string[] }[];
  /** Validation or error messages shown, e-mail addresses removed. */
  messages: string[];
}

export function sanitizeBody(body: string, contentType: string, ctx: SanitizeContext): SanitizedBody {
  const trimmed = body.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (/^[{[]/.test(trimmed)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) {
      if (trimmed.length > MAX_JSON_BODY) return { kind: 'omitted', note: `a JSON answer of ${trimmed.length} characters, too large to keep` };
      return { kind: 'json', json: sanitizeJson(parsed, ctx) };
    }
  }
  if (/^</.test(trimmed) || /html/i.test(contentType)) return { kind: 'html', html: summarizeHtml(body, ctx) };
  return { kind: 'text', text: cut(cleanText(body, ctx), MAX_TEXT_BODY) };
}

/** Learns ids, removes personal and secret fields, then replaces ids and masks strings. */
export function sanitizeJson(value: unknown, ctx: SanitizeContext): unknown {
  const nmis = new Set<string>();
  learnIds(value, ctx.pseudonyms, nmis);
  return scrub(value, ctx, nmis);
}

/** Learns the site ids and serials a JSON value names (as SiteId, SerialNumber, or a site's or inverter's Id). */
export function learnJsonIds(value: unknown, pseudonyms: Pseudonyms): void {
  learnIds(value, pseudonyms, new Set());
}

/** Text with secrets masked, ids replaced and e-mail and street addresses removed. */
export function cleanText(text: string, ctx: SanitizeContext, nmis: Set<string> = new Set()): string {
  let out = ctx.pseudonyms.replace(ctx.redactor.clean(text)).replace(EMAIL, REMOVED).replace(STREET, REMOVED);
  for (const nmi of nmis) out = out.split(nmi).join(REMOVED);
  return out;
}

function learnIds(value: unknown, pseudonyms: Pseudonyms, nmis: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) learnIds(item, pseudonyms, nmis);
    return;
  }
  if (!isObject(value)) return;
  const type = typeof value.Type === 'string' ? value.Type.toLowerCase() : '';
  for (const [key, child] of Object.entries(value)) {
    if (SERIAL_KEY.test(key)) pseudonyms.learn('serial', child);
    else if (SITE_KEY.test(key)) pseudonyms.learn('site', child);
    else if (key === 'Id' && (type === 'site' || type === 'inverter')) pseudonyms.learn(type === 'site' ? 'site' : 'serial', child);
    else if (/^nmi$/i.test(key) && typeof child === 'string' && child.length >= 4) nmis.add(child);
    else learnIds(child, pseudonyms, nmis);
  }
}

function scrub(value: unknown, ctx: SanitizeContext, nmis: Set<string>): unknown {
  if (typeof value === 'string') return cleanText(value, ctx, nmis);
  if (Array.isArray(value)) return value.map((item) => scrub(item, ctx, nmis));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = child === null || child === undefined ? child : '***';
    else if (PERSONAL_KEY.test(key)) out[key] = child === null || child === undefined ? child : REMOVED;
    else out[key] = scrub(child, ctx, nmis);
  }
  return out;
}

function summarizeHtml(body: string, ctx: SanitizeContext): HtmlSummary {
  // cheerio is loaded only here, when a portal page is recorded.
  const cheerio = require('cheerio') as typeof import('cheerio');
  const $ = cheerio.load(body);
  const text = (t: string): string => cut(cleanText(t.replace(/\s+/g, ' ').trim(), ctx), 200);
  const forms = $('form').toArray().slice(0, 10).map((form) => {
    const id = form.attribs.id ? `#${form.attribs.id}` : '';
    const cls = form.attribs.class ? `.${form.attribs.class.trim().split(/\s+/).join('.')}` : '';
    const inputs = $(form).find('input, select, textarea').toArray().map((el) => el.attribs.name ?? '').filter((n) => n !== '');
    return { selector: `form${id}${cls}`, inputs: [...new Set(inputs)].slice(0, 30) };
  });
  const messages = $('.validation-summary-errors li, .field-validation-error, .alert-danger, #error-message').toArray()
    .map((el) => text($(el).text())).filter((t) => t !== '').slice(0, 10);
  return {
    title: text($('title').first().text()),
    length: body.length,
    hasLoginForm: $('form.login-form').length > 0,
    forms,
    messages,
  };
}

/** Cut after masking, never before: a secret cut in two is no longer found. */
function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { IdKind };
