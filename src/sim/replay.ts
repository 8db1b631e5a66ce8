/**
 * `redback-sim --replay <file>`: a diagnostics file (docs/diagnostics.md) as a scenario. The
 * recorded JSON answers of the public API are served for the paths they cover, with their status
 * and content type; everything else (the token endpoint, the portal, controls, paths not
 * recorded) comes from the model, whose account is built from the recorded site list so its
 * sites and serials are the file's pseudonyms.
 */
import { defaultAccount, DEFAULT_CREDENTIALS } from './scenarios';
import type { SimResponse } from './http';
import type { AccountDef, InverterDef, SiteDef } from './types';

const FORMAT = 'redback-diagnostics';

interface RecordedJsonEndpoint {
  method: string;
  path: string;
  surface?: string;
  lastAnswer?: { status?: number; contentType?: string | null; body?: { kind?: string; json?: unknown } } | null;
}

export class Replay {
  private readonly answers = new Map<string, SimResponse>();
  private readonly json = new Map<string, unknown>();

  private constructor(readonly source: string) {}

  /** Reads a diagnostics file's parsed JSON; throws a readable error for anything else. */
  static fromFile(file: unknown, source = 'the diagnostics file'): Replay {
    if (!isObject(file) || file.format !== FORMAT || !Array.isArray(file.endpoints)) {
      throw new Error(`${source} is not a Redback diagnostics file (format "${FORMAT}" with endpoints)`);
    }
    const replay = new Replay(source);
    for (const raw of file.endpoints as RecordedJsonEndpoint[]) {
      const answer = raw?.lastAnswer;
      if (!isObject(raw) || typeof raw.method !== 'string' || typeof raw.path !== 'string' || !answer) continue;
      if (!raw.path.toLowerCase().startsWith('/api/') || /\/auth\/token$/i.test(raw.path)) continue;
      if (answer.body?.kind !== 'json' || typeof answer.status !== 'number') continue;
      const key = keyOf(raw.method, raw.path);
      replay.json.set(key, answer.body.json);
      replay.answers.set(key, {
        status: answer.status,
        headers: { 'Content-Type': answer.contentType || 'application/json; charset=utf-8' },
        body: JSON.stringify(answer.body.json),
      });
    }
    return replay;
  }

  /** How many recorded answers are served. */
  get size(): number {
    return this.answers.size;
  }

  /** The recorded answer for this request, or undefined (the model answers). */
  answer(method: string, path: string, query: URLSearchParams): SimResponse | undefined {
    // Only the first page of the site list was recorded.
    if (/\/EnergyData\/With\/Nodes$/i.test(path) && Number(query.get('page') ?? 0) !== 0) return undefined;
    const answer = this.answers.get(keyOf(method, path));
    return answer ? { ...answer, headers: { ...answer.headers } } : undefined;
  }

  /**
   * The model's account: the recorded sites and serials on the simulator's standard inverters
   * (a three-phase ST10000 unless the recorded static data names another model), with the
   * simulator's default credentials.
   */
  account(): AccountDef {
    const templates = defaultAccount();
    const listing = this.json.get(keyOf('GET', '/Api/v2/EnergyData/With/Nodes'));
    const recorded = isObject(listing) && Array.isArray(listing.Data) ? listing.Data : [];
    const sites: SiteDef[] = [];
    for (const node of recorded) {
      if (!isObject(node) || typeof node.Id !== 'string' || String(node.Type ?? 'Site').toLowerCase() !== 'site') continue;
      const serials = (Array.isArray(node.Nodes) ? node.Nodes : [])
        .filter((n): n is Record<string, unknown> => isObject(n) && String(n.Type ?? '').toLowerCase() === 'inverter')
        .map((n) => String(n.SerialNumber || n.Id));
      const template = this.templateFor(templates, serials[0]);
      const site: SiteDef = clone(template);
      site.siteId = node.Id;
      site.nmi = null;
      site.inverters = serials.map((serial) => this.inverterFor(clone(template.inverters[0]), serial, serials.length));
      sites.push(site);
    }
    return { ...templates, ...DEFAULT_CREDENTIALS, sites: sites.length > 0 ? sites : templates.sites };
  }

  private templateFor(templates: AccountDef, serial: string | undefined): SiteDef {
    const model = this.staticOf(serial)?.ModelName;
    const byModel = typeof model === 'string'
      ? templates.sites.find((s) => s.inverters[0].model.toUpperCase() === model.trim().toUpperCase())
      : undefined;
    return byModel ?? templates.sites[0];
  }

  private inverterFor(template: InverterDef, serial: string, count: number): InverterDef {
    const recorded = this.staticOf(serial);
    const inverter: InverterDef = { ...template, serial, loadShare: 1 / count };
    // The portal checks the RossVersion the nodes send against this.
    if (typeof recorded?.SoftwareVersion === 'string') inverter.softwareVersion = recorded.SoftwareVersion;
    if (typeof recorded?.FirmwareVersion === 'string') inverter.firmwareVersion = recorded.FirmwareVersion;
    return inverter;
  }

  /** The inverter node of a recorded `Static/BySerialNumber` answer. */
  private staticOf(serial: string | undefined): Record<string, unknown> | undefined {
    if (!serial) return undefined;
    const body = this.json.get(keyOf('GET', `/Api/v2/EnergyData/Static/BySerialNumber/${serial}`));
    const nodes = isObject(body) && isObject(body.Data) && Array.isArray(body.Data.Nodes) ? body.Data.Nodes : [];
    const inverter = nodes.find((n) => isObject(n) && isObject(n.StaticData) && String(n.StaticData.Type).toLowerCase() === 'inverter');
    return isObject(inverter) && isObject(inverter.StaticData) ? inverter.StaticData : undefined;
  }
}

function keyOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\/+$/, '').toLowerCase()}`;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isObject(value: unknown): value is Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
