/** What keeps the process busy: open handles by kind (sockets, servers, timers). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The number of sockets, servers and timers, for before/after comparisons. */
export function activeHandleCount(): number {
  return Object.entries(activeResources())
    .filter(([kind]) => kind !== 'FSReqCallback')
    .reduce((sum, [, n]) => sum + n, 0);
}
