/** Heap figures for the long-run tests, with a full garbage collection first. */
import v8 from 'v8';
import vm from 'vm';

let gc: (() => void) | undefined;

/** Node's gc(), made available without --expose-gc on the command line. */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

/** Bytes of heap in use after a full collection. */
export function heapUsedAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
