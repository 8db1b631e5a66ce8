/**
 * This package as a user gets it: `npm pack` output installed into a fresh Node-RED user
 * directory (with any other node modules the test needs), and a real `node-red` process (the
 * devDependency) that loads it from there, not from a nodesDir.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { PACKAGE_ROOT, launchNodeRed, type NodeRedProcess } from './node-red-process';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface InstalledUserDir {
  /** The temporary directory holding the tarball and the user directory. */
  root: string;
  userDir: string;
  tarball: string;
  remove(): void;
}

/** The version of a devDependency as installed in this checkout, to install the same one. */
export function installedVersion(name: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The README's packed-copy route (`npm pack`, then `npm install <tarball>` in the user
 * directory), without the lifecycle scripts: prepack would clean and rebuild dist/ under the
 * running suite, which has built it already. test/e2e/install-from-clone.test.ts runs the
 * README's words as written, build included. Installs `others` beside the tarball.
 */
export async function packAndInstall(others: string[]): Promise<InstalledUserDir> {
  for (const built of ['dist/nodes/redback-config.js', 'dist/nodes/redback-config.html', 'dist/src/sim/index.js']) {
    if (!fs.existsSync(path.join(PACKAGE_ROOT, built))) throw new Error(`${built} is missing: build the package first (npm run build)`);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-e2e-'));
  const remove = (): void => fs.rmSync(root, { recursive: true, force: true });
  try {
    const packed = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
      cwd: PACKAGE_ROOT, maxBuffer: 16 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
    const tarball = path.join(root, path.basename(filename));
    if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}:\n${packed.stdout}\n${packed.stderr}`);
    const userDir = path.join(root, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', version: '0.0.1', private: true }, null, 2));
    await run(NPM, ['install', '--prefix', userDir, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error', tarball, ...others], {
      cwd: userDir, maxBuffer: 16 * 1024 * 1024,
    });
    return { root, userDir, tarball, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * Starts Node-RED on a free loopback port with `userDir` (its node_modules hold the packages under
 * test). `stop()` ends the process but leaves the directory to its owner.
 */
export function startInstalledNodeRed(userDir: string, env: Record<string, string> = {}): Promise<NodeRedProcess> {
  return launchNodeRed(userDir, { credentialSecret: 'e2e-examples-secret' }, env);
}
