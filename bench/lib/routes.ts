/** The simulator's route names the report counts, and helpers over its per-route counts. */
export const ROUTES = {
  token: 'POST /Api/v2/Auth/token',
  sites: 'GET /Api/v2/EnergyData/With/Nodes',
  dynamic: 'GET /Api/v2.21/EnergyData/Dynamic/BySerialNumber/{serial}',
  multiple: 'POST /Api/v2/EnergyData/Multiple/BySerialNumber/Dynamic',
  static: 'GET /Api/v2/EnergyData/Static/BySerialNumber/{serial}',
  configuration: 'GET /Api/v2/Configuration/Configuration/BySerialNumber/{serial}',
  scheduleCreate: 'POST /Api/v2/Schedule/Create/By/SerialNumber',
  envelopeCreate: 'POST /Api/v2/OperatingEnvelope/Create/By/Site',
  loginPage: 'GET /Account/Login',
  loginForm: 'POST /Account/Login',
  configure: 'GET /productcontrol/Configure',
  portalSet: 'POST /productcontrol/Index',
} as const;

export type RouteKey = keyof typeof ROUTES;
export type Counts = Record<string, number>;

/** Where a benchmark reads the simulator's per-route counts from (in process, or over its admin route). */
export type CountSource = () => Promise<Counts> | Counts;

export function countsSince(before: Counts, after: Counts): Counts {
  const diff: Counts = {};
  for (const [route, n] of Object.entries(after)) {
    const d = n - (before[route] ?? 0);
    if (d !== 0) diff[route] = d;
  }
  return diff;
}

export function total(counts: Counts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export function of(counts: Counts, key: RouteKey): number {
  return counts[ROUTES[key]] ?? 0;
}

/** Counts as short text, e.g. `1 token + 5 dynamic`. */
export function describeCounts(counts: Counts): string {
  const names = new Map<string, string>(Object.entries(ROUTES).map(([key, route]) => [route, key]));
  const parts = Object.entries(counts).map(([route, n]) => `${n} ${names.get(route) ?? route}`);
  return parts.length ? parts.join(' + ') : 'none';
}

/** Runs `action` and returns what it cost at the simulator. */
export async function counted<T>(source: CountSource, action: () => Promise<T>): Promise<{ value: T; counts: Counts }> {
  const before = await source();
  const value = await action();
  return { value, counts: countsSince(before, await source()) };
}
