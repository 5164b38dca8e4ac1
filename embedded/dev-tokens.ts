import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client';
import { issueToken, principalForToken } from '../db/tokens';

/**
 * The embedded default's development tokens: one per principal, written to
 * `<dataDir>/dev-tokens.json`. Kept across restarts while they are still valid.
 */
export async function ensureDevTokens(
  db: Db,
  dataDir: string,
  ministries: string[],
  localities: string[],
): Promise<{ file: string; created: boolean }> {
  const file = path.join(dataDir, 'dev-tokens.json');
  const principals = [
    'home-affairs',
    'public',
    ...ministries.map((c) => `ministry:${c}`),
    ...localities.map((c) => `locality:${c}`),
  ];
  if (fs.existsSync(file)) {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    let valid = true;
    for (const p of principals) {
      const t = existing[p];
      if (!t || (await principalForToken(db, t))?.name !== p) {
        valid = false;
        break;
      }
    }
    if (valid) return { file, created: false };
  }
  const tokens: Record<string, string> = {};
  for (const p of principals) tokens[p] = await issueToken(db, p, 'dev-tokens.json');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { file, created: true };
}
