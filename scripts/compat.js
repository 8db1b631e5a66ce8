#!/usr/bin/env node
// Runs the node test suite (config, read and control nodes in node-red-node-test-helper, a real
// node-red process, and the editor in chromium) against node-red 3.1 and 4 on this Node, and node-red 5 on Node 22
// from the npm package node@22. Each runtime is installed once into .compat/ (kept between runs).
// Build first (npm run build). Usage: node scripts/compat.js [3.1|4|5 ...]
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const cache = path.join(root, '.compat');
const SUITE = ['nodes/config-node', 'nodes/read-node', 'nodes/control-node', 'e2e/node-red-load', 'e2e/editor-browser'].map((name) => path.join(root, 'dist', 'test', `${name}.test.js`));
const TARGETS = [
  { nodeRed: '3.1', node: null },
  { nodeRed: '4', node: null },
  { nodeRed: '5', node: '22' },
];

/** Installs `spec` (e.g. node-red@3.1) into .compat/<dir> unless an install of it is there already; returns the package dir. */
function installed(dir, name, spec) {
  const at = path.join(cache, dir);
  const pkgDir = path.join(at, 'node_modules', name);
  const stamp = path.join(at, 'installed-spec');
  if (!(fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === spec && fs.existsSync(path.join(pkgDir, 'package.json')))) {
    fs.rmSync(at, { recursive: true, force: true });
    fs.mkdirSync(at, { recursive: true });
    fs.writeFileSync(path.join(at, 'package.json'), '{"private":true}\n');
    console.log(`compat: installing ${spec}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit=dev', spec], { cwd: at, stdio: 'inherit' });
    fs.writeFileSync(stamp, spec);
  }
  return pkgDir;
}

function run(target) {
  const nodeBin = target.node ? path.join(installed(`node-${target.node}`, 'node', `node@${target.node}`), 'bin', 'node') : process.execPath;
  const nodeRed = installed(`node-red-${target.nodeRed}`, 'node-red', `node-red@${target.nodeRed}`);
  const versions = {
    node: execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim(),
    nodeRed: JSON.parse(fs.readFileSync(path.join(nodeRed, 'package.json'), 'utf8')).version,
  };
  console.log(`\ncompat: node-red ${versions.nodeRed} on Node ${versions.node}`);
  const started = Date.now();
  const mocha = spawnSync(nodeBin, [path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--enable-source-maps', '--timeout', '20000', ...SUITE], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, REDBACK_NODE_RED: nodeRed },
  });
  return { ...versions, ok: mocha.status === 0, seconds: Math.round((Date.now() - started) / 1000) };
}

const wanted = process.argv.slice(2);
const results = TARGETS.filter((t) => wanted.length === 0 || wanted.includes(t.nodeRed)).map(run);
console.log('\ncompat: summary');
for (const r of results) console.log(`  node-red ${r.nodeRed.padEnd(7)} Node ${r.node.padEnd(9)} ${r.ok ? 'passed' : 'FAILED'} (${r.seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
