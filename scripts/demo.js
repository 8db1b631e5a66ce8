#!/usr/bin/env node
/*
 * `npm start`: the demo. Builds if needed, starts the Redback cloud simulator (in this process)
 * and a real Node-RED (the devDependency) with a private user directory, deploys
 * examples/Demo.json with the simulator's credentials, prints the URLs, and stops both on
 * Ctrl-C or SIGTERM.
 *
 * Plain CommonJS so it runs before anything is built.
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DEMO_FLOW = path.join(ROOT, 'examples', 'Demo.json');
const BUILT_NODE = path.join(ROOT, 'dist', 'nodes', 'redback-read.js');
const BUILT_SIM = path.join(ROOT, 'dist', 'src', 'sim', 'index.js');
const SOURCE_DIRS = ['nodes', 'src'];

const SIM_CREDENTIALS = {
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
  email: 'owner@example.com',
  password: 'sim-portal-password',
};

const USAGE = `Usage: npm start [-- options]    (or: node scripts/demo.js [options])

Runs the demo: the Redback cloud simulator, a real Node-RED with this package and the
demo flow (examples/Demo.json) deployed against the simulator, and a dashboard.

Options:
  --port <n>        Node-RED's port on 127.0.0.1 (default 1880; 0 picks a free port)
  --sim-port <n>    the simulator's port on 127.0.0.1 (default 8124; 0 picks a free port)
  --speed <x>       simulated seconds per real second, more than 0 (default 60:
                    an hour of simulated time per real minute)
  --user-dir <dir>  Node-RED's user directory (default .node-red-user in the repository)
  --real-time-start start the simulated day at the current time at the site (Brisbane)
                    instead of at 06:00 there, so the first minutes show the sunrise
  --verbose         also show Node-RED's log here, each line prefixed with [node-red]
  --no-build        never build; fail if dist/ is missing or older than the sources
  --help            show this text
`;

class UsageError extends Error {}
class DemoError extends Error {}

function parseArgs(argv) {
  const options = {
    port: 1880,
    simPort: 8124,
    speed: 60,
    userDir: path.join(ROOT, '.node-red-user'),
    verbose: false,
    build: true,
    realTimeStart: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const takeValue = () => {
      if (value === undefined) value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      return value;
    };
    const port = () => {
      const text = takeValue();
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} needs a port number from 0 to 65535, got "${text}"`);
      return n;
    };
    switch (flag) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--port': options.port = port(); break;
      case '--sim-port': options.simPort = port(); break;
      case '--speed': {
        const text = takeValue();
        const n = Number(text);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--speed needs a number above 0, got "${text}"`);
        options.speed = n;
        break;
      }
      case '--user-dir': options.userDir = path.resolve(takeValue()); break;
      case '--verbose': options.verbose = true; break;
      case '--real-time-start': options.realTimeStart = true; break;
      case '--no-build': options.build = false; break;
      default: throw new UsageError(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Build

function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Why dist/ needs a build, or null when it is up to date. */
function buildReason() {
  let builtMs;
  try {
    builtMs = fs.statSync(BUILT_NODE).mtimeMs;
    fs.statSync(BUILT_SIM);
  } catch {
    return 'dist/ is missing';
  }
  const sourcesMs = Math.max(...SOURCE_DIRS.map((d) => newestMtime(path.join(ROOT, d))));
  return sourcesMs > builtMs ? 'dist/ is older than the sources' : null;
}

function ensureBuilt(options) {
  const reason = buildReason();
  if (!reason) return;
  if (!options.build) throw new DemoError(`${reason} and --no-build was given: run "npm run build" first`);
  log(`Building (${reason}): npm run build`);
  const npmCli = process.env.npm_execpath;
  const result = npmCli && /npm-cli\.c?js$/.test(npmCli)
    ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
  if (result.error) throw new DemoError(`could not run "npm run build": ${result.error.message}`);
  if (result.status !== 0) throw new DemoError('"npm run build" failed (see above)');
  if (buildReason()) throw new DemoError('"npm run build" did not produce dist/nodes/redback-read.js');
}

