/**
 * The public API client: every call carries the bearer token, a 401 is retried once with a fresh
 * token, identical concurrent reads share one request, and answers are checked for the shape the
 * reference documents before anyone uses them.
 */
import { isPlainObject } from '../util/objects';
import { RedbackError } from '../http/errors';
import type { HttpRequest, HttpResponse, Transport } from '../http/transport';
import { SingleFlight } from '../util/single-flight';
import type {
  CreateEnvelopeRequest, CreateScheduleRequest, DynamicData, EnergyNode, EnvelopeDto, InverterConfiguration,
  Paged, SchedulesBySerial, StaticView,
} from './dto';
import type { TokenManager } from './token-manager';
import { parseJson } from '../util/json';

/** The Multiple endpoints take at most this many ids per request. */
export const MULTIPLE_LIMIT = 100;
const PAGE_SIZE = 1000;
/** The specification's path (the v2.21 one appears in no client's calls). */
export const MULTIPLE_DYNAMIC_PATH = '/Api/v2/EnergyData/Multiple/BySerialNumber/Dynamic';

export class ApiClient {
  private readonly reads = new SingleFlight<unknown>();
  /** Data requests sent so far, by the request line without host (for tests and benchmarks). */
  requestCount = 0;
  private multipleAvailable = true;

  constructor(
    private readonly apiUrl: string,
    private readonly tokens: TokenManager,
    private readonly transport: Transport,
  ) {}

  /** Every site of the account with its node tree, all pages. */
  async sitesWithNodes(): Promise<EnergyNode[]> {
    const sites: EnergyNode[] = [];
    for (let page = 0; ; page++) {
      const body = await this.read<Paged<EnergyNode>>(`/Api/v2/EnergyData/With/Nodes?page=${page}&pageSize=${PAGE_SIZE}`, isPaged);
      sites.push(...body.Data);
      const total = body.TotalCount ?? sites.length;
      if (body.Data.length === 0 || sites.length >= total) return sites;
    }
  }

  async staticBySerial(serial: string): Promise<StaticView> {
    const body = await this.read<{ Data: StaticView }>(`/Api/v2/EnergyData/Static/BySerialNumber/${enc(serial)}`, hasObjectData);
    if (!isPlainObject(body.Data.StaticData)) throw this.shapeError('GET', `/Api/v2/EnergyData/Static/BySerialNumber/${serial}`, 'no Data.StaticData');
    return body.Data;
  }

  async dynamicBySerial(serial: string): Promise<DynamicData> {
    return (await this.read<{ Data: DynamicData }>(`/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${enc(serial)}`, hasObjectData)).Data;
  }

  /**
   * Dynamic data for many inverters, through the specification's `POST
   * /Api/v2/EnergyData/Multiple/BySerialNumber/Dynamic` in batches of 100. A cloud that answers
   * it with 404 or 405 is read by serial instead, and never asked for it again.
   */
  async dynamicMultiple(serials: string[]): Promise<DynamicData[]> {
    if (!this.multipleAvailable) return this.dynamicEach(serials);
    const batches: string[][] = [];
    for (let i = 0; i < serials.length; i += MULTIPLE_LIMIT) batches.push(serials.slice(i, i + MULTIPLE_LIMIT));
    try {
      const results = await Promise.all(batches.map((batch) =>
        this.shared(`POST multiple ${batch.join(',')}`, () =>
          this.call<{ Data: DynamicData[] }>('POST', MULTIPLE_DYNAMIC_PATH, batch, isArrayData, true))));
      return results.flatMap((r) => r.Data);
    } catch (err) {
      if (!(err instanceof RedbackError) || (err.status !== 404 && err.status !== 405)) throw err;
      this.multipleAvailable = false;
      return this.dynamicEach(serials);
    }
  }

  /** Whether the Multiple endpoint is still thought to exist (false after a 404 or 405). */
  get multipleDynamicAvailable(): boolean {
    return this.multipleAvailable;
  }

  private dynamicEach(serials: string[]): Promise<DynamicData[]> {
    return Promise.all(serials.map((serial) => this.dynamicBySerial(serial)));
  }

  async configurationBySerial(serial: string): Promise<InverterConfiguration> {
    return (await this.read<{ Data: InverterConfiguration }>(
      `/Api/v2/Configuration/Configuration/BySerialNumber/${enc(serial)}`, hasObjectData)).Data;
  }

  async schedulesBySerial(serial: string): Promise<SchedulesBySerial> {
    return (await this.read<{ Data: SchedulesBySerial }>(`/Api/v2/Schedule/By/SerialNumber/${enc(serial)}`, hasObjectData)).Data;
  }

