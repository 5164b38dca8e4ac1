import { renderToString } from 'preact-render-to-string';
import type { Principal } from '../../domain/principal';
import { messages } from '../../web/i18n';
import { Layout, NAV_ENTRIES, navEntriesFor } from '../../web/layout';
import type { PageContext } from '../../web/page-context';

const context = (principal: Principal | null): PageContext => ({
  lang: 'vi',
  t: messages('vi'),
  principal,
  csrfToken: 'csrf',
  path: '/',
});
const hrefs = (html: string, landmark: 'footer'): string[] => {
  const block = html.slice(html.indexOf(`<${landmark}`), html.indexOf(`</${landmark}>`));
  return [...block.matchAll(/<a[^>]* href="([^"]+)"/g)].map((m) => m[1] as string);
};

describe('the site navigation: one list for the header and the footer', () => {
  const who: [string, Principal | null][] = [
    ['the public', null],
    ['Home Affairs', { kind: 'home-affairs', name: 'home-affairs' }],
    ['a ministry', { kind: 'ministry', code: 'BYT', name: 'ministry:BYT' }],
    ['a locality', { kind: 'locality', code: 'HNI', name: 'locality:HNI' }],
  ];

  it.each(who)(
    'when %s opens a page, then the header and the footer show exactly the entries of the list meant for them',
    (_, principal) => {
      const html = renderToString(Layout({ ctx: context(principal), title: 'T', children: null }));
      const nav = html.slice(html.indexOf('<nav'), html.indexOf('</nav>'));
      const navHrefs = [...nav.matchAll(/<a[^>]* href="([^"]+)"/g)].map((m) => m[1]);
      expect(navHrefs).toEqual(navEntriesFor(principal, 'header').map((e) => e.href));
      const footerLinks = hrefs(html, 'footer');
      expect(footerLinks).toEqual(navEntriesFor(principal, 'footer').map((e) => e.href));
      expect(footerLinks).toEqual(['/open-data/tasks.csv', '/open-data/tasks.json', '/docs']);
    },
  );

  it('when someone is signed in, then they see their own area and no sign-in link; the public sees only the sign-in link', () => {
    expect(navEntriesFor(null, 'header').map((e) => e.href)).toEqual([
      '/',
      '/documents',
      '/matrix',
      '/communes',
      '/sign-in',
    ]);
    expect(navEntriesFor({ kind: 'home-affairs', name: 'home-affairs' }, 'header').map((e) => e.href)).toEqual([
      '/',
      '/documents',
      '/dashboard',
      '/rounds',
      '/matrix',
      '/communes',
      '/leadership-contacts',
      '/preferences',
    ]);
    expect(navEntriesFor({ kind: 'ministry', code: 'BYT', name: 'ministry:BYT' }, 'header').map((e) => e.href)).toEqual(
      ['/', '/documents', '/worklist', '/matrix', '/communes', '/preferences'],
    );
    expect(navEntriesFor({ kind: 'locality', code: 'HNI', name: 'locality:HNI' }, 'header').map((e) => e.href)).toEqual(
      ['/', '/documents', '/locality', '/matrix', '/communes'],
    );
  });

  it('every entry goes to a distinct address in its place', () => {
    for (const place of ['header', 'footer'] as const) {
      const inPlace = NAV_ENTRIES.filter((e) => e.place === place).map((e) => e.href);
      expect(new Set(inPlace).size).toBe(inPlace.length);
    }
  });
});
