/** The control node's status: the active command and when it ends, the read-back, or what went wrong. */
import { shortStatus, statusClock, type NodeStatusView } from '../util/node-status';
import type { ReadBackResult } from './read-back';
import type { ControlOutcome } from './executor';

export type ControlStatus = NodeStatusView;

export function outcomeStatus(outcome: ControlOutcome): ControlStatus {
  const what = outcome.command === 'curtail'
    ? `curtail to ${outcome.exportLimitW ?? 0} W`
    : outcome.command === 'auto' || outcome.command === 'conserve' || outcome.powerW === null
      ? outcome.command
      : `${outcome.command} ${outcome.powerW} W`;
  const until = outcome.endAt ? ` until ${statusClock(Date.parse(outcome.endAt))}` : '';
  if (outcome.dryRun) return { fill: 'blue', shape: 'ring', text: shortStatus(`dry run: ${what}${until}`) };
  return { fill: 'green', shape: 'dot', text: shortStatus(`${what}${until}`) };
}

export function readBackStatus(outcome: ControlOutcome, result: ReadBackResult): ControlStatus {
  if (result.applied) {
    const active = outcomeStatus(outcome);
    return { ...active, text: shortStatus(`${active.text} ✓`) };
  }
  if (outcome.command === 'curtail') return { fill: 'yellow', shape: 'ring', text: shortStatus(`not applied: ${result.detail ?? 'no envelope seen'}`) };
  const reported = result.reported?.mode ?? 'nothing';
  return { fill: 'yellow', shape: 'ring', text: shortStatus(`not applied: inverter reports ${reported}`) };
}

export function failureStatus(message: string): ControlStatus {
  return { fill: 'red', shape: 'ring', text: shortStatus(message) };
}
