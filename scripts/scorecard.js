#!/usr/bin/env node
// Runs the Flow Library scorecard (node-red-dev validate) on this package, offline: the
// catalogue look-up, used only by the name-clash checks, is answered with an empty catalogue
// because catalogue.nodered.org is not reachable from CI. The npm registry checks run for real.
// Exits 1 when any check warns or fails. Build first: the checks read dist/nodes/*.html.
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const NODE_RED_DEV = 'node-red-dev@0.1.6';
const root = path.resolve(process.argv[2] || path.join(__dirname, '..'));
const home = process.env.SCORECARD_HOME || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'node-red-scorecard');
const cli = path.join(home, 'node_modules', '.bin', 'node-red-dev');

if (!fs.existsSync(cli)) {
  fs.mkdirSync(home, { recursive: true });
  if (!fs.existsSync(path.join(home, 'package.json'))) fs.writeFileSync(path.join(home, 'package.json'), '{"private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', NODE_RED_DEV], { cwd: home, stdio: 'inherit' });
}

const stub = path.join(home, 'offline-catalogue.js');
fs.writeFileSync(stub, `const path = require('path');
const axios = require(require.resolve('axios', { paths: [path.join(__dirname, 'node_modules', 'node-red-dev')] }));
const get = axios.get.bind(axios);
axios.get = (url, ...rest) => String(url).startsWith('https://catalogue.nodered.org/')
  ? Promise.resolve({ status: 200, data: { name: 'offline', modules: [] } })
  : get(url, ...rest);
`);

const result = spawnSync(cli, ['validate', '-p', root], {
  cwd: home,
  encoding: 'utf8',
  env: { ...process.env, NODE_OPTIONS: `--require ${stub}` },
});
const output = `${result.stdout}${result.stderr}`.split('\n').filter((line) => !/Unknown user config/.test(line)).join('\n');
process.stdout.write(output);
if (result.status !== 0 || /Warning|Error|Unable|NOT Compatible|not found/.test(output)) {
  console.log('scorecard: some checks fall short');
  process.exit(1);
}
console.log('scorecard: all checks pass');
