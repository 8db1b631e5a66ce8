/**
 * What a `redback-config` node owns: one transport, the token, the API client, the portal client
 * (made on first use), and the caches: discovery, and static data and configuration for 30
 * minutes per inverter. `close()` releases every socket and timer.
 */
import { ApiClient } from '../api/api-client';
import type { DynamicData, InverterConfiguration, StaticView } from '../api/dto';
import { TokenManager } from '../api/token-manager';
import type { DiagnosticsRecorder } from '../diagnostics/recorder';
import { closedError } from '../http/backoff';
import { Redactor } from '../http/redactor';
import { Transport, type TransportOptions } from '../http/transport';
import { checkUrl } from '../http/url-policy';
import { PortalClient } from '../portal/portal-client';
import { PollAnchor } from '../util/poll-anchor';
import { TtlCache } from '../util/ttl-cache';
import { sitesFromNodes, type SiteSummary } from './discovery';
import type { AccountSettings } from './settings';

export interface AccountCredentials {
  clientId?: string;
  clientSecret?: string;
  email?: string;
  password?: string;
}

export interface AccountOptions {
  settings: AccountSettings;
  credentials: AccountCredentials;
  transport?: Omit<TransportOptions, 'redactor'>;
  /** How long static data, configuration and discovery are kept; default 30 minutes. */
  cacheTtlMs?: number;
  now?: () => number;
  /** Records what the cloud answers, for the diagnostics file; kept by the config node across accounts. */
  recorder?: DiagnosticsRecorder;
}

const THIRTY_MINUTES = 30 * 60_000;

/** How long closing an account may wait for the portal to log off. */
const LOG_OFF_BUDGET_MS = 2000;

export class RedbackAccount {
  readonly api: ApiClient;
  readonly tokens: TokenManager;
  readonly transport: Transport;
  /** Read nodes on this account poll in step, so their reads share requests (see Poller). */
  readonly pollAnchor = new PollAnchor();
  private portalClient: PortalClient | null = null;
  private readonly discovery: TtlCache<SiteSummary[]>;
  private readonly statics: TtlCache<StaticView>;
  private readonly configurations: TtlCache<InverterConfiguration>;
  /** The last dynamic reading of each inverter and when it arrived (see recentDynamic). */
  private readonly lastDynamic = new Map<string, { atMs: number; data: DynamicData }>();
  private readonly now: () => number;

  /** Throws a `config` RedbackError when a URL breaks the policy. */
  constructor(private readonly options: AccountOptions) {
    const { settings, credentials } = options;
    const apiUrl = checkUrl(settings.apiUrl, 'API URL').href.replace(/\/+$/, '');
    const tokenUrl = checkUrl(settings.tokenUrl, 'Token URL').href;
    checkUrl(settings.portalUrl, 'Portal URL');
    const redactor = new Redactor();
    redactor.add(credentials.clientSecret, credentials.password);
    // The account's timeout, unless the caller (a test) sets its own.
    const recorder = options.recorder;
    recorder?.attach(redactor, apiUrl);
    this.transport = new Transport({
      timeoutMs: settings.timeoutS * 1000,
      ...options.transport,
      redactor,
      observer: recorder ? (exchange) => recorder.record(exchange) : undefined,
    });
    const now = options.now ?? ((): number => Date.now());
    this.now = now;
    this.tokens = new TokenManager({
      tokenUrl,
      scope: settings.tokenScope,
      clientId: credentials.clientId ?? '',
      clientSecret: credentials.clientSecret ?? '',
    }, this.transport, now);
    this.api = new ApiClient(apiUrl, this.tokens, this.transport);
    const ttl = options.cacheTtlMs ?? THIRTY_MINUTES;
    this.discovery = new TtlCache(ttl, now);
    this.statics = new TtlCache(ttl, now);
    this.configurations = new TtlCache(ttl, now);
  }

  /** The account's sites and inverters; cached, `force` to look again. */
  sites(force = false): Promise<SiteSummary[]> {
    return this.discovery.get('sites', async () => sitesFromNodes(await this.api.sitesWithNodes()), force);
  }

  /** Static data of one inverter (model, versions, limits, capacities), kept 30 minutes; the last copy while the cloud fails. */
  staticData(serial: string, force = false): Promise<StaticView> {
    return staleOnError(this.statics, serial, () => this.api.staticBySerial(serial), force);
  }

  /** Configuration of one inverter (min SoC), kept 30 minutes; the last copy while the cloud fails. */
  configuration(serial: string, force = false): Promise<InverterConfiguration> {
    return staleOnError(this.configurations, serial, () => this.api.configurationBySerial(serial), force);
  }

  /** The latest dynamic reading of one inverter; concurrent callers share one request. */
  dynamic(serial: string): Promise<DynamicData> {
    return this.api.dynamicBySerial(serial).then((data) => {
      this.lastDynamic.set(serial.toUpperCase(), { atMs: this.now(), data });
      return data;
    });
  }

  /**
   * The dynamic reading another node (a read node's poll) fetched within `maxAgeMs`, else a new
   * one: a control node that needs the battery's state costs no request of its own when a read
   * node polls the same inverter in the same minute.
   */
  recentDynamic(serial: string, maxAgeMs: number): Promise<DynamicData> {
    const last = this.lastDynamic.get(serial.toUpperCase());
    if (last && this.now() - last.atMs <= maxAgeMs) return Promise.resolve(last.data);
    return this.dynamic(serial);
  }

  /** The latest dynamic readings of many inverters, through `Multiple/BySerialNumber/Dynamic` (100 a request). */
  dynamicMany(serials: string[]): Promise<DynamicData[]> {
    return this.api.dynamicMultiple(serials);
  }

  /** The portal client, made on first use; a `config` error when no portal login is set. */
  portal(): PortalClient {
    if (this.transport.closed) throw closedError();
    if (!this.portalClient) {
      const { settings, credentials } = this.options;
      this.portalClient = new PortalClient({
        portalUrl: settings.portalUrl,
        email: credentials.email ?? '',
        password: credentials.password ?? '',
        transport: this.transport,
      });
    }
    return this.portalClient;
  }

  /** Logs off the portal if logged in (waiting at most `logOffMs`), then closes. */
  async shutdown(logOffMs = LOG_OFF_BUDGET_MS): Promise<void> {
    const portal = this.portalClient;
    if (portal) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, logOffMs);
      });
      await Promise.race([portal.logOff(), deadline]);
      clearTimeout(timer);
    }
    this.close();
  }

  close(): void {
    this.portalClient?.close();
    this.portalClient = null;
    this.transport.close();
    this.discovery.clear();
    this.statics.clear();
    this.configurations.clear();
    this.lastDynamic.clear();
  }
}

/** Slow-changing data: when a refresh fails, the last copy is better than nothing. */
async function staleOnError<V>(cache: TtlCache<V>, key: string, load: () => Promise<V>, force: boolean): Promise<V> {
  try {
    return await cache.get(key, load, force);
  } catch (err) {
    const stale = cache.peek(key);
    if (stale === undefined) throw err;
    return stale;
  }
}
