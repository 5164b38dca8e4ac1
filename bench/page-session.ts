import { summary, timed } from './stats';

/**
 * Signs in to the pages as a person does (the sign-in form's CSRF token, then the token form) and
 * returns the two cookies a browser would then hold: the visitor cookie every page sets, and the
 * session cookie. Throws when sign-in does not give a session.
 */
export async function signInToPages(baseUrl: string, token: string): Promise<{ visitor: string; session: string }> {
  const form = await fetch(`${baseUrl}/sign-in`);
  const visitor = (form.headers.getSetCookie().find((c) => c.startsWith('dtt_visitor=')) ?? '').split(';')[0] as string;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const signedIn = await fetch(`${baseUrl}/sign-in/token`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: visitor, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, token }).toString(),
  });
  const session = (signedIn.headers.getSetCookie().find((c) => c.startsWith('dtt_session=')) ?? '').split(
    ';',
  )[0] as string;
  if (!session) throw new Error(`signing in to the pages failed (${signedIn.status})`);
  return { visitor, session };
}

/** `reps` sequential requests for one page with a browser's cookie: response times (ms) and the page's size in bytes. */
export async function pageServerTimes(baseUrl: string, pathname: string, cookie: string, reps: number) {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    const [res, t] = await timed(() => fetch(`${baseUrl}${pathname}`, { headers: { Cookie: cookie } }));
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}`);
    bytes = body.byteLength;
    ms.push(t);
  }
  return { ...summary(ms), bytes };
}
