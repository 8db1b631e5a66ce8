/** Starts a real `node-red` process (the devDependency) with this package, for end-to-end tests. */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { NODE_RED_CLI } from './node-red-under-test';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..', '..');

export interface NodeRedProcess {
  url: string;
  userDir: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
  /** Ends the process at once with SIGKILL (a crash: no close handlers run); resolves once it has exited. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Node-RED on a free loopback port with a fresh user directory that loads this package. */
export async function startNodeRed(extraSettings: Record<string, unknown> = {}): Promise<NodeRedProcess> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-nr-'));
  const nr = await launchNodeRed(userDir, { nodesDir: [PACKAGE_ROOT], credentialSecret: 'e2e-test-secret', ...extraSettings });
  return {
    ...nr,
    async stop() {
      await nr.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `settings.js` into `userDir` (loopback, a free port, plus `settings`) and starts the
 * devDependency's Node-RED on it; resolves once the flows have started. `stop()` ends the process
 * and leaves the directory to its owner.
 */
export async function launchNodeRed(
  userDir: string,
  settings: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<NodeRedProcess> {
  const port = await freePort();
  const settingsFile = path.join(userDir, 'settings.js');
  fs.writeFileSync(
    settingsFile,
    `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1',
      uiPort: port,
      flowFile: 'flows.json',
      logging: { console: { level: 'info', metrics: false, audit: false } },
      // No tours, no update-notification prompt, no palette catalogue look-ups: nothing leaves loopback.
      editorTheme: { tours: false, palette: { catalogues: [] } },
      telemetry: { enabled: false },
      ...settings,
    }, null, 2)};\n`,
  );
  const redJs = NODE_RED_CLI;
  const child: ChildProcess = spawn(process.execPath, [redJs, '-u', userDir, '-s', settingsFile], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false', ...env },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running()) throw new Error(`node-red exited early:\n${out}`);
    if (/Started flows/.test(out)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node-red did not start within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    userDir,
    output: () => out,
    async kill() {
      if (running()) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (running()) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
