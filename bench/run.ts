/**
 * `npm run bench`: runs every benchmark against the simulator on loopback and writes
 * BENCHMARKS.md at the repository root. `node dist/bench/run.js <name>…` runs only those named
 * (and prints instead of writing the file); `npm run bench -- --only <name>…` runs only those named
 * and replaces their sections in BENCHMARKS.md, leaving the others as they were.
 */
import fs from 'fs';
import path from 'path';
import { describeMachine } from './lib/machine';
import { renderSection, type Section } from './lib/markdown';
import { controlSection } from './scenarios/control';
import { fleetSection } from './scenarios/fleet';
import { loadCostSection } from './scenarios/load-cost';
import { plannerSection } from './scenarios/planner';
import { planModeSection } from './scenarios/plan-mode';
import { pollCostSection } from './scenarios/poll-cost';
import { readNodesSection } from './scenarios/read-nodes';
import { tokenHoursSection } from './scenarios/token-hours';

const SCENARIOS: Record<string, () => Promise<Section>> = {
  'read-nodes': readNodesSection,
  'token-hours': tokenHoursSection,
  fleet: fleetSection,
  control: controlSection,
  'poll-cost': pollCostSection,
  'load-cost': loadCostSection,
  planner: plannerSection,
  'plan-mode': planModeSection,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const splice = args[0] === '--only';
  const only = splice ? args.slice(1) : args;
  if (splice && only.length === 0) throw new Error('--only needs the names of the benchmarks to run');
  const unknown = only.filter((name) => !(name in SCENARIOS));
  if (unknown.length) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const machine = describeMachine();
  const started = performance.now();
  const sections: string[] = [];
  const rendered = new Map<string, string>();
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (only.length && !only.includes(name)) continue;
    const t = performance.now();
    process.stderr.write(`bench: ${name}…\n`);
    const section = await run();
    rendered.set(section.title, renderSection(section));
    sections.push(renderSection(section));
    process.stderr.write(`bench: ${name} took ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  const report = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}; the whole run took ${minutes} minutes.
Every figure comes from this run, against the bundled Redback cloud simulator on loopback, with the naive baseline
(bench/baseline/naive-client.ts: how the Home Assistant integrations talk to Redback) measured beside it in the same run.
Requests are counted at the simulator, per route. Ratios are ours / naive: below 1 is better for us.
Times on loopback leave out the Internet's latency, so they show the client's own cost, not what a user waits for.

## Machine

${machine}

${sections.join('\n')}`;
  const file = path.join(__dirname, '..', '..', 'BENCHMARKS.md');
  if (splice) {
    let text = fs.readFileSync(file, 'utf8');
    for (const [title, body] of rendered) text = replaceSection(text, title, body);
    fs.writeFileSync(file, text);
    process.stderr.write(`bench: replaced ${[...rendered.keys()].join(', ')} in BENCHMARKS.md\n`);
  } else if (only.length) {
    process.stdout.write(report);
  } else {
    fs.writeFileSync(file, report);
    process.stderr.write('bench: wrote BENCHMARKS.md\n');
  }
  // Node-RED and axios leave keep-alive sockets and timers behind; the report is written.
  process.exit(0);
}

/** The section headed `## title` replaced by `body` (up to the next `## `), or body appended. */
function replaceSection(text: string, title: string, body: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) return `${text.trimEnd()}\n\n${body}`;
  const next = text.indexOf('\n## ', start + 1);
  return `${text.slice(0, start + 1)}${body}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
