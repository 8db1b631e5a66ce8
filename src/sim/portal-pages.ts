/**
 * HTML of the simulated customer portal, shaped like the ASP.NET MVC pages integrations scrape:
 * the login page (`form.login-form`, the anti-forgery token as its first hidden input) and the
 * per-inverter Configure page (`form#GlobalAntiForgeryToken`). Everything interpolated is escaped.
 */
import { PORTAL_MODES, type InverterMode, type PowerMode } from './types';

export const ANTI_FORGERY_NAME = '__RequestVerificationToken';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = [
  'body{font-family:"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#f4f4f4}',
  '.navbar{background:#c8102e;color:#fff;padding:10px 20px}',
  '.navbar a{color:#fff;margin-left:16px}',
  '.body-content{max-width:760px;margin:24px auto;background:#fff;padding:20px 28px}',
  '.form-group{margin-bottom:12px}',
  '.form-control{display:block;width:100%;max-width:320px;padding:6px}',
  '.text-danger{color:#a94442}',
  '.validation-summary-valid{display:none}',
  'table{border-collapse:collapse}td,th{padding:4px 12px 4px 0;text-align:left}',
].join('\n');

function layout(title: string, body: string, options: { signedInAs?: string; bodyClass?: string } = {}): string {
  const nav = options.signedInAs === undefined
    ? ''
    : `<span class="navbar-text">Hello ${escapeHtml(options.signedInAs)}!</span>`
      + '<a href="/ui/">Dashboard</a><a href="/Account/LogOff/" id="logoffLink">Log off</a>';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1.0" />',
    `<title>${escapeHtml(title)} - Redback Portal</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body${options.bodyClass ? ` class="${escapeHtml(options.bodyClass)}"` : ''}>`,
    `<div class="navbar"><a class="navbar-brand" href="/ui/">Redback Portal</a>${nav}</div>`,
    '<div class="container body-content">',
    body,
    '<hr />',
    '<footer><p>&copy; Redback Technologies (simulated)</p></footer>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function hidden(name: string, value: string): string {
  return `<input name="${escapeHtml(name)}" type="hidden" value="${escapeHtml(value)}" />`;
}

export function loginAction(returnUrl: string | undefined): string {
  return returnUrl ? `/Account/Login?ReturnUrl=${encodeURIComponent(returnUrl)}` : '/Account/Login';
}

export interface LoginPageOptions {
  formToken: string;
  returnUrl?: string;
  /** The e-mail to show again after a failed attempt. */
  email?: string;
  /** Validation-summary messages, e.g. "Invalid login attempt.". */
  errors?: string[];
}

/** The login page: `form.login-form` whose first hidden input is the anti-forgery token. */
export function loginPage(o: LoginPageOptions): string {
  const errors = o.errors ?? [];
  const summary = errors.length > 0
    ? `<div class="validation-summary-errors text-danger"><ul>${errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></div>`
    : '<div class="validation-summary-valid text-danger" data-valmsg-summary="true"><ul><li style="display:none"></li></ul></div>';
  const body = [
    '<h2>Log in</h2>',
    '<section id="loginForm">',
    `<form action="${escapeHtml(loginAction(o.returnUrl))}" class="login-form" method="post" role="form" novalidate="novalidate">`,
    hidden(ANTI_FORGERY_NAME, o.formToken),
    '<h4>Use your Redback account to log in.</h4>',
    summary,
    '<div class="form-group">',
    '<label class="control-label" for="Email">Email</label>',
    `<input class="form-control" id="Email" name="Email" type="email" value="${escapeHtml(o.email ?? '')}" autocomplete="username" />`,
    '</div>',
    '<div class="form-group">',
    '<label class="control-label" for="Password">Password</label>',
    '<input class="form-control" id="Password" name="Password" type="password" autocomplete="current-password" />',
    '</div>',
    '<div class="form-group checkbox">',
    '<input id="RememberMe" name="RememberMe" type="checkbox" value="true" />',
    hidden('RememberMe', 'false'),
    '<label for="RememberMe">Remember me?</label>',
    '</div>',
    '<div class="form-group"><input type="submit" value="Log in" class="btn btn-primary" /></div>',
    '</form>',
    '</section>',
  ].join('\n');
  return layout('Log in', body, { bodyClass: 'login-page' });
}

/**
 * A redesigned sign-in page without an anti-forgery token or `form.login-form` (the
 * `loginWithoutToken` fault): every scraper of the old page fails at its second step.
 */
export function redesignedLoginPage(returnUrl?: string): string {
  const body = [
    '<div id="app" class="rb-signin">',
    '<h1>Sign in to Redback</h1>',
    '<p>We have refreshed our portal. Sign in with your Redback account.</p>',
    `<form action="${escapeHtml(loginAction(returnUrl))}" id="signin" class="rb-signin__form" method="post">`,
    '<label for="username">Email address</label>',
    '<input id="username" name="username" type="email" autocomplete="username" />',
    '<label for="password">Password</label>',
    '<input id="password" name="password" type="password" autocomplete="current-password" />',
    '<button type="submit">Continue</button>',
    '</form>',
    '</div>',
  ].join('\n');
  return layout('Sign in', body, { bodyClass: 'signin-page' });
}

/** ASP.NET's error page for a failed anti-forgery check (HttpAntiForgeryException). */
export function antiForgeryErrorPage(message: string): string {
  const body = [
    '<h1 class="text-danger">Error.</h1>',
    '<h2 class="text-danger">An error occurred while processing your request.</h2>',
    `<p id="error-message">${escapeHtml(message)}</p>`,
  ].join('\n');
  return layout('Error', body);
}

