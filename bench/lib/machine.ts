/** What the benchmarks ran on, for the report's header. */
import os from 'os';

export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return [
    `- CPU: ${model}, ${cpus.length} logical cores (os.availableParallelism() = ${os.availableParallelism()})`,
    `- RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${process.version} (V8 ${process.versions.v8}), ${os.type()} ${os.release()} ${os.arch()}`,
    `- Load average when the run started: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} (other work may share the machine)`,
  ].join('\n');
}
