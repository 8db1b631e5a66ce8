/** The public API surface: the token endpoint and the data, schedule and envelope endpoints. */
import type { InverterEntry } from './cloud';
import { requestDuration, requestTime, type SimContext } from './context';
import {
  configurationDto, dynamicDto, dynamicMetadata, envelopeDto, scheduleDto, siteNodeDto, staticDto, type DynamicVersion,
} from './dto';
import { Router, badRequest, empty, json, notFound, parseForm, parseJson, type Params, type SimRequest, type SimResponse } from './http';
import { parseTimeSpan } from './timespan';
import type { TokenStore } from './tokens';
import { SCHEDULE_MODES, type AccountDef, type InverterMode } from './types';
import { isPlainObject } from '../util/objects';

type AuthedHandler = (req: SimRequest, params: Params, account: AccountDef) => SimResponse;

const MAX_PAGE_SIZE = 1000;
const MAX_MULTIPLE = 100;
const INT32_MAX = 2_147_483_647;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export function registerApiRoutes(router: Router, ctx: SimContext, tokens: TokenStore): void {
  const { cloud } = ctx;
  const authed = (handler: AuthedHandler) => (req: SimRequest, params: Params): SimResponse => {
    const check = tokens.check(req.headers.authorization);
    if (check.ok) return handler(req, params, check.account);
    if (check.reason === 'expired') {
      const at = new Date(check.expiredAtMs ?? 0).toUTCString();
      return empty(401, { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="The token expired at '${at}'"` });
    }
    return empty(401, { 'WWW-Authenticate': check.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"' });
  };
  const withInverter = (handler: (req: SimRequest, entry: InverterEntry) => SimResponse): AuthedHandler =>
    (req, params, account) => {
      const entry = cloud.inverter(account, params.serial);
      return entry ? handler(req, entry) : notFound(`No inverter with serial number ${params.serial} on this account`);
    };
  const withSite = (handler: (req: SimRequest, entry: InverterEntry) => SimResponse): AuthedHandler =>
    (req, params, account) => {
      const site = cloud.site(account, params.siteId);
      return site ? handler(req, cloud.firstInverter(account, site)) : notFound(`No site ${params.siteId} on this account`);
    };

  router.add('POST', '/Api/v2/Auth/token', (req) => tokenEndpoint(req, ctx, tokens));
  router.add('GET', '/Api/v2/Alive', authed(() => json(200, 'OK')));

  router.add('GET', '/Api/v2/EnergyData', authed((req, _p, account) =>
    paged(req, account.sites.map((s) => s.siteId))));
  router.add('GET', '/Api/v2/EnergyData/With/Nodes', authed((req, _p, account) =>
    paged(req, account.sites.map(siteNodeDto))));

  const staticOf = (_req: SimRequest, entry: InverterEntry): SimResponse => {
    const view = staticDto(entry, cloud.snapshot(entry));
    if (ctx.settings.batteryCountZero) for (const node of view.Nodes as { StaticData: { BatteryCount: number } }[]) node.StaticData.BatteryCount = 0;
    return json(200, { Data: view });
  };
  router.add('GET', '/Api/v2/EnergyData/Static/BySerialNumber/{serial}', authed(withInverter(staticOf)));
  router.add('GET', '/Api/v2/EnergyData/{siteId}/Static', authed(withSite(staticOf)));

  for (const version of ['v2', 'v2.21'] as DynamicVersion[]) {
    const dynamicOf = (base: (entry: InverterEntry) => string) => (req: SimRequest, entry: InverterEntry): SimResponse => {
      const snapshot = cloud.snapshot(entry);
      const body: Record<string, unknown> = { Data: dynamicDto(entry, snapshot, version) };
      if (/^true$/i.test(req.query.get('metadata') ?? '')) body.Metadata = dynamicMetadata(base(entry), snapshot.timestampMs);
      return json(200, body);
    };
    router.add('GET', `/Api/${version}/EnergyData/Dynamic/BySerialNumber/{serial}`,
      authed(withInverter(dynamicOf((e) => `/Api/${version}/EnergyData/Dynamic/BySerialNumber/${e.def.serial}`))));
    router.add('GET', `/Api/${version}/EnergyData/{siteId}/Dynamic`,
      authed(withSite(dynamicOf((e) => `/Api/${version}/EnergyData/${e.site.siteId}/Dynamic`))));
    router.add('POST', `/Api/${version}/EnergyData/Multiple/BySerialNumber/Dynamic`, authed((req, _p, account) => {
      if (version === 'v2' && ctx.settings.missingMultipleV2) return notFound(`No route for ${req.method} ${req.path}`);
      const serials = parseJson(req);
      if (!Array.isArray(serials) || !serials.every((s) => typeof s === 'string')) {
        return badRequest({ serialNumbers: ['The body must be a JSON array of serial numbers.'] });
      }
      if (serials.length > MAX_MULTIPLE) {
        return badRequest({ serialNumbers: [`Maximum ${MAX_MULTIPLE} serial numbers per request, got ${serials.length}.`] });
      }
      const entries = serials.map((s) => cloud.inverter(account, s)).filter((e): e is InverterEntry => !!e);
      const data = entries.map((e) => dynamicDto(e, cloud.snapshot(e), version));
      return json(200, { TotalCount: data.length, Data: data });
    }));
  }

  const configurationOf = (_req: SimRequest, entry: InverterEntry): SimResponse => json(200, { Data: configurationDto(entry) });
  router.add('GET', '/Api/v2/Configuration/Configuration/BySerialNumber/{serial}', authed(withInverter(configurationOf)));
  router.add('GET', '/Api/v2/Configuration/{siteId}/Configuration', authed(withSite(configurationOf)));

  router.add('POST', '/Api/v2/Schedule/Create/By/SerialNumber', authed((req, _p, account) => createSchedule(req, account, ctx)));
  const listSchedules = (withSerial: boolean) => (req: SimRequest, entry: InverterEntry): SimResponse => {
    const includeStale = /^true$/i.test(req.query.get('includeStale') ?? '');
    const schedules = cloud.listSchedules(entry, includeStale).map((s) => scheduleDto(s, withSerial));
    return json(200, { Data: { DailySchedules: [], Schedules: schedules } });
  };
  router.add('GET', '/Api/v2/Schedule/By/SerialNumber/{serial}', authed(withInverter(listSchedules(true))));
  router.add('GET', '/Api/v2/Schedule/By/Site/{siteId}', authed(withSite(listSchedules(false))));
  router.add('DELETE', '/Api/v2/Schedule/By/SerialNumber/{serial}/{scheduleId}', authed((req, params, account) =>
    withInverter((_r, entry) =>
      cloud.deleteSchedule(entry, params.scheduleId)
        ? json(200, { Data: true })
        : missingId(ctx, `No schedule ${params.scheduleId} for inverter ${entry.def.serial}`))(req, params, account)));

  router.add('POST', '/Api/v2/OperatingEnvelope/Create/By/Site', authed((req, _p, account) => createEnvelope(req, account, ctx)));
  router.add('GET', '/Api/v2/OperatingEnvelope/By/Site/{siteId}', authed((req, params, account) => {
    const site = cloud.site(account, params.siteId);
    if (!site) return notFound(`No site ${params.siteId} on this account`);
    const pastHoursText = req.query.get('pastHours');
    const pastHours = pastHoursText === null ? undefined : Number(pastHoursText);
    if (pastHours !== undefined && (!Number.isInteger(pastHours) || pastHours < 0)) {
      return badRequest({ pastHours: [`The value '${pastHoursText}' is not valid.`] });
    }
    const envelopes = cloud.listEnvelopes(site, pastHours).map((e) => envelopeDto(e, cloud.envelopeStatus(e)));
    return json(200, { TotalCount: envelopes.length, Data: envelopes });
  }));
  router.add('DELETE', '/Api/v2/OperatingEnvelope/By/EventId/{eventId}', authed((_req, params, account) =>
    cloud.deleteEnvelope(account, params.eventId) > 0
      ? json(200, { Data: true })
      : missingId(ctx, `No operating envelope with EventId ${params.eventId}`)));
  router.add('DELETE', '/Api/v2/OperatingEnvelope/All', authed((_req, _p, account) => {
    cloud.deleteAllEnvelopes(account);
    return json(200, { Data: true });
  }));
}

function tokenEndpoint(req: SimRequest, ctx: SimContext, tokens: TokenStore): SimResponse {
  const oauthError = (status: number, error: string, description: string): SimResponse =>
    json(status, { error, error_description: description }, { 'Cache-Control': 'no-store' });
  const contentType = String(req.headers['content-type'] ?? '');
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return oauthError(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.');
  }
  const form = parseForm(req);
  const grantType = form.get('grant_type');
  let clientId = form.get('client_id');
  let clientSecret = form.get('client_secret');
  const basic = /^basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return oauthError(400, 'invalid_request', 'Malformed Basic authorization header.');
    clientId = decoded.slice(0, colon);
    clientSecret = decoded.slice(colon + 1);
    if (grantType !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials.');
    }
  } else if (grantType !== null && grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `The grant type '${grantType}' is not supported.`);
  }
  if (!clientId || !clientSecret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required.');
  const account = ctx.cloud.accountByClientId(clientId);
  if (!account) return oauthError(400, 'invalid_client', 'The client_id was not found.');
  if (account.clientSecret !== clientSecret) {
    return oauthError(401, 'unauthorized_client', 'The client secret supplied for a confidential client is invalid.');
  }
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  return json(200, {
    token_type: 'Bearer',
    expires_in: ctx.settings.expiresInAsString ? String(lifetime) : lifetime,
    access_token: tokens.issue(account, lifetime),
  }, { 'Cache-Control': 'no-store' });
}

function paged(req: SimRequest, items: unknown[]): SimResponse {
  const page = Number(req.query.get('page') ?? 0);
  const pageSize = Number(req.query.get('pageSize') ?? 100);
  if (!Number.isInteger(page) || page < 0) return badRequest({ page: ['page must be a whole number from 0.'] });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return badRequest({ pageSize: [`pageSize must be from 1 to ${MAX_PAGE_SIZE}.`] });
  }
  const data = items.slice(page * pageSize, (page + 1) * pageSize);
  return json(200, { Page: page, PageSize: pageSize, PageCount: data.length, TotalCount: items.length, Data: data });
}

function createSchedule(req: SimRequest, account: AccountDef, ctx: SimContext): SimResponse {
  const body = parseJson(req);
  if (!isPlainObject(body)) return badRequest({ '': ['A non-empty JSON object body is required.'] });
  const errors: Record<string, string[]> = {};
  const serial = typeof body.SerialNumber === 'string' ? body.SerialNumber : '';
  const entry = serial ? ctx.cloud.inverter(account, serial) : undefined;
  if (!entry) errors.SerialNumber = [serial ? `No inverter with serial number ${serial} on this account.` : 'The SerialNumber field is required.'];
  let startMs = ctx.cloud.now();
  if (body.StartTimeUtc !== undefined && body.StartTimeUtc !== null) {
    if (typeof body.StartTimeUtc !== 'string' || !ISO_UTC.test(body.StartTimeUtc) || !Number.isFinite(Date.parse(body.StartTimeUtc))) {
      errors.StartTimeUtc = [`The value '${String(body.StartTimeUtc)}' is not a valid date-time.`];
    } else {
      startMs = Date.parse(body.StartTimeUtc);
    }
  }
  const durationText = typeof body.Duration === 'string' ? body.Duration : '';
  const durationMs = parseTimeSpan(durationText);
  if (durationMs === null || durationMs <= 0) {
    errors.Duration = [durationText ? `The value '${durationText}' is not a valid positive TimeSpan.` : 'The Duration field is required.'];
  }
  const desired = isPlainObject(body.DesiredMode) ? body.DesiredMode : null;
  const mode = desired && typeof desired.InverterMode === 'string'
    ? SCHEDULE_MODES.find((m) => m.toLowerCase() === String(desired.InverterMode).toLowerCase())
    : undefined;
  if (!mode) errors['DesiredMode.InverterMode'] = [`The power mode must be one of ${SCHEDULE_MODES.join(', ')}.`];
  const watts = desired ? desired.ArgumentInWatts : undefined;
  if (typeof watts !== 'number' || !Number.isInteger(watts) || Math.abs(watts) > INT32_MAX) {
    errors['DesiredMode.ArgumentInWatts'] = ['ArgumentInWatts must be a 32-bit integer.'];
  }
  if (entry && entry.def.battery === null) {
    errors.SerialNumber = [`Inverter ${entry.def.serial} does not support schedules.`];
  }
  if (Object.keys(errors).length > 0 || !entry || durationMs === null || !mode) return badRequest(errors);
  const record = ctx.cloud.createSchedule(entry, {
    userNotes: typeof body.UserNotes === 'string' ? body.UserNotes : null,
    startMs: body.StartTimeUtc === undefined || body.StartTimeUtc === null ? startMs : requestTime(ctx, startMs),
    durationMs: requestDuration(ctx, durationMs),
    durationText,
    mode: { mode: mode as InverterMode, powerW: watts as number },
  });
  return json(200, { Data: ctx.settings.omitScheduleId ? {} : { ScheduleId: record.scheduleId } });
}

function createEnvelope(req: SimRequest, account: AccountDef, ctx: SimContext): SimResponse {
  const body = parseJson(req);
  if (!isPlainObject(body)) return badRequest({ '': ['A non-empty JSON object body is required.'] });
  const errors: Record<string, string[]> = {};
  const eventId = typeof body.EventId === 'string' ? body.EventId : '';
  if (!eventId) errors.EventId = ['The EventId field is required.'];
  else if (eventId.length > 128) errors.EventId = ['The field EventId must be a string with a maximum length of 128.'];
  const times: Record<string, number> = {};
  for (const field of ['StartAtUtc', 'EndAtUtc']) {
    const value = body[field];
    if (typeof value !== 'string' || !ISO_UTC.test(value) || !Number.isFinite(Date.parse(value))) {
      errors[field] = [`The value '${String(value)}' is not a valid date-time.`];
    } else {
      times[field] = requestTime(ctx, Date.parse(value));
    }
  }
  const limits: Record<string, number | null> = {};
  for (const field of ['MaxImportPowerW', 'MaxExportPowerW', 'MaxDischargePowerW', 'MaxChargePowerW', 'MaxGenerationPowerVA']) {
    const value = body[field];
    if (value === undefined || value === null) limits[field] = null;
    else if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > INT32_MAX) errors[field] = [`${field} must be a 32-bit integer.`];
    else limits[field] = value;
  }
  if (Object.keys(errors).length > 0) return badRequest(errors);
  const siteId = typeof body.SiteId === 'string' ? body.SiteId : '';
  const site = ctx.cloud.site(account, siteId);
  const reply = (errorMessage: string | null): SimResponse =>
    json(200, { Data: { SiteId: siteId, Nmi: site ? site.nmi : null, EventId: eventId, ErrorMessage: errorMessage } });
  if (!site) return reply(`Site '${siteId}' not found.`);
  if (times.EndAtUtc <= times.StartAtUtc) return reply('EndAtUtc must be after StartAtUtc.');
  if (times.EndAtUtc <= ctx.cloud.now()) return reply('RejectedPastEvent: the envelope ends in the past.');
  const negative = Object.entries(limits).find(([, v]) => v !== null && v < 0);
  if (negative) return reply(`${negative[0]} must not be negative.`);
  ctx.cloud.createEnvelope(account, site, {
    eventId,
    startMs: times.StartAtUtc,
    endMs: times.EndAtUtc,
    maxImportW: limits.MaxImportPowerW,
    maxExportW: limits.MaxExportPowerW,
    maxDischargeW: limits.MaxDischargePowerW,
    maxChargeW: limits.MaxChargePowerW,
    maxGenerationVA: limits.MaxGenerationPowerVA,
  });
  return reply(null);
}

/** The answer to a delete of an id the cloud does not hold (see SimSettings.missingIdDeleteStatus). */
function missingId(ctx: SimContext, detail: string): SimResponse {
  const status = ctx.settings.missingIdDeleteStatus;
  if (status === 404) return notFound(detail);
  if (status === 400) return badRequest({ id: [detail] });
  return json(status, { error: detail });
}

