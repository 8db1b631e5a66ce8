#!/usr/bin/env node
/** `redback-sim`: runs the Redback cloud simulator until Ctrl-C. */
import fs from 'fs';
import { Replay } from './replay';
import { DEFAULT_AMBER_KEY, DEFAULT_AMBER_SITES } from './amber-sites';
import { DEFAULT_CREDENTIALS, defaultAccount, fleetAccount } from './scenarios';
import { RedbackSimulator, type SimulatorOptions } from './server';

const USAGE = `Usage: redback-sim [options]

Serves a simulated Redback cloud (public API and customer portal) on loopback.

Options:
  --port <n>             port to listen on (default 8124; 0 picks a free port)
  --host <addr>          address to listen on (default 127.0.0.1)
  --speed <x>            simulated seconds per real second (default 1; 60 = an hour a minute)
  --start <iso>          simulated start time (default: now)
  --token-lifetime <s>   expires_in of issued tokens in seconds (default 3600)
  --session-minutes <m>  portal session lifetime in minutes (default 30)
  --fleet <n>            also serve a second account with n inverters
  --amber-key <key>      the bearer key of the simulated Amber feed under /v1/ (default shown at start)
  --wall-clock-controls  read schedule and envelope times as wall-clock times (for clients that
                         keep real time while --speed runs the simulator faster)
  --replay <file>        serve the recorded answers of a diagnostics file (Download diagnostics
                         in the account dialog); its sites and serials become the account's
  --variant <name>       behave like a variant of the real cloud (repeatable):
                           other-session-cookie   the portal's session cookie has another name
                           set-empty-error        the portal's Set answers {"success":true,"error":""}
                           x-responded-json       an AJAX request without a session gets 200 with
                                                  X-Responded-JSON {"status":401}
                           no-multiple-v2         POST /Api/v2/EnergyData/Multiple/... answers 404
  --delay-ms <n>         hold every token and API answer n ms (a slow cloud)
  --help                 show this text
`;

export type CliOptions = SimulatorOptions & { fleet?: number; help?: boolean; replayFile?: string };

export const VARIANTS: Record<string, Partial<SimulatorOptions>> = {
  'other-session-cookie': { portalSessionCookie: 'RBPortalSession' },
  'set-empty-error': { portalSetAnswer: 'emptyError' },
  'x-responded-json': { portalAjaxUnauthenticated: 'xRespondedJson' },
  'no-multiple-v2': { missingMultipleV2: true },
};

export function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: 8124 };
  const clock: NonNullable<SimulatorOptions['clock']> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      options.help = true;
      continue;
    }
    if (flag === '--wall-clock-controls') {
      options.wallClockControls = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const number = (): number => {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number, got "${value}"`);
      return n;
    };
    switch (flag) {
      case '--port': options.port = number(); break;
      case '--host': options.host = value; break;
      case '--speed': clock.speed = number(); break;
      case '--start': clock.start = value; break;
      case '--token-lifetime': options.tokenLifetimeSeconds = number(); break;
      case '--session-minutes': options.portalSessionMinutes = number(); break;
      case '--fleet': options.fleet = number(); break;
      case '--replay': options.replayFile = value; break;
      case '--delay-ms': options.answerDelayMs = number(); break;
      case '--variant': {
        const variant = VARIANTS[value];
        if (!variant) throw new Error(`unknown variant "${value}" (known: ${Object.keys(VARIANTS).join(', ')})`);
        Object.assign(options, variant);
        break;
      }
      case '--amber-key': options.amber = { ...options.amber, apiKey: value }; break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  options.clock = clock;
  return options;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`redback-sim: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const replay = options.replayFile ? loadReplay(options.replayFile) : undefined;
  const accounts = [replay ? replay.account() : defaultAccount()];
  if (options.fleet) accounts.push(fleetAccount(Math.floor(options.fleet)));
  const sim = new RedbackSimulator({ ...options, accounts, replay });
  const url = await sim.start();
  process.stdout.write(
    `Redback cloud simulator listening on ${url}\n` +
      `  API:     ${url}/Api/v2/...   client id "${DEFAULT_CREDENTIALS.clientId}", secret "${DEFAULT_CREDENTIALS.clientSecret}"\n` +
      `  Portal:  ${url}/Account/Login   e-mail "${DEFAULT_CREDENTIALS.email}", password "${DEFAULT_CREDENTIALS.password}"\n` +
      `  Amber:   ${url}/v1/sites/${DEFAULT_AMBER_SITES[0].id}/prices/current?next=288   key "${options.amber?.apiKey ?? DEFAULT_AMBER_KEY}"\n` +
      `  Admin:   ${url}/__sim/state\n` +
      (replay ? `  Replay:  ${replay.size} recorded answers from ${options.replayFile}; sites ${accounts[0].sites.map((s) => s.siteId).join(', ')}\n` : '') +
      `  Clock:   ${new Date(sim.clock.now()).toISOString()} at ${sim.clock.speed}x\n` +
      'Press Ctrl-C to stop.\n',
  );
  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The diagnostics file to replay; a readable error when it cannot be read. */
export function loadReplay(file: string): Replay {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  return Replay.fromFile(parsed, file);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`redback-sim: ${err.message}\n`);
    process.exit(1);
  });
}
