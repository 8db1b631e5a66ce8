/**
 * Run in a fresh node process: `node cheerio-probe.js <simulator url>` loads this package's
 * runtime modules, polls, then sends a portal command, and prints as JSON whether cheerio was in
 * require.cache after each step.
 */
import path from 'path';
import { cheerioLoaded } from './cheerio-loaded';

async function main(): Promise<void> {
  const url = process.argv[2];
  const root = path.join(__dirname, '..', '..');
  for (const node of ['redback-config', 'redback-read', 'redback-control']) require(path.join(root, 'nodes', `${node}.js`));
  const afterLoad = cheerioLoaded();
  // Required only now, so that the first step sees exactly what Node-RED loads.
  const { benchAccount, memoryPeriods } = await import('../lib/accounts');
  const { pollOnce } = await import('../../src/read/read-service');
  const { ControlExecutor } = await import('../../src/control/executor');
  const { parseCommand } = await import('../../src/control/command');
  const { readState } = await import('../../src/control/control-state');
  const account = benchAccount(url);
  await pollOnce(account, { site: '', serial: '' }, memoryPeriods());
  const afterPoll = cheerioLoaded();
  const executor = new ControlExecutor(account, {
    nodeId: 'probe', serial: 'RB21081800001734', method: 'portal', dryRun: false, random: () => 'abcdef123456',
  }, { load: () => readState(undefined), save: () => undefined });
  await executor.run(parseCommand({ command: 'charge', powerW: 3000, durationMinutes: 30 }, { durationMinutes: 30 }, Date.now()));
  const afterPortal = cheerioLoaded();
  account.close();
  process.stdout.write(JSON.stringify({ afterLoad, afterPoll, afterPortal }));
}

main().catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err));
  process.exit(1);
});
