/** `npm start` (scripts/demo.js) as a child process with its own ports and user directory, never rebuilding dist/. */
import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import { PACKAGE_ROOT, freePort } from './node-red-process';
import { waitUntil } from './real-time';

export const DEMO_SCRIPT = path.join(PACKAGE_ROOT, 'scripts', 'demo.js');

export interface DemoProcess {
  child: ChildProcess;
  url: string;
  simUrl: string;
  output(): string;
  exited: Promise<number | null>;
  /** SIGINT, then waits for the exit code (SIGKILL after 45 s). */
  stop(): Promise<number | null>;
}

/** Starts the demo and waits until it prints its dashboard URL. */
export async function startDemo(userDir: string, args: string[] = []): Promise<DemoProcess> {
  const port = await freePort();
  const simPort = await freePort();
  const child = spawn(process.execPath, [DEMO_SCRIPT, '--port', String(port), '--sim-port', String(simPort), '--user-dir', userDir, '--no-build', ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const demo: DemoProcess = {
    child,
    url,
    simUrl: `http://127.0.0.1:${simPort}`,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await waitUntil(() => {
      if (child.exitCode !== null) throw new Error(`the demo exited with ${child.exitCode}:\n${out}`);
      return out.includes(`Dashboard:  ${url}/dashboard`);
    }, () => `the demo to print its dashboard URL:\n${out}`, 90_000, 200);
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw err;
  }
  return demo;
}
