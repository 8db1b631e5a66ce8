/**
 * Month runs (battery-loop.ts) spread over worker threads, one per core: each run is a whole
 * closed-loop month and independent of the others, so the planner benchmark's runs go side by
 * side. Each worker reads the months and the household once.
 */
import os from 'os';
import path from 'path';
import { Worker } from 'worker_threads';
import type { MonthRun, Policy, Site } from './battery-loop';

export interface MonthFile {
  file: string;
  label: string;
}

export interface MonthJob {
  /** Index into the months given to runMonths. */
  month: number;
  site: Site;
  policy: Policy;
  /** For the progress line. */
  name: string;
}

export async function runMonths(months: MonthFile[], jobs: MonthJob[], threads = Math.max(1, os.cpus().length)): Promise<MonthRun[]> {
  const results: MonthRun[] = new Array(jobs.length);
  let nextJob = 0;
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => new Worker(path.join(__dirname, 'month-worker.js'), { workerData: { months } }));
  try {
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      const feed = (): void => {
        if (nextJob >= jobs.length) {
          resolve();
          return;
        }
        const id = nextJob++;
        const job = jobs[id];
        process.stderr.write(`bench: planner ${months[job.month].label}: ${job.name}…\n`);
        worker.once('message', (run: MonthRun) => {
          results[id] = run;
          feed();
        });
        worker.postMessage({ id, job });
      };
      worker.on('error', reject);
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
