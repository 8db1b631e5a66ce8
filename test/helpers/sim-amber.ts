/** The simulator's Amber feed, as a flow would fetch it (docs/amber-sim.md). */
import should from 'should';
import { DEFAULT_AMBER_KEY, DEFAULT_AMBER_SITES, type RedbackSimulator } from '../../src/sim';

/** `GET /v1/sites/<NSW site>/prices/current?next=288` with the simulator's key. */
export async function amberPrices(sim: RedbackSimulator): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${sim.url}/v1/sites/${DEFAULT_AMBER_SITES[0].id}/prices/current?next=288`, { headers: { Authorization: `Bearer ${DEFAULT_AMBER_KEY}` } });
  should(res.status).equal(200);
  return await res.json() as Record<string, unknown>[];
}

/** The current interval's price on `channel`, c/kWh as Amber gives it. */
export function currentPrice(prices: Record<string, unknown>[], channel: 'general' | 'feedIn'): number {
  const p = prices.find((i) => i.type === 'CurrentInterval' && i.channelType === channel);
  if (!p || typeof p.perKwh !== 'number') throw new Error(`no current ${channel} price`);
  return p.perKwh;
}
