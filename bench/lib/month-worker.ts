/** One worker of month-pool.ts: runs the month jobs it is sent and answers each with its MonthRun. */
import { parentPort, workerData } from 'worker_threads';
import { runMonth, trueSlots } from './battery-loop';
import type { MonthFile, MonthJob } from './month-pool';
import { readAemoMonth, readHousehold } from './pricing-data';

const { months: files } = workerData as { months: MonthFile[] };
const months = files.map((m) => readAemoMonth(m.file, m.label));
const house = readHousehold();

parentPort!.on('message', ({ job }: { id: number; job: MonthJob }) => {
  const month = months[job.month];
  parentPort!.postMessage(runMonth(month, house, job.site, job.policy, trueSlots(month, house, job.site)));
});