  /**
   * Creates a schedule; resolves with its ScheduleId, or null when the answer carries none (no
   * public client reads it, so the cloud may not send it): the caller then finds the schedule in
   * the inverter's list by its UserNotes and start time.
   */
  async createSchedule(request: CreateScheduleRequest): Promise<string | null> {
    const path = '/Api/v2/Schedule/Create/By/SerialNumber';
    const body = await this.call<{ Data?: { ScheduleId?: unknown } | null }>('POST', path, request, isPlainObject, false);
    const id = isPlainObject(body.Data) ? body.Data.ScheduleId : undefined;
    return typeof id === 'string' && id !== '' ? id : null;
  }

  async deleteSchedule(serial: string, scheduleId: string): Promise<void> {
    await this.call('DELETE', `/Api/v2/Schedule/By/SerialNumber/${enc(serial)}/${enc(scheduleId)}`, undefined, isPlainObject, true);
  }

  async envelopesBySite(siteId: string): Promise<EnvelopeDto[]> {
    return (await this.read<{ Data: EnvelopeDto[] }>(`/Api/v2/OperatingEnvelope/By/Site/${enc(siteId)}`, isArrayData)).Data;
  }

  /** Creates an operating envelope; the cloud reports some failures in `ErrorMessage` with HTTP 200. */
  async createEnvelope(request: CreateEnvelopeRequest): Promise<void> {
    const path = '/Api/v2/OperatingEnvelope/Create/By/Site';
    const body = await this.call<{ Data: { ErrorMessage?: unknown } }>('POST', path, request, hasObjectData, false);
    const error = body.Data.ErrorMessage;
    if (typeof error === 'string' && error.trim() !== '') {
      throw new RedbackError('rejected', this.transport.describe({ method: 'POST', url: this.apiUrl + path }, `the cloud refused the envelope: ${error}`));
    }
  }

  /** Deletes the envelopes with this EventId (never `OperatingEnvelope/All`, which reaches every site). */
  async deleteEnvelope(eventId: string): Promise<void> {
    await this.call('DELETE', `/Api/v2/OperatingEnvelope/By/EventId/${enc(eventId)}`, undefined, isPlainObject, true);
  }

  /** A GET that concurrent callers with the same path share. */
  private read<T>(path: string, check: (body: unknown) => boolean): Promise<T> {
    return this.shared(`GET ${path}`, () => this.call<T>('GET', path, undefined, check, true));
  }

  private shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.reads.run(key, load) as Promise<T>;
  }

  private async call<T>(method: HttpRequest['method'], path: string, body: unknown, check: (body: unknown) => boolean, idempotent: boolean): Promise<T> {
    const req: HttpRequest = {
      method,
      url: this.apiUrl + path,
      headers: { Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      idempotent,
    };
    if (body !== undefined) req.headers!['Content-Type'] = 'application/json';
    let res = await this.send(req);
    if (res.status === 401) {
      // The token may have been revoked or expired early: one retry with a fresh one.
      res = await this.send(req);
      if (res.status === 401) {
        const error = this.transport.statusError('credentials', req, res);
        throw new RedbackError('credentials', `${error.message}: the API refused a fresh token`, { status: 401 });
      }
    }
    if (res.status === 403) throw this.transport.statusError('credentials', req, res);
    if (res.status < 200 || res.status >= 300) throw this.transport.statusError('rejected', req, res);
    const parsed = parseJson(res.body);
    if (parsed === undefined) {
      const what = /^\s*</.test(res.body) ? 'an HTML page instead of JSON' : 'malformed JSON';
      throw new RedbackError('response', this.transport.describe(req, `the cloud answered with ${what}`), { status: res.status });
    }
    if (!check(parsed)) throw this.shapeError(method, path, 'the answer does not have the documented shape');
    return parsed as T;
  }

  private async send(req: HttpRequest): Promise<HttpResponse> {
    const authorization = await this.tokens.authorization();
    this.requestCount++;
    const res = await this.transport.request({ ...req, headers: { ...req.headers, Authorization: authorization } });
    if (res.status === 401) this.tokens.invalidate(authorization);
    return res;
  }

  private shapeError(method: HttpRequest['method'], path: string, detail: string): RedbackError {
    return new RedbackError('response', this.transport.describe({ method, url: this.apiUrl + path }, detail));
  }
}


function enc(segment: string): string {
  return encodeURIComponent(segment);
}


function hasObjectData(body: unknown): boolean {
  return isPlainObject(body) && isPlainObject(body.Data);
}

function isArrayData(body: unknown): boolean {
  return isPlainObject(body) && Array.isArray(body.Data);
}

function isPaged(body: unknown): boolean {
  return isArrayData(body);
}
