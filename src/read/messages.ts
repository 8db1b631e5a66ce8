/** The messages of one poll for the read node's three outputs: sites, inverters, batteries. */
import type { PollResult } from './read-service';

export type OutputMessages<M> = [M[], M[], M[]];

/** Each payload in a copy of `msg` (whose properties are kept) with its topic. */
export function pollMessages<M extends object>(result: PollResult, msg: M): OutputMessages<M & { topic: string; payload: unknown }> {
  const base = { ...msg };
  return [
    result.sites.map((p) => ({ ...base, topic: `redback/${p.siteId}/site`, payload: p })),
    result.inverters.map((p) => ({ ...base, topic: `redback/${p.siteId}/inverter/${p.serial}`, payload: p })),
    result.batteries.map((p) => ({ ...base, topic: `redback/${p.siteId}/battery/${p.serial}`, payload: p })),
  ];
}
