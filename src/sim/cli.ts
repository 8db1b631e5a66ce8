#!/usr/bin/env node
/** `redback-sim`: runs the Redback cloud simulator until Ctrl-C. */
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
  --help                 show this text
`;

export function parseArgs(argv: string[]): SimulatorOptions & { fleet?: number; help?: boolean } {
  const options: SimulatorOptions & { fleet?: number; help?: boolean } = { port: 8124 };
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
  const accounts = [defaultAccount()];
  if (options.fleet) accounts.push(fleetAccount(Math.floor(options.fleet)));
  const sim = new RedbackSimulator({ ...options, accounts });
  const url = await sim.start();
  process.stdout.write(
    `Redback cloud simulator listening on ${url}\n` +
      `  API:     ${url}/Api/v2/...   client id "${DEFAULT_CREDENTIALS.clientId}", secret "${DEFAULT_CREDENTIALS.clientSecret}"\n` +
      `  Portal:  ${url}/Account/Login   e-mail "${DEFAULT_CREDENTIALS.email}", password "${DEFAULT_CREDENTIALS.password}"\n` +
      `  Amber:   ${url}/v1/sites/${DEFAULT_AMBER_SITES[0].id}/prices/current?next=288   key "${options.amber?.apiKey ?? DEFAULT_AMBER_KEY}"\n` +
      `  Admin:   ${url}/__sim/state\n` +
      `  Clock:   ${new Date(sim.clock.now()).toISOString()} at ${sim.clock.speed}x\n` +
      'Press Ctrl-C to stop.\n',
  );
  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`redback-sim: ${err.message}\n`);
    process.exit(1);
  });
}
