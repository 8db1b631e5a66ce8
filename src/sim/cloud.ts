/**
 * The simulated cloud's state: accounts, their sites and inverters (each with its physics), and
 * the controls that drive the inverters: schedules, portal Set commands and operating envelopes.
 * Controls are indexed by time, so an inverter stepped later still sees each minute's control.
 */
import { randomUUID } from 'crypto';
import type { SimClock } from './clock';
import { InverterSim } from './physics';
import type {
  AccountDef, ControlInput, EnvelopeLimits, InverterDef, InverterSnapshot, PowerMode, SiteDef,
} from './types';

export interface InverterEntry {
  def: InverterDef;
  site: SiteDef;
  account: AccountDef;
  sim: InverterSim;
}

export interface ScheduleRecord {
  scheduleId: string;
  serial: string;
  siteId: string;
  userNotes: string | null;
  startMs: number;
  durationMs: number;
  /** The Duration text as it was sent. */
  durationText: string;
  mode: PowerMode;
  createdMs: number;
}

export interface EnvelopeRecord extends EnvelopeLimits {
  eventId: string;
  siteId: string;
  nmi: string | null;
  clientId: string;
  startMs: number;
  endMs: number;
  createdMs: number;
}

interface PortalSet {
  sinceMs: number;
  mode: PowerMode;
}

const MINUTE = 60_000;
const STALE_AFTER_MS = 7 * 24 * 3600_000;
const AUTO: PowerMode = { mode: 'Auto', powerW: 0 };

export class SimCloud {
  readonly accounts: AccountDef[];
  private readonly inverters = new Map<string, InverterEntry>();
  private readonly schedules: ScheduleRecord[] = [];
  private envelopes: EnvelopeRecord[] = [];
  private readonly portalSets = new Map<string, PortalSet[]>();

  constructor(accounts: AccountDef[], private readonly clock: SimClock) {
    this.accounts = accounts;
    const start = clock.now();
    for (const account of accounts) {
      for (const site of account.sites) {
        for (const def of site.inverters) {
          if (this.inverters.has(def.serial)) throw new Error(`duplicate inverter serial ${def.serial}`);
          this.inverters.set(def.serial, { def, site, account, sim: new InverterSim(def, site, start) });
        }
      }
    }
  }

  now(): number {
    return this.clock.now();
  }

  accountByClientId(clientId: string): AccountDef | undefined {
    return this.accounts.find((a) => a.clientId === clientId);
  }

  accountByEmail(email: string): AccountDef | undefined {
    const wanted = email.trim().toLowerCase();
    return this.accounts.find((a) => a.email.toLowerCase() === wanted);
  }

  site(account: AccountDef, siteId: string): SiteDef | undefined {
    return account.sites.find((s) => s.siteId.toLowerCase() === siteId.toLowerCase());
  }

  siteByNmi(account: AccountDef, nmi: string): SiteDef | undefined {
    return account.sites.find((s) => s.nmi !== null && s.nmi === nmi);
  }

  /** The inverter with this serial, only when the account owns it. */
  inverter(account: AccountDef, serial: string): InverterEntry | undefined {
    const entry = this.inverters.get(serial.toUpperCase());
    return entry && entry.account === account ? entry : undefined;
  }

  /** Any inverter by serial, whoever owns it (for the simulator's own admin view and tests). */
  inverterBySerial(serial: string): InverterEntry | undefined {
    return this.inverters.get(serial.toUpperCase());
  }

  allInverters(): InverterEntry[] {
    return [...this.inverters.values()];
  }

  /** The "original" first inverter of a site, which site-level endpoints answer for. */
  firstInverter(account: AccountDef, site: SiteDef): InverterEntry {
    const entry = this.inverter(account, site.inverters[0].serial);
    if (!entry) throw new Error(`site ${site.siteId} has no inverter`);
    return entry;
  }

  /** The inverter's reading for the latest minute that has begun. */
  snapshot(entry: InverterEntry): InverterSnapshot {
    this.settle([entry]);
    return entry.sim.snapshot();
  }

  createSchedule(entry: InverterEntry, s: Omit<ScheduleRecord, 'scheduleId' | 'serial' | 'siteId' | 'createdMs'>): ScheduleRecord {
    this.settle([entry]);
    const record: ScheduleRecord = {
      ...s, scheduleId: randomUUID(), serial: entry.def.serial, siteId: entry.site.siteId, createdMs: this.now(),
    };
    this.schedules.push(record);
    return record;
  }

  listSchedules(entry: InverterEntry, includeStale: boolean): ScheduleRecord[] {
    const now = this.now();
    this.dropStaleSchedules(now);
    return this.schedules.filter(
      (s) => s.serial === entry.def.serial && (includeStale || s.startMs + s.durationMs > now),
    );
  }

  deleteSchedule(entry: InverterEntry, scheduleId: string): boolean {
    const index = this.schedules.findIndex(
      (s) => s.serial === entry.def.serial && s.scheduleId.toLowerCase() === scheduleId.toLowerCase(),
    );
    if (index < 0) return false;
    this.settle([entry]);
    this.schedules.splice(index, 1);
    return true;
  }