// ---------------------------------------------------------------------------------------------
// Simulator

const SUNRISE_HOUR = 6;

/**
 * The last 06:00 at the demo's site (its first site, Brisbane) at or before `nowMs`, so the first
 * minutes of the demo show the sunrise whatever the time of day.
 */
function lastSunriseMs(nowMs, utcOffsetMinutes) {
  const offsetMs = utcOffsetMinutes * 60_000;
  const local = new Date(nowMs + offsetMs);
  let start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), SUNRISE_HOUR) - offsetMs;
  if (start > nowMs) start -= 24 * 3_600_000;
  return start;
}

async function startSimulator(options) {
  const { RedbackSimulator, defaultAccount } = require(path.join(ROOT, 'dist', 'src', 'sim'));
  const start = options.realTimeStart ? undefined : lastSunriseMs(Date.now(), defaultAccount().sites[0].utcOffsetMinutes);
  // Node-RED's control node follows this clock (settings.redbackClock, see simulatedClockSetting):
  // "charge for 30 minutes" lasts 30 simulated minutes.
  const sim = new RedbackSimulator({ host: '127.0.0.1', port: options.simPort, clock: { start, speed: options.speed } });
  try {
    await sim.start();
  } catch (err) {
    if (err && err.code === 'EADDRINUSE') {
      throw new DemoError(
        `port ${options.simPort} on 127.0.0.1 is already in use (another "npm start" or "redback-sim"?). ` +
          'Stop it, or pick another port: npm start -- --sim-port <n>',
      );
    }
    throw err;
  }
  return sim;
}


// ---------------------------------------------------------------------------------------------
// Node-RED

function checkPortFree(port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) => {
      if (err.code === 'EADDRINUSE') {
        reject(new DemoError(`port ${port} on 127.0.0.1 is already in use (another Node-RED or "npm start"?). ` +
          'Stop it, or pick another port: npm start -- --port <n>'));
      } else {
        reject(err);
      }
    });
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      server.close(() => resolve(actual));
    });
  });
}

const SETTINGS_HEADER = '// Written by scripts/demo.js (npm start) on every start: change the script, not this file.\n';

/** The demo rewrites settings.js in its user directory, so it only uses one it made itself. */
function checkUserDirIsOurs(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return; // does not exist yet
  }
  if (entries.length === 0) return;
  let settings = '';
  try {
    settings = fs.readFileSync(path.join(dir, 'settings.js'), 'utf8');
  } catch {
    // not ours
  }
  if (!settings.startsWith(SETTINGS_HEADER)) {
    throw new DemoError(`${dir} is not empty and was not made by the demo: it rewrites settings.js and the demo's own ` +
      'tab in its user directory on every start, so give --user-dir a new or empty directory');
  }
}

/** The ids of the demo's own nodes: its tab, what is on it, its account and dashboard config nodes. */
function demoIds() {
  return new Set(JSON.parse(fs.readFileSync(DEMO_FLOW, 'utf8')).map((n) => n.id));
}

/**
 * Keeps what the user made in the user directory: takes only the demo's own nodes (by id) out of
 * the last run's flows, so Node-RED does not start them against a simulator that may be on
 * another port, and drops their context (energy totals, the control node's schedules), which
 * described the last run's simulator. Every other tab, node, credential and context stays.
 */
