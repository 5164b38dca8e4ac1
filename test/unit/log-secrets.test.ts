import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The check the global teardown runs on the logs of the whole test run (test/support/log-secrets.mjs),
// run here as the CLI it also is, on logs written for the purpose: it must fail on each kind of token.

const SCANNER = path.join(__dirname, '..', 'support', 'log-secrets.mjs');

function scan(lines: string[], mailUrls: string[] = []): { ok: boolean; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-secrets-'));
  try {
    const log = path.join(dir, 'log.jsonl');
    const mail = path.join(dir, 'mail.txt');
    fs.writeFileSync(log, lines.map((l) => `${l}\n`).join(''));
    fs.writeFileSync(mail, mailUrls.join('\n'));
    try {
      const out = execFileSync(process.execPath, [SCANNER, log, mail], { encoding: 'utf8', stdio: 'pipe' });
      return { ok: true, out };
    } catch (err) {
      return { ok: false, out: String((err as { stderr?: string }).stderr) };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, pid: 1, ...fields });
const LINK = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi';

describe('the scan of a run’s logs for tokens', () => {
  it('when the logs hold only redacted paths and no credential, then it passes and says how many lines it read', () => {
    const r = scan([
      line({ method: 'GET', path: '/sign-in/link/[redacted]', status: 200, route: '/sign-in/link/:token', ms: 3 }),
      line({ method: 'PUT', path: '/api/preferences/[redacted]', status: 200, route: '/x', ms: 2 }),
      line({ msg: 'listening on http://127.0.0.1:3000' }),
    ]);
    expect(r).toEqual({ ok: true, out: 'no secret in 3 log line(s)\n' });
  });

  it.each([
    ['a sign-in link token in a path', line({ path: `/sign-in/link/${LINK}`, route: '/sign-in/link/:token', ms: 1 })],
    ['an unsubscribe token', line({ path: `/unsubscribe/${LINK}?lang=en` })],
    ['a preference token', line({ path: `/api/preferences/${LINK}` })],
    ['an API token', line({ msg: `token dtt_${LINK} issued` })],
    ['a bearer header', line({ headers: { authorization: `Bearer ${LINK}` } })],
  ])('when the logs hold %s, then it fails and names the kind without printing the token whole', (_kind, text) => {
    const r = scan([line({ msg: 'fine' }), text]);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/line 2: /);
    expect(r.out).not.toContain(LINK);
  });

  it('when a token an e-mail carried shows up anywhere in a line, then it fails', () => {
    const token = 'aGVsbG8td29ybGQtdG9rZW4tMDEyMzQ1';
    const r = scan(
      [line({ msg: `sending ${token.slice(0, 8)}` }), line({ err: { message: `bad key ${token}` } })],
      [`http://127.0.0.1:3000/unsubscribe/${token}`],
    );
    expect(r.ok).toBe(false);
    expect(r.out).toContain('line 2: e-mailed token');
  });
});
