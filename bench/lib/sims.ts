/** Simulators for the benchmarks: in this process, or in a child process when this process's CPU time is measured. */
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import { RedbackSimulator, type SimulatorOptions } from '../../src/sim';
import type { Counts } from './routes';

/** A frozen simulated clock: every tick reads the same minute, so runs compare like with like. */
export const BENCH_START = '2026-01-15T02:00:00Z';

export async function startBenchSim(options: SimulatorOptions = {}): Promise<RedbackSimulator> {
  const sim = new RedbackSimulator({ clock: { start: BENCH_START, speed: 0 }, ...options });
  await sim.start();
  return sim;
}

export interface SimProcess {
  url: string;
  counts(): Promise<Counts>;
  stop(): Promise<void>;
}

/** `redback-sim` in a child process (its CPU time is not this process's); `args` as on its command line. */
export async function startSimProcess(args: string[]): Promise<SimProcess> {
  const cli = path.join(__dirname, '..', '..', 'src', 'sim', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', '0', '--speed', '0', '--start', BENCH_START, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`redback-sim exited with ${code}`)));
  });
  return {
    url,
    counts: async () => (await (await fetch(`${url}/__sim/requests/by-route`)).json()) as Counts,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
