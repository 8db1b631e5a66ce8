/** Simulators for the benchmarks: in this process, or in a child process when this process's CPU time is measured. */
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import { FIXED_START } from '../../test/helpers/sim';
import type { Counts } from './routes';

/** In this process: the tests' simulator, its clock frozen at FIXED_START, so every tick reads the same minute. */
export { startSim as startBenchSim } from '../../test/helpers/sim';

export interface SimProcess {
  url: string;
  counts(): Promise<Counts>;
  stop(): Promise<void>;
}

/** `redback-sim` in a child process (its CPU time is not this process's); `args` as on its command line. */
export async function startSimProcess(args: string[]): Promise<SimProcess> {
  const cli = path.join(__dirname, '..', '..', 'src', 'sim', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', '0', '--speed', '0', '--start', FIXED_START, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Never outlive the benchmark, even when it fails.
  const killChild = (): void => void child.kill();
  process.once('exit', killChild);
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
      process.removeListener('exit', killChild);
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