function removeLastDemo(dir) {
  const ids = demoIds();
  const flowFile = path.join(dir, 'flows.json');
  let text = null;
  try {
    text = fs.readFileSync(flowFile, 'utf8');
  } catch {
    // first start
  }
  if (text !== null && text.trim() !== '') {
    let flows;
    try {
      flows = JSON.parse(text);
    } catch (err) {
      throw new DemoError(`${flowFile} is not valid JSON (${err.message}): fix or remove it; the demo does not overwrite your flows`);
    }
    const list = Array.isArray(flows) ? flows : flows && Array.isArray(flows.flows) ? flows.flows : null;
    if (!list) throw new DemoError(`${flowFile} holds no list of nodes: fix or remove it; the demo does not overwrite your flows`);
    const kept = list.filter((n) => !ids.has(n.id));
    if (kept.length !== list.length) fs.writeFileSync(flowFile, JSON.stringify(kept, null, 4));
  }
  // localfilesystem context: <dir>/context/<flow id>/<node id>.json and <dir>/context/<flow id>/flow.json
  const contextDir = path.join(dir, 'context');
  let scopes = [];
  try {
    scopes = fs.readdirSync(contextDir);
  } catch {
    return;
  }
  for (const scope of scopes) {
    const scopeDir = path.join(contextDir, scope);
    if (ids.has(scope)) {
      fs.rmSync(scopeDir, { recursive: true, force: true });
      continue;
    }
    let files = [];
    try {
      files = fs.readdirSync(scopeDir);
    } catch {
      continue;
    }
    for (const file of files) {
      if (ids.has(file.replace(/\.json$/, ''))) fs.rmSync(path.join(scopeDir, file), { force: true });
    }
  }
}

/** The demo's site is in Brisbane: Node-RED shows times there, as the dashboard does. */
const SITE_TIME_ZONE = 'Australia/Brisbane';

/**
 * The Node-RED setting that puts the control node on the simulator's clock (src/util/clock.ts):
 * the simulated instant at one wall-clock instant, and the speed.
 */
function simulatedClockSetting(sim) {
  return { simulatedAtMs: sim.clock.now(), wallAtMs: Date.now(), speed: sim.clock.speed };
}

function writeUserDir(options, port, sim) {
  const dir = options.userDir;
  checkUserDirIsOurs(dir);
  fs.mkdirSync(dir, { recursive: true });
  removeLastDemo(dir);
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    // Only the demo's simulator credentials are stored with it; not a secret.
    credentialSecret: 'redback-demo-credential-secret',
    // Loads this package from the checkout. Node-RED also scans the node_modules next to its own
    // install, which is where it finds @flowfuse/node-red-dashboard (a devDependency).
    nodesDir: [ROOT],
    // The Home Assistant nodes (a devDependency, for the examples' end-to-end test) stay out of
    // the demo's palette.
    externalModules: { palette: { denyList: ['node-red-contrib-home-assistant-websocket'] } },
    contextStorage: { default: { module: 'localfilesystem' } },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { tours: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    // Commands, their ends and the plan run on the simulator's clock, not the host's.
    redbackClock: simulatedClockSetting(sim),
  };
  const file = path.join(dir, 'settings.js');
  fs.writeFileSync(
    file,
    SETTINGS_HEADER +
      `module.exports = ${JSON.stringify(settings, null, 2)};\n`,
  );
  return file;
}

function resolveNodeRed() {
  try {
    return require.resolve('node-red/red.js', { paths: [ROOT] });
  } catch {
    throw new DemoError('node-red is not installed: run "npm install" first (it is a devDependency)');
  }
}

function startNodeRed(options, settingsFile, logFile) {
  const child = spawn(process.execPath, [resolveNodeRed(), '-u', options.userDir, '-s', settingsFile], {
    cwd: ROOT,
    env: { ...process.env, TZ: SITE_TIME_ZONE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = fs.createWriteStream(logFile, { flags: 'w' });
  let tail = '';
  const partial = { stdout: '', stderr: '' };
  const onData = (stream) => (chunk) => {
    const text = chunk.toString();
    out.write(text);
    tail = (tail + text).slice(-8000);
    if (options.verbose) {
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop();
      for (const line of lines) process.stdout.write(`[node-red] ${line}\n`);
    }
  };
  child.stdout.on('data', onData('stdout'));
  child.stderr.on('data', onData('stderr'));
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      out.end();
      resolve({ code, signal });
    });
  });
  return { child, exited, tail: () => tail };
}

