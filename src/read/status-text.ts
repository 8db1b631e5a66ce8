/** The read node's status: the last reading, or what went wrong. */
import { isRedbackError } from '../http/errors';
import { shortStatus, statusClock, type NodeStatusView } from '../util/node-status';
import type { PollResult } from './read-service';

export interface StatusView extends NodeStatusView {
  fill: 'green' | 'yellow' | 'red';
}

/** `PV 4.2 kW · SoC 78% · 12:03` (PV summed over the sites, SoC of the first site with one). */
export function readingStatus(result: PollResult, atMs: number): StatusView {
  const pvW = result.sites.reduce<number | null>((sum, s) => (s.pvPowerW === null ? sum : (sum ?? 0) + s.pvPowerW), null);
  const soc = result.sites.find((s) => s.batterySocPct !== null)?.batterySocPct ?? null;
  const parts = [`PV ${pvW === null ? '–' : (pvW / 1000).toFixed(1)} kW`];
  if (soc !== null) parts.push(`SoC ${Math.round(soc)}%`);
  parts.push(statusClock(atMs));
  return { fill: 'green', shape: 'dot', text: parts.join(' · ') };
}

/** Yellow while the cause may clear by itself; red for what needs a person (credentials, settings). */
export function errorStatus(err: unknown): StatusView {
  const transient = isRedbackError(err) ? err.transient : false;
  const reason = isRedbackError(err) ? shortReason(err.kind, err.status) + nextTry(err.nextTryAtMs) : 'error';
  return transient
    ? { fill: 'yellow', shape: 'ring', text: shortStatus(`retrying: ${reason}`) }
    : { fill: 'red', shape: 'ring', text: shortStatus(reason) };
}

/** " · next try 12:05" while a refused credential is held back. */
function nextTry(atMs: number | undefined): string {
  return atMs === undefined ? '' : ` · next try ${statusClock(atMs)}`;
}

function shortReason(kind: string, status: number | undefined): string {
  switch (kind) {
    case 'credentials': return 'credentials refused';
    case 'config': return 'check settings';
    case 'timeout': return 'timeout';
    case 'network': return 'cloud unreachable';
    case 'rate-limited': return 'rate limited (429)';
    case 'response': return 'bad answer from cloud';
    case 'transient': return `cloud error${status ? ` ${status}` : ''}`;
    case 'rejected': return `refused${status ? ` (${status})` : ''}`;
    default: return kind;
  }
}
