/**
 * README.md's "Install" section, word for word: the packed-copy route and the link route, each in
 * a fresh home directory whose ~/.node-red is an existing Node-RED user directory, then a real
 * Node-RED that loads the package from there. Two lines are stood in for, because tests never
 * leave loopback: `git clone https://github.com/...` is a copy of this working tree, and
 * `npm install` in the clone links this checkout's node_modules (installed by the same
 * package-lock.json). Every other line runs as written, in bash, with HOME set to the fresh home.
 */
import { execFile, execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import should from 'should';
import { promisify } from 'util';
import { PACKAGE_ROOT, launchNodeRed } from '../helpers/node-red-process';
import { readmeInstallRoutes, type InstallRoute } from '../helpers/readme-install';
import { request } from '../helpers/sim';

const run = promisify(execFile);
const MODULE = '@solar-nodes/node-red-redback';
const CLONE = '~/node-red-redback';
const GIT_CLONE = /^git clone https:\/\/github\.com\/solar-nodes\/node-red-redback\.git (\S+)$/;

function copyWorkingTree(to: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: PACKAGE_ROOT, maxBuffer: 64 * 1024 * 1024 })
    .toString().split('\0').filter((f) => f !== '' && fs.existsSync(path.join(PACKAGE_ROOT, f)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(PACKAGE_ROOT, file), path.join(to, file));
  }
}

/** Runs the route's lines in one bash, `cd` carrying over, as a user would type them. */
async function runRoute(route: InstallRoute, home: string): Promise<string> {
  const clone = path.join(home, 'node-red-redback');
  const lines: string[] = ['set -euo pipefail'];
  let cwd = '';
  for (const command of route.commands) {
    const cloned = GIT_CLONE.exec(command);
    if (cloned) {
      should(cloned[1]).equal(CLONE, 'the README clones into ~/node-red-redback');
      if (!fs.existsSync(clone)) copyWorkingTree(clone);
      continue;
    }
    const cd = /^cd (\S+)$/.exec(command);
    if (cd) cwd = cd[1];
    if (command === 'npm install' && cwd === CLONE) {
      if (!fs.existsSync(path.join(clone, 'node_modules'))) fs.symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(clone, 'node_modules'));
      continue;
    }
    lines.push(`echo "+ ${command.replace(/"/g, '\\"')}"`, command);
  }
  const { stdout, stderr } = await run('bash', ['-c', lines.join('\n')], {
    cwd: home,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      HOME: home,
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_loglevel: 'error',
    },
  });
  return stdout + stderr;
}

/** An existing Node-RED user directory: Node-RED started once on ~/.node-red and stopped. */
async function existingNodeRed(home: string): Promise<string> {
  const userDir = path.join(home, '.node-red');
  fs.mkdirSync(userDir, { recursive: true });
  const nr = await launchNodeRed(userDir, { credentialSecret: 'install-test' });
  await nr.stop();
  should(fs.existsSync(path.join(userDir, 'package.json'))).be.true('Node-RED made ~/.node-red/package.json');
  return userDir;
}

async function ourNodeSets(userDir: string): Promise<{ sets: { name: string; module: string; enabled: boolean; err?: string }[]; output: string }> {
  const nr = await launchNodeRed(userDir, { credentialSecret: 'install-test' });
  try {
    const res = await request(`${nr.url}/nodes`, { headers: { Accept: 'application/json' } });
    should(res.status).equal(200);
    return { sets: (res.body as { name: string; module: string; enabled: boolean; err?: string }[]).filter((s) => s.module === MODULE), output: nr.output() };
  } finally {
    await nr.stop();
  }
}

describe('installing from a clone, as README.md says', function () {
  this.timeout(600_000);
  const routes = readmeInstallRoutes();
  const homes: string[] = [];
  let linkedHomeClone = '';
  const newHome = (): string => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'redback-install-'));
    homes.push(home);
    return home;
  };

  after(() => {
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });

  it('names two routes from a clone, and the registry only as "once published"', () => {
    should(routes.map((r) => r.title)).eql(['A packed copy', 'A link to the clone']);
    const readme = fs.readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('\n## Install\n'), readme.indexOf('\n## ', readme.indexOf('\n## Install\n') + 1));
    should(install).match(/\*\*Once published\*\*[^\n]*npm registry/);
  });

  it('"A packed copy": npm pack in the clone, npm install <tarball> in ~/.node-red; Node-RED loads all three nodes', async () => {
    const home = newHome();
    const userDir = await existingNodeRed(home);
    const out = await runRoute(routes[0], home);
    const link = path.join(userDir, 'node_modules', MODULE);
    should(fs.lstatSync(link).isSymbolicLink()).be.false('a copy, not a link');
    should(fs.existsSync(path.join(link, 'dist', 'nodes', 'redback-control.html'))).be.true(out);
    const pkg = JSON.parse(fs.readFileSync(path.join(userDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    should(pkg.dependencies[MODULE]).match(/^file:.*\.tgz$/);
    const { sets, output } = await ourNodeSets(userDir);
    should(sets.map((s) => s.name).sort()).eql(['redback-config', 'redback-control', 'redback-read'], output);
    for (const set of sets) should(set.err).be.undefined();
    // The clone stays where the user put it, so the link route can use it too.
    linkedHomeClone = path.join(home, 'node-red-redback');
  });

  it('"A link to the clone": npm install <path-to-clone> in ~/.node-red; Node-RED loads all three nodes', async () => {
    const home = newHome();
    const userDir = await existingNodeRed(home);
    // The same clone, at ~/node-red-redback of this home too (built by the last test, or built here).
    if (linkedHomeClone) fs.symlinkSync(linkedHomeClone, path.join(home, 'node-red-redback'));
    else copyWorkingTree(path.join(home, 'node-red-redback'));
    const out = await runRoute(routes[1], home);
    const link = path.join(userDir, 'node_modules', MODULE);
    should(fs.lstatSync(link).isSymbolicLink()).be.true(out);
    const { sets, output } = await ourNodeSets(userDir);
    should(sets.map((s) => s.name).sort()).eql(['redback-config', 'redback-control', 'redback-read'], output);
    for (const set of sets) should(set.err).be.undefined();
  });
});
