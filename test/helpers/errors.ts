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
