import should from 'should';
import { RedbackError } from '../../src/http/errors';

/** The RedbackError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<RedbackError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    should(err).be.instanceOf(RedbackError);
    return err as RedbackError;
  }
  throw new Error(`expected a RedbackError, got a result: ${JSON.stringify(value)?.slice(0, 200)}`);
}

/** The error `fn` throws, checked to be a `type`; fails the test when it returns or throws anything else. `what` names what was given, for that failure. */
export function thrown<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E, what = 'the input'): E {
  try {
    fn();
  } catch (err) {
    should(err).be.instanceOf(type);
    return err as E;
  }
  throw new Error(`expected a ${type.name}, ${what} was accepted`);
}
