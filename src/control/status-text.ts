/** The control node's status: the active command and when it ends, the read-back, or what went wrong. */
import type { ReadBackResult } from './read-back';
import type { ControlOutcome } from './executor';

export interface ControlStatus {
  fill: 'green' | 'yellow' | 'red' | 'blue' | 'grey';
  shape: 'dot' | 'ring';
  text: string;
}

const MAX_TEXT = 60;

export function outcomeStatus(outcome: ControlOutcome): ControlStatus {
  const what = outcome.command === 'curtail'
    ? `curtail to ${outcome.exportLimitW ?? 0} W`
    : outcome.command === 'auto' || outcome.command === 'conserve' || outcome.powerW === null
      ? outcome.command
      : `${outcome.command} ${outcome.powerW} W`;
  const until = outcome.endAt ? ` until ${clock(Date.parse(outcome.endAt))}` : '';
  if (outcome.dryRun) return { fill: 'blue', shape: 'ring', text: cut(`dry run: ${what}${until}`) };
  return { fill: 'green', shape: 'dot', text: cut(`${what}${until}`) };
}

export function readBackStatus(outcome: ControlOutcome, result: ReadBackResult): ControlStatus {
  if (result.applied) return { ...outcomeStatus(outcome), text: cut(`${outcomeStatus(outcome).text} ✓`) };
  const reported = result.reported?.mode ?? 'nothing';
  return { fill: 'yellow', shape: 'ring', text: cut(`not applied: inverter reports ${reported}`) };
}

export function failureStatus(message: string): ControlStatus {
  return { fill: 'red', shape: 'ring', text: cut(message) };
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
