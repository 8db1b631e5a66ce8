/**
 * The naive way, as the Home Assistant integrations do it today (docs/redback-cloud.md §4.1 and §8): each
 * instance has its own token (renewed when fewer than 300 s remain), reads every inverter with its
 * own by-serial request, one after another, and logs in to the portal afresh for every command.
 * Plain axios against the same simulator; no sharing, no caches beyond the token.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

export interface NaiveCredentials {
  clientId: string;
  clientSecret: string;
  email?: string;
  password?: string;
}

const RENEW_MARGIN_MS = 300_000;
const TOKEN_FIELD = /name="__RequestVerificationToken" type="hidden" value="([^"]*)"/;

export class NaiveClient {
  private readonly http: AxiosInstance;
  private token: { bearer: string; expiresAt: number } | null = null;

  constructor(baseUrl: string, private readonly credentials: NaiveCredentials, private readonly now: () => number = Date.now) {
    this.http = axios.create({ baseURL: baseUrl, timeout: 10_000, validateStatus: () => true });
  }

  async serials(): Promise<string[]> {
    const res = await this.api('GET', '/Api/v2/EnergyData/With/Nodes?page=0&pageSize=1000');
    const sites = res.data.Data as { Nodes: { Id: string; Type: string }[] }[];
    return sites.flatMap((site) => site.Nodes.filter((n) => n.Type === 'Inverter').map((n) => n.Id));
  }

  /** One poll: each inverter's dynamic data by serial, one request after another. */
  async poll(serials: string[]): Promise<unknown[]> {
    const readings: unknown[] = [];
    for (const serial of serials) readings.push((await this.api('GET', `/Api/v2.21/EnergyData/Dynamic/BySerialNumber/${serial}`)).data.Data);
    return readings;
  }

  async staticData(serial: string): Promise<unknown> {
    return (await this.api('GET', `/Api/v2/EnergyData/Static/BySerialNumber/${serial}`)).data.Data;
  }

  async createSchedule(body: object): Promise<void> {
    await this.api('POST', '/Api/v2/Schedule/Create/By/SerialNumber', body);
  }

  async createEnvelope(body: object): Promise<void> {
    await this.api('POST', '/Api/v2/OperatingEnvelope/Create/By/Site', body);
  }

  /** A portal Set with a fresh login: login page, login form, Configure page, Set form. */
  async portalSet(serial: string, mode: string, powerW: number, rossVersion: string): Promise<void> {
    const jar = new Map<string, string>();
    const page = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<AxiosResponse<string>> => {
      const res = await this.http.request<string>({
        method, url, maxRedirects: 0, responseType: 'text',
        headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
        data: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const cookie of res.headers['set-cookie'] ?? []) {
        const [pair] = cookie.split(';');
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return res;
    };
    const login = await page('GET', '/Account/Login');
    await page('POST', '/Account/Login', {
      Email: this.credentials.email ?? '', Password: this.credentials.password ?? '', __RequestVerificationToken: tokenIn(login.data),
    });
    const configure = await page('GET', `/productcontrol/Configure?serialNumber=${serial}`);
    const set = await page('POST', '/productcontrol/Index', {
      SerialNumber: serial, AppliedTariffId: '', 'InverterOperation[Type]': 'Set', 'InverterOperation[Mode]': mode,
      'InverterOperation[PowerInWatts]': String(powerW), 'InverterOperation[AppliedTarrifId]': '', ProductModelName: '',
      RossVersion: rossVersion, __RequestVerificationToken: tokenIn(configure.data.slice(configure.data.indexOf('GlobalAntiForgeryToken'))),
    });
    if (set.status !== 200) throw new Error(`naive portal Set failed: HTTP ${set.status}`);
  }

  private async api(method: 'GET' | 'POST', path: string, body?: object): Promise<AxiosResponse> {
    const res = await this.http.request({ method, url: path, data: body, headers: { Authorization: await this.bearer() } });
    if (res.status !== 200) throw new Error(`naive ${method} ${path} failed: HTTP ${res.status}`);
    return res;
  }

  private async bearer(): Promise<string> {
    if (!this.token || this.now() >= this.token.expiresAt - RENEW_MARGIN_MS) {
      const res = await this.http.post('/Api/v2/Auth/token', new URLSearchParams({
        client_id: this.credentials.clientId, client_secret: this.credentials.clientSecret,
      }).toString(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      if (res.status !== 200) throw new Error(`naive token request failed: HTTP ${res.status}`);
      this.token = { bearer: `Bearer ${res.data.access_token}`, expiresAt: this.now() + Number(res.data.expires_in) * 1000 };
    }
    return this.token.bearer;
  }
}

function tokenIn(html: string): string {
  const match = TOKEN_FIELD.exec(html);
  if (!match) throw new Error('naive portal client: no anti-forgery token on the page');
  return match[1];
}
