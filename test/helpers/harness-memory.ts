/**
 * node-red-node-test-helper spies on every Node method and on the log; the spies keep each call,
 * and sinon also keeps an Error with its call stack per call, which holds the nodes alive. A heap
 * figure taken without forgetting them measures the test harness, not the package.
 */
import helper from 'node-red-node-test-helper';

interface Fake {
  resetHistory(): void;
  errorsWithCallStack?: unknown[];
}

export function forgetHarnessCalls(): void {
  const sandbox = (helper as unknown as { _sandbox: { getFakes(): Fake[] } })._sandbox;
  for (const fake of sandbox.getFakes()) {
    fake.resetHistory();
    if (fake.errorsWithCallStack) fake.errorsWithCallStack.length = 0;
  }
}
