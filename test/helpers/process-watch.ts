/**
 * Records every unhandled promise rejection and uncaught exception while installed, so a suite
 * can assert that none happened (mocha alone reports them against whichever test runs then).
 */
export interface ProcessWatch {
  rejections: unknown[];
  exceptions: unknown[];
  /** Empties both lists (e.g. between test cases). */
  reset(): void;
  stop(): void;
}

export function watchProcess(): ProcessWatch {
  const watch: ProcessWatch = {
    rejections: [],
    exceptions: [],
    reset: () => {
      watch.rejections.length = 0;
      watch.exceptions.length = 0;
    },
    stop: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
  const onRejection = (reason: unknown): void => void watch.rejections.push(reason);
  const onException = (err: unknown): void => void watch.exceptions.push(err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return watch;
}
