/**
 * The checks that need a separate Node process: what a module loads, whether a closed transport
 * lets its process exit, and the `redback-sim` command. Kept out of test/unit/, which starts no
 * child processes.
 */
import { execFileSync, spawn } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import should from 'should';
import { request } from '../helpers/sim';

const BUILT_SRC = path.join(__dirname, '..', '..', 'src');

describe('portal client', () => {
  describe('loading', () => {
    const clientJs = path.join(BUILT_SRC, 'portal', 'portal-client.js');
    const pagesJs = path.join(BUILT_SRC, 'portal', 'portal-pages.js');
    const cheerioLoaded = "Object.keys(require.cache).some((k) => k.split(require('path').sep).join('/').includes('/cheerio/'))";

    it('does not load cheerio until a page is parsed', () => {
      const out = execFileSync(process.execPath, ['-e', [
        `require(${JSON.stringify(clientJs)});`,
        `const before = ${cheerioLoaded};`,
        `require(${JSON.stringify(pagesJs)}).hasLoginForm('<form class="login-form"></form>');`,
        `console.log(JSON.stringify({ before, after: ${cheerioLoaded} }));`,
      ].join('\n')], { encoding: 'utf8' });
      should(JSON.parse(out)).eql({ before: false, after: true });
    });
  });
});

const CHILD = `
const { Transport } = require(${JSON.stringify(path.join(BUILT_SRC, 'http', 'transport.js'))});
const { Redactor } = require(${JSON.stringify(path.join(BUILT_SRC, 'http', 'redactor.js'))});
const [scenario, url] = process.argv.slice(1);
const options = { redactor: new Redactor() };
if (scenario === 'wait') Object.assign(options, { baseDelayMs: 30000, maxDelayMs: 30000, random: () => (setImmediate(() => t.close()), 1) });
if (scenario === 'timeout') Object.assign(options, { timeoutMs: 200, maxRetries: 0 });
const t = new Transport(options);
if (scenario === 'inflight') setTimeout(() => t.close(), 200);
t.request({ method: 'GET', url }).then(
  (res) => { process.stdout.write(res.body); t.close(); },
  (err) => { process.stdout.write(err.kind); t.close(); },
);
`;

/** Runs CHILD with a scenario; resolves when the process has ended by itself (or was killed after 8 s). */
function runChild(scenario: string, url: string): Promise<{ output: string; code: number | null; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', CHILD, scenario, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ output, code, elapsedMs: Date.now() - started });
    });
  });
}

describe('http transport', () => {
  describe('close()', () => {
    let server: http.Server | null = null;
    afterEach(async () => {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    });

    it('leaves nothing behind that keeps the process alive (a separate process exits at once)', async () => {
      // Each scenario runs in its own Node process, which must end by itself right after close():
      // a pending retry wait, a deadline timer or a kept-alive socket would hold it open.
      let hung = 0;
      const s = http.createServer((req, res) => {
        if (req.url === '/hang') {
          hung++;
          return; // never answers
        }
        res.writeHead(req.url === '/fail' ? 503 : 200).end('ok');
      });
      server = s;
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      const connections = (): Promise<number> => new Promise((resolve, reject) => s.getConnections((err, n) => (err ? reject(err) : resolve(n))));
      const runs = await Promise.all([
        runChild('wait', `${url}/fail`),
        runChild('keepalive', `${url}/ok`),
        runChild('inflight', `${url}/hang`),
        runChild('timeout', `${url}/hang`),
      ]);
      should(runs.map((r) => r.output)).eql(['closed', 'ok', 'closed', 'timeout']);
      for (const run of runs) {
        should(run.code).equal(0);
        should(run.elapsedMs).be.below(3000); // the retry wait is 30 s, the default timeout 10 s
      }
      should(hung).equal(2);
      await new Promise((resolve) => setTimeout(resolve, 50));
      should(await connections()).equal(0);
    });
  });
});

describe('simulator: the redback-sim command', () => {
  const cli = path.join(BUILT_SRC, 'sim', 'cli.js');

  it('starts, prints its URL and serves the token endpoint until stopped', async function () {
    this.timeout(15_000);
    const child = spawn(process.execPath, [cli, '--port', '0', '--speed', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`redback-sim exited with ${code}: ${out}`)));
      });
      const res = await request(`${url}/Api/v2/Auth/token`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'client_id=sim-client-id&client_secret=sim-client-secret',
      });
      should(res.status).equal(200);
      should(res.body.token_type).equal('Bearer');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('rejects unknown options with a usage message', async () => {
    const child = spawn(process.execPath, [cli, '--bogus', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    should(code).equal(2);
    should(err).match(/unknown option --bogus/);
    should(err).match(/Usage: redback-sim/);
  });
});
