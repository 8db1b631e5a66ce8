/** The control node's status in plan mode, e.g. `plan: charge 4.6 kW until 14:35 · SoC 62%→80%`. */
import { shortStatus, type NodeStatusView } from '../util/node-status';
import type { PlanResult } from '../plan';
import { clockText } from './zone-clock';

/**
 * The command in force now and how long the plan keeps it (the run of identical intervals from
 * now), with the SoC now and at the end of that run; times in `zone` (undefined = the host's).
 */
export function planStatusText(result: PlanResult, socPctNow: number, zone?: string): string {
  const now = result.now;
  let untilMs = Date.parse(now.until);
  let socEnd: number | null = null;
  for (const row of result.intervals) {
    const same = row.command === now.command && row.powerW === now.powerW && row.curtail === now.curtail;
    if (Date.parse(row.start) >= untilMs && !same) break;
    untilMs = Math.max(untilMs, Date.parse(row.end));
    socEnd = row.socPctEnd;
  }
  const what = now.powerW !== null && (now.command === 'charge' || now.command === 'discharge')
    ? `${now.command} ${(now.powerW / 1000).toFixed(1)} kW`
    : now.command;
  const curtail = now.curtail ? ' + curtail' : '';
  const soc = socEnd === null ? '' : ` · SoC ${Math.round(socPctNow)}%→${Math.round(socEnd)}%`;
  return `plan: ${what}${curtail} until ${clockText(untilMs, zone)}${soc}`;
}

export function planStatus(result: PlanResult, socPctNow: number, zone?: string, dryRun = false): NodeStatusView {
  const text = planStatusText(result, socPctNow, zone);
  return dryRun ? { fill: 'blue', shape: 'ring', text: shortStatus(`dry run: ${text}`) } : { fill: 'green', shape: 'dot', text: shortStatus(text) };
}

/** Plan mode fell back to Auto: yellow, with the reason. */
export function planFallbackStatus(reason: string): NodeStatusView {
  return { fill: 'yellow', shape: 'ring', text: shortStatus(`auto: ${reason}`) };
}

/** A command from the flow came in while the plan was being made: the plan's is not sent. */
export function planByHandStatus(): NodeStatusView {
  return { fill: 'grey', shape: 'ring', text: shortStatus('plan: not sent, a command from the flow came first') };
}
