/**
 * The simulator's own admin surface (`/__sim/…`), for demos, end-to-end tests and curl: state,
 * clock, faults, expiry, per-inverter overrides and the request log. It is never faulted.
 */
import type { SimClock } from './clock';
import type { InverterEntry, SimCloud } from './cloud';
import { isoSeconds } from './dto';
import type { FaultInjector, FaultSpec } from './faults';
import { Router, badRequest, json, notFound, parseJson, type SimResponse } from './http';
import type { EnergyCounters } from './types';
import { isPlainObject } from '../util/objects';

/** What the admin routes see of the simulator (the server hands over itself). */
export interface SimAdmin {
  readonly clock: SimClock;
  readonly cloud: SimCloud;
  readonly faults: FaultInjector;
  readonly portalSessions: { count(): number };
  readonly requests: readonly unknown[];
  expireTokens(): void;
  expirePortalSessions(): void;
  requestCountsByRoute(): Record<string, number>;
  clearRequests(): void;
}

export function registerAdminRoutes(router: Router, sim: SimAdmin): void {
  router.add('GET', '/__sim/state', () => json(200, state(sim)));

  router.add('POST', '/__sim/clock', (req) => {
    const body = parseJson(req);
    if (!isPlainObject(body)) return badRequest({ '': ['JSON object with advanceMinutes, advanceMs or speed expected.'] });
    try {
      if (body.speed !== undefined) sim.clock.setSpeed(Number(body.speed));
      if (body.advanceMinutes !== undefined) sim.clock.advance(Number(body.advanceMinutes) * 60_000);
      if (body.advanceMs !== undefined) sim.clock.advance(Number(body.advanceMs));
    } catch (err) {
      return badRequest({ clock: [(err as Error).message] });
    }
    return json(200, { now: isoSeconds(sim.clock.now()), speed: sim.clock.speed });
  });

  router.add('GET', '/__sim/faults', () => json(200, sim.faults.list()));
  router.add('POST', '/__sim/faults', (req) => {
    const body = parseJson(req);
    if (!isPlainObject(body)) return badRequest({ '': ['A fault spec object is expected.'] });
    try {
      return json(200, { id: sim.faults.add(body as unknown as FaultSpec) });
    } catch (err) {
      return badRequest({ kind: [(err as Error).message] });
    }
  });
  router.add('DELETE', '/__sim/faults', () => {
    sim.faults.clear();
    return json(200, { cleared: true });
  });

  router.add('POST', '/__sim/expire-tokens', () => {
    sim.expireTokens();
    return json(200, { expired: 'tokens' });
  });
  router.add('POST', '/__sim/expire-sessions', () => {
    sim.expirePortalSessions();
    return json(200, { expired: 'portal sessions' });
  });

  router.add('GET', '/__sim/requests', () => json(200, sim.requests));
  router.add('GET', '/__sim/requests/by-route', () => json(200, sim.requestCountsByRoute()));
  router.add('DELETE', '/__sim/requests', () => {
    sim.clearRequests();
    return json(200, { cleared: true });
  });

  router.add('POST', '/__sim/inverters/{serial}', (req, params) => {
    const entry = sim.cloud.inverterBySerial(params.serial);
    if (!entry) return notFound(`No inverter ${params.serial}`);
    const body = parseJson(req);
    if (!isPlainObject(body)) return badRequest({ '': ['JSON object with pvKW, loadKW, socPct, status or counters expected.'] });
    return applyInverterChanges(sim, entry, body);
  });
}

function applyInverterChanges(sim: SimAdmin, entry: InverterEntry, body: Record<string, unknown>): SimResponse {
  // Bring the inverter up to now first, so the change applies from the current minute on.
  sim.cloud.snapshot(entry);
  if ('pvKW' in body || 'loadKW' in body) {
    entry.sim.setOverrides({ pvKW: optionalNumber(body.pvKW), loadKW: optionalNumber(body.loadKW) });
  }
  if (typeof body.socPct === 'number') entry.sim.setSoc(body.socPct / 100);
  if (body.status === 'OK' || body.status === 'Offline' || body.status === 'Fault') entry.sim.setStatus(body.status);
  if (isPlainObject(body.counters)) entry.sim.setCounters(body.counters as Partial<EnergyCounters>);
  return json(200, sim.cloud.snapshot(entry));
}

function state(sim: SimAdmin): Record<string, unknown> {
  return {
    now: isoSeconds(sim.clock.now()),
    speed: sim.clock.speed,
    faults: sim.faults.list(),
    portalSessions: sim.portalSessions.count(),
    accounts: sim.cloud.accounts.map((account) => ({
      clientId: account.clientId,
      sites: account.sites.map((site) => ({
        siteId: site.siteId,
        inverters: site.inverters.map((def) => {
          const entry = sim.cloud.inverter(account, def.serial);
          return entry ? sim.cloud.snapshot(entry) : null;
        }),
      })),
    })),
  };
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
