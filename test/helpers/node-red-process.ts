/** Starts a real `node-red` process (the devDependency) with this package, for end-to-end tests. */
import { spawn, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..', '..');

export interface NodeRedProcess {
  url: string;
  userDir: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
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
  const port = await freePort();
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({
      uiHost: '127.0.0.1',
      uiPort: port,
      nodesDir: [PACKAGE_ROOT],
      credentialSecret: 'e2e-test-secret',
      flowFile: 'flows.json',
      logging: { console: { level: 'info', metrics: false, audit: false } },
      editorTheme: { tours: false },
      ...extraSettings,
    })};\n`,
  );
  const redJs = require.resolve('node-red/red.js');
  const child: ChildProcess = spawn(process.execPath, [redJs, '-u', userDir, '-s', path.join(userDir, 'settings.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false' },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node-red exited early:\n${out}`);
    if (/Started flows/.test(out)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node-red did not start within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    userDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}
