/**
 * Reading the Redback portal's server-rendered pages (docs/redback-cloud.md §6.1, §6.2, §6.4): the login
 * form's anti-forgery token, the Configure page's token, the login page's validation messages and
 * the text of an error page.
 *
 * cheerio is loaded on first use, so only the portal control path pays for it. Nothing read from a
 * page is executed or used as a URL: the form `action` attributes are ignored and the paths come
 * from docs/redback-cloud.md §6.
 */
import type { CheerioAPI } from 'cheerio';

export const ANTI_FORGERY_FIELD = '__RequestVerificationToken';
export const LOGIN_FORM = 'form.login-form';
export const CONFIGURE_FORM = 'form#GlobalAntiForgeryToken';

/** Longest portal text quoted in an error message. */
const MAX_TEXT = 200;

let cheerioModule: typeof import('cheerio') | undefined;

/** Parses HTML with cheerio, requiring it on first use. */
function load(html: string): CheerioAPI {
  cheerioModule ??= require('cheerio') as typeof import('cheerio');
  return cheerioModule.load(html);
}

/** Whether a body is worth parsing as HTML (it starts with a tag). */
export function looksLikeHtml(body: string): boolean {
  return /^\s*</.test(body);
}

/**
 * The anti-forgery token of a form: its `input[name=__RequestVerificationToken]`, else its first
 * hidden input (as [RTPY], [CB2] and [PYS] do). `undefined` when the form or a non-empty value is
 * missing.
 */
function formToken($: CheerioAPI, formSelector: string): string | undefined {
  const form = $(formSelector).first();
  if (form.length === 0) return undefined;
  const inputs = form.find('input').toArray();
  const named = inputs.find((el) => el.attribs.name === ANTI_FORGERY_FIELD);
  const hidden = inputs.find((el) => (el.attribs.type ?? '').trim().toLowerCase() === 'hidden');
  const value = (named ?? hidden)?.attribs.value;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The token of the login page's `form.login-form` (docs/redback-cloud.md §6.1). */
export function loginFormToken(html: string): string | undefined {
  return formToken(load(html), LOGIN_FORM);
}

/** The token of the Configure page's `form#GlobalAntiForgeryToken` (docs/redback-cloud.md §6.2). */
export function configureFormToken(html: string): string | undefined {
  return formToken(load(html), CONFIGURE_FORM);
}

/** Whether the page is (or contains) the portal's login form. */
export function hasLoginForm(html: string): boolean {
  return looksLikeHtml(html) && load(html)(LOGIN_FORM).length > 0;
}

/**
 * The login page's validation messages after a refused login, e.g. "Invalid login attempt.", or
 * '' when the page shows none.
 */
export function loginErrors(html: string): string {
  const $ = load(html);
  const texts: string[] = [];
  const add = (text: string): void => {
    const clean = squash(text);
    if (clean !== '' && !texts.includes(clean)) texts.push(clean);
  };
  $('.validation-summary-errors li').each((_i, el) => add($(el).text()));
  if (texts.length === 0) $('.validation-summary-errors').each((_i, el) => add($(el).text()));
  $('.field-validation-error, .alert-danger').each((_i, el) => add($(el).text()));
  return shorten(texts.join(' '));
}

/**
 * What an HTML error page says, for an error message: the ASP.NET error text, a validation
 * summary, an alert, else the first paragraph of the page, else its title. '' when none.
 */
export function pageMessage(html: string): string {
  if (!looksLikeHtml(html)) return '';
  const $ = load(html);
  for (const selector of ['#error-message', '.validation-summary-errors', '.alert-danger', '.body-content p', 'p']) {
    const text = $(selector).toArray().map((el) => squash($(el).text())).find((t) => t !== '');
    if (text) return shorten(text);
  }
  return shorten(squash($('title').first().text()));
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shorten(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