async function http(method, url, { headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

async function waitForNodeRed(url, nodeRed) {
  const deadline = Date.now() + 90_000;
  let exited = false;
  nodeRed.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new DemoError(`Node-RED stopped while starting. The end of its log:\n${indent(nodeRed.tail())}`);
    try {
      const res = await http('GET', `${url}/settings`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new DemoError(`Node-RED did not answer at ${url} within 90 s. The end of its log:\n${indent(nodeRed.tail())}`);
    await sleep(250);
  }
}

/** Every node type the flow uses must be registered, or Node-RED would wait for "missing types". */
async function checkTypes(url, flows) {
  const res = await http('GET', `${url}/nodes`, { headers: { Accept: 'application/json' } });
  if (res.status !== 200 || !Array.isArray(res.json)) throw new DemoError(`GET ${url}/nodes answered ${res.status}`);
  const registered = new Set();
  for (const set of res.json) {
    if (set.enabled !== false && set.loaded !== false) for (const type of set.types || []) registered.add(type);
  }
  const missing = [...new Set(flows.map((n) => n.type))].filter((t) => t !== 'tab' && t !== 'subflow' && !registered.has(t));
  if (missing.length > 0) {
    throw new DemoError(
      `Node-RED has no node types ${missing.join(', ')}. Run "npm install" (the dashboard is the devDependency ` +
        '@flowfuse/node-red-dashboard) and "npm run build"; see the Node-RED log for load errors.',
    );
  }
}

function demoFlows(simUrl) {
  const flows = JSON.parse(fs.readFileSync(DEMO_FLOW, 'utf8'));
  const accounts = flows.filter((n) => n.type === 'redback-config');
  if (accounts.length === 0) throw new DemoError(`${DEMO_FLOW} has no redback-config node`);
  for (const account of accounts) {
    account.apiUrl = simUrl;
    account.portalUrl = simUrl;
    account.credentials = { ...SIM_CREDENTIALS };
  }
  return flows;
}

/** Deploys the user's flows as they are plus the demo's own nodes (any old copy of them replaced). */
async function deploy(url, demo) {
  const current = await http('GET', `${url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
  if (current.status !== 200 || !current.json || !Array.isArray(current.json.flows)) {
    throw new DemoError(`reading the flows from Node-RED failed: HTTP ${current.status} ${current.text}`);
  }
  const ids = new Set(demo.map((n) => n.id));
  // Nodes sent without credentials keep the ones Node-RED has stored for them.
  const flows = [...current.json.flows.filter((n) => !ids.has(n.id)), ...demo];
  const res = await http('POST', `${url}/flows`, {
    headers: {
      'Content-Type': 'application/json',
      'Node-RED-API-Version': 'v2',
      'Node-RED-Deployment-Type': 'full',
    },
    body: JSON.stringify({ flows, rev: current.json.rev }),
  });
  if (res.status !== 200 && res.status !== 204) throw new DemoError(`deploying the demo flow failed: HTTP ${res.status} ${res.text}`);
}

// ---------------------------------------------------------------------------------------------

function log(text) {
  process.stdout.write(`${text}\n`);
}

function indent(text) {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `realMinutes` of real time in simulated time, in words: "an hour", "30 hours", "12.5 days". */
function simulated(speed, realMinutes) {
  const minutes = speed * realMinutes;
  const say = (n, unit) => (n === 1 ? `${unit === 'hour' ? 'an' : 'a'} ${unit}` : `${+n.toFixed(1)} ${unit}s`);
  if (minutes < 60) return say(minutes, 'minute');
  if (minutes < 48 * 60) return say(minutes / 60, 'hour');
  return say(minutes / 1440, 'day');
}

function relative(p) {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`demo: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }

  let sim = null;
  let nodeRed = null;
  let stopping = null;

  const nodeRedRunning = () => nodeRed && nodeRed.child.exitCode === null && nodeRed.child.signalCode === null;
  const stop = (exitCode, farewell) => {
    if (stopping) return stopping;
    stopping = (async () => {
      if (nodeRedRunning()) {
        nodeRed.child.kill('SIGINT');
        // Node-RED writes context to disk as it stops; give it time on a busy machine.
        const timer = setTimeout(() => nodeRed.child.kill('SIGKILL'), 30_000);
        await nodeRed.exited;
        clearTimeout(timer);
      }
      if (sim) await sim.stop();
      if (farewell) log(farewell);
      process.exit(exitCode);
    })();
    return stopping;
  };
  let signalled = false;
  const onSignal = (signal) => {
    if (signalled) {
      // A second Ctrl-C: do not wait for Node-RED.
      log(`${signal} again: killing Node-RED.`);
      if (nodeRedRunning()) nodeRed.child.kill('SIGKILL');
      process.exit(1);
    }
    signalled = true;
    log(`\n${signal}: stopping Node-RED and the simulator...`);
    void stop(0, 'Stopped.');
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // `npm start` killed with SIGTERM exits without passing the signal on: stop when npm is gone.
  const parent = process.ppid;
  setInterval(() => {
    if (process.env.npm_lifecycle_event !== 'start' || process.ppid === parent || stopping) return;
    log('\nThe process that started the demo is gone: stopping Node-RED and the simulator...');
    void stop(0, 'Stopped.');
  }, 1000).unref();

  try {
    ensureBuilt(options);
    const nodeRedPort = await checkPortFree(options.port);
    if (stopping) return;
    sim = await startSimulator(options);
    if (stopping) return;
    const settingsFile = writeUserDir(options, nodeRedPort, sim);
    const logFile = path.join(options.userDir, 'node-red.log');
    const url = `http://127.0.0.1:${nodeRedPort}`;
    log(`Starting Node-RED on ${url} (user directory ${relative(options.userDir)}, log in ${relative(logFile)})...`);
    nodeRed = startNodeRed(options, settingsFile, logFile);
    nodeRed.exited.then(({ code, signal }) => {
      if (stopping) return;
      if (code === 0) {
        // e.g. Ctrl-C reached Node-RED first: it shares the terminal.
        void stop(0, 'Node-RED stopped; the simulator is stopped too.');
        return;
      }
      process.stderr.write(`\nNode-RED exited (${signal || `code ${code}`}). The end of its log:\n${indent(nodeRed.tail())}\n`);
      void stop(1);
    });
    await waitForNodeRed(url, nodeRed);
    if (stopping) return;
    const flows = demoFlows(sim.url);
    await checkTypes(url, flows);
    await deploy(url, flows);
    if (stopping) return;
    log(
      '\nThe Redback demo is running. Press Ctrl-C to stop it.\n\n' +
        `  Dashboard:  ${url}/dashboard\n` +
        `  Editor:     ${url}/\n` +
        `  Simulator:  ${sim.url}   (its state: ${sim.url}/__sim/state)\n\n` +
        (options.speed === 1
          ? 'Simulated time runs at real speed; the read node polls every 10 s, so the charts gain a point every 10 s.\n'
          : `Simulated time runs ${options.speed}x faster than real time (${simulated(options.speed, 1)} per real minute);\n` +
            `the read node polls every 10 s, so each point on the charts is ${simulated(options.speed, 1 / 6)} after the last. Commands run\n` +
            `on the simulator's clock too: "30 min" lasts 30 simulated minutes (${+(30 / options.speed).toFixed(2)} real minutes), and every time shown is Brisbane's.\n`) +
        (options.realTimeStart ? '' : 'The simulated day starts at 06:00 at the site (Brisbane): --real-time-start starts it at the time there now.\n') +
        `The demo's own tab (examples/Demo.json) is deployed afresh on every start; your other tabs are kept. Node-RED's log: ${relative(logFile)}` +
        `${options.verbose ? ' (and here)' : ' (--verbose shows it here)'}.`,
    );
  } catch (err) {
    if (stopping) return;
    process.stderr.write(`\ndemo: ${err instanceof DemoError ? err.message : err && err.stack ? err.stack : err}\n`);
    await stop(1);
  }
}

if (require.main === module) void main();

module.exports = { lastSunriseMs, parseArgs };