export function notFoundPage(message: string, signedInAs?: string): string {
  const body = [
    '<h1>404 - Not Found</h1>',
    `<p>${escapeHtml(message)}</p>`,
    '<p><a href="/ui/">Back to the dashboard</a></p>',
  ].join('\n');
  return layout('Not Found', body, { signedInAs });
}

export interface DashboardInverter {
  serial: string;
  model: string;
  siteId: string;
  address: string;
}

export function dashboardPage(email: string, inverters: DashboardInverter[]): string {
  const rows = inverters.map((i) => [
    '<tr>',
    `<td>${escapeHtml(i.siteId)}</td>`,
    `<td>${escapeHtml(i.address)}</td>`,
    `<td>${escapeHtml(i.model)}</td>`,
    `<td><a href="/productcontrol/Configure?serialNumber=${escapeHtml(encodeURIComponent(i.serial))}">${escapeHtml(i.serial)}</a></td>`,
    '</tr>',
  ].join(''));
  const body = [
    '<h2>My systems</h2>',
    '<table class="table" id="systems">',
    '<thead><tr><th>Site</th><th>Address</th><th>Model</th><th>Serial number</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
  return layout('Dashboard', body, { signedInAs: email });
}

export interface ConfigurePageOptions {
  email: string;
  serial: string;
  model: string;
  /** A display name for the inverter, e.g. its site's address. */
  name: string;
  siteId: string;
  softwareVersion: string;
  firmwareVersion: string;
  current: PowerMode;
  /** The anti-forgery token for the Set POST. */
  formToken: string;
}

const MODE_LABELS: Partial<Record<InverterMode, string>> = {
  Auto: 'Auto',
  ChargeBattery: 'Charge Battery',
  DischargeBattery: 'Discharge Battery',
  ImportPower: 'Import Power',
  ExportPower: 'Export Power',
  Conserve: 'Conserve Battery',
};

/**
 * The per-inverter Configure page: `form#GlobalAntiForgeryToken` with the token as its only input
 * comes first, then the Set form that the page's script posts to `productcontrol/Index`.
 */
export function configurePage(o: ConfigurePageOptions): string {
  const options = PORTAL_MODES.map((m) =>
    `<option value="${escapeHtml(m)}"${m === o.current.mode ? ' selected="selected"' : ''}>${escapeHtml(MODE_LABELS[m] ?? m)}</option>`);
  const action = `/productcontrol/Configure?serialNumber=${encodeURIComponent(o.serial)}`;
  const body = [
    `<form action="${escapeHtml(action)}" id="GlobalAntiForgeryToken" method="post">${hidden(ANTI_FORGERY_NAME, o.formToken)}</form>`,
    `<h2>Configure ${escapeHtml(o.name)}</h2>`,
    '<table class="table" id="inverterDetails">',
    `<tr><th>Serial number</th><td id="serialNumber">${escapeHtml(o.serial)}</td></tr>`,
    `<tr><th>Model</th><td id="productModel">${escapeHtml(o.model)}</td></tr>`,
    `<tr><th>Site</th><td>${escapeHtml(o.siteId)}</td></tr>`,
    `<tr><th>ROSS version</th><td id="rossVersion">${escapeHtml(o.softwareVersion)}</td></tr>`,
    `<tr><th>Firmware</th><td>${escapeHtml(o.firmwareVersion)}</td></tr>`,
    `<tr><th>Current mode</th><td id="currentMode">${escapeHtml(o.current.mode)} (${escapeHtml(o.current.powerW)} W)</td></tr>`,
    '</table>',
    '<h3>Inverter operation</h3>',
    '<form action="/productcontrol/Index" id="inverterOperationForm" method="post" data-ajax="true">',
    hidden('SerialNumber', o.serial),
    hidden('AppliedTariffId', ''),
    hidden('InverterOperation[Type]', 'Set'),
    hidden('InverterOperation[AppliedTarrifId]', ''),
    hidden('ProductModelName', ''),
    hidden('RossVersion', o.softwareVersion),
    '<div class="form-group">',
    '<label for="InverterOperation_Mode">Mode</label>',
    `<select class="form-control" id="InverterOperation_Mode" name="InverterOperation[Mode]">${options.join('')}</select>`,
    '</div>',
    '<div class="form-group">',
    '<label for="InverterOperation_PowerInWatts">Power (W)</label>',
    `<input class="form-control" id="InverterOperation_PowerInWatts" name="InverterOperation[PowerInWatts]" type="number" min="0" max="10000" step="1" value="${escapeHtml(o.current.powerW)}" />`,
    '</div>',
    '<div class="form-group"><button type="submit" class="btn btn-primary">Set</button></div>',
    '</form>',
    // Like the portal's own script: the Set POST carries the token of #GlobalAntiForgeryToken.
    '<script>',
    "document.getElementById('inverterOperationForm').addEventListener('submit', function () {",
    "  var t = document.querySelector('#GlobalAntiForgeryToken input[name=__RequestVerificationToken]');",
    "  var i = document.createElement('input'); i.type = 'hidden'; i.name = t.name; i.value = t.value; this.appendChild(i);",
    '});',
    '</script>',
  ].join('\n');
  return layout('Configure', body, { signedInAs: o.email });
}
