import { safeNextPath, sitePath } from '../../domain/page-links';

describe('paths a page leads back to', () => {
  it('when a path is on this site, then it is kept as it is, query and fragment included', () => {
    for (const p of ['/', '/tasks/BYT-1?lang=en#history', '/sign-in', '/api/tasks', '/communes/00070'])
      expect([p, sitePath(p)]).toEqual([p, p]);
  });

  it('when a value names another host or holds control characters or backslashes, then it is refused', () => {
    const refused = [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      'tasks',
      '',
      '/a\r\nSet-Cookie: x',
      '/a\u0000',
      '/a\\b',
      7,
      null,
      undefined,
      '/'.padEnd(2001, 'a'),
    ];
    expect(refused.map((v) => sitePath(v))).toEqual(refused.map(() => null));
  });

  it('when a path is where to go after signing in, then it must also be a page: neither the API nor the sign-in pages', () => {
    const cases: [string, string | null][] = [
      ['/tasks/BYT-1?x=1', '/tasks/BYT-1?x=1'],
      ['/api/tasks', null],
      ['/API', null],
      ['/sign-in?next=/', null],
      ['/sign-out', null],
      ['/sign-ins-guide', '/sign-ins-guide'],
      ['//evil.example', null],
    ];
    expect(cases.map(([p]) => [p, safeNextPath(p)])).toEqual(cases);
  });
});