  /** A portal Set: open-ended, from now until the next Set. */
  setPortalMode(entry: InverterEntry, mode: PowerMode): void {
    this.settle([entry]);
    const sets = this.portalSets.get(entry.def.serial) ?? [];
    sets.push({ sinceMs: this.now(), mode: { ...mode } });
    this.portalSets.set(entry.def.serial, sets.slice(-50));
  }

  createEnvelope(account: AccountDef, site: SiteDef, e: Omit<EnvelopeRecord, 'siteId' | 'nmi' | 'clientId' | 'createdMs'>): EnvelopeRecord {
    this.settle(this.siteInverters(site));
    const record: EnvelopeRecord = {
      ...e, siteId: site.siteId, nmi: site.nmi, clientId: account.clientId, createdMs: this.now(),
    };
    this.envelopes.push(record);
    return record;
  }

  /** Envelopes of a site that end in the future or, with `pastHours`, ended within that many hours. */
  listEnvelopes(site: SiteDef, pastHours?: number): EnvelopeRecord[] {
    const now = this.now();
    const from = Math.max(now - (pastHours ?? 0) * 3600_000, now - STALE_AFTER_MS);
    return this.envelopes.filter((e) => e.siteId === site.siteId && e.endMs > from);
  }

  /** Deletes every envelope of this account with the event id; returns how many. */
  deleteEnvelope(account: AccountDef, eventId: string): number {
    return this.removeEnvelopes((e) => e.clientId === account.clientId && e.eventId === eventId);
  }

  deleteAllEnvelopes(account: AccountDef): number {
    return this.removeEnvelopes((e) => e.clientId === account.clientId);
  }

  envelopeStatus(e: EnvelopeRecord): string {
    const now = this.now();
    if (now < e.startMs) return 'Scheduled';
    return now < e.endMs ? 'ReportStarted' : 'ReportFinished';
  }

  /** The mode and envelope in force for one inverter in the minute that starts at `minuteMs`. */
  controlAt(entry: InverterEntry, minuteMs: number): ControlInput {
    return { mode: this.modeAt(entry, minuteMs), envelope: this.envelopeAt(entry, minuteMs) };
  }

  private modeAt(entry: InverterEntry, minuteMs: number): PowerMode {
    let chosen: ScheduleRecord | undefined;
    for (const s of this.schedules) {
      if (s.serial !== entry.def.serial) continue;
      if (minuteMs >= floorMinute(s.startMs) && minuteMs < s.startMs + s.durationMs) {
        if (!chosen || s.createdMs >= chosen.createdMs) chosen = s;
      }
    }
    if (chosen) return { ...chosen.mode };
    const sets = this.portalSets.get(entry.def.serial) ?? [];
    for (let i = sets.length - 1; i >= 0; i--) {
      if (floorMinute(sets[i].sinceMs) <= minuteMs) return { ...sets[i].mode };
    }
    return { ...AUTO };
  }

  /** The tightest limits of the site's active envelopes, shared out by the inverter's load share. */
  private envelopeAt(entry: InverterEntry, minuteMs: number): EnvelopeLimits | null {
    const active = this.envelopes.filter(
      (e) => e.siteId === entry.site.siteId && minuteMs >= floorMinute(e.startMs) && minuteMs < e.endMs,
    );
    if (active.length === 0) return null;
    const share = entry.def.loadShare;
    const tightest = (pick: (e: EnvelopeRecord) => number | null): number | null => {
      const values = active.map(pick).filter((v): v is number => v !== null);
      return values.length === 0 ? null : Math.min(...values) * share;
    };
    return {
      maxImportW: tightest((e) => e.maxImportW),
      maxExportW: tightest((e) => e.maxExportW),
      maxChargeW: tightest((e) => e.maxChargeW),
      maxDischargeW: tightest((e) => e.maxDischargeW),
      maxGenerationVA: tightest((e) => e.maxGenerationVA),
    };
  }

  private removeEnvelopes(predicate: (e: EnvelopeRecord) => boolean): number {
    const doomed = this.envelopes.filter(predicate);
    if (doomed.length === 0) return 0;
    const sites = new Set(doomed.map((e) => e.siteId));
    this.settle(this.allInverters().filter((i) => sites.has(i.site.siteId)));
    this.envelopes = this.envelopes.filter((e) => !predicate(e));
    return doomed.length;
  }

  private siteInverters(site: SiteDef): InverterEntry[] {
    return site.inverters.map((d) => this.inverters.get(d.serial)).filter((e): e is InverterEntry => !!e);
  }

  /** Steps inverters up to now under the current controls, before the controls change. */
  private settle(entries: InverterEntry[]): void {
    const now = this.now();
    for (const entry of entries) entry.sim.advanceTo(now, (minuteMs) => this.controlAt(entry, minuteMs));
  }

  private dropStaleSchedules(now: number): void {
    for (let i = this.schedules.length - 1; i >= 0; i--) {
      const s = this.schedules[i];
      if (s.startMs + s.durationMs < now - STALE_AFTER_MS) this.schedules.splice(i, 1);
    }
  }
}

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}
