import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@prisma/client';
import { sqlPool } from './db';

/** `home-affairs`, `ministry:<CODE>`, `locality:<CODE>` or `public`. */
export type PrincipalName = string;

export type Principal =
  | { kind: 'home-affairs'; name: 'home-affairs' }
  | { kind: 'ministry'; code: string; name: PrincipalName }
  | { kind: 'locality'; code: string; name: PrincipalName }
  | { kind: 'public'; name: 'public' };

export function parsePrincipal(name: string): Principal | null {
  if (name === 'home-affairs') return { kind: 'home-affairs', name };
  if (name === 'public') return { kind: 'public', name };
  const m = /^(ministry|locality):([A-Z][A-Z0-9]{1,15})$/.exec(name);
  if (!m) return null;
  return { kind: m[1] as 'ministry' | 'locality', code: m[2] as string, name };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Issues a new token for a principal; only its hash is stored. */
export async function issueToken(prisma: PrismaClient, principal: PrincipalName, label = ''): Promise<string> {
  if (!parsePrincipal(principal)) throw new Error(`Unknown principal "${principal}" (home-affairs, ministry:<CODE>, locality:<CODE>, public).`);
  const token = `dtt_${crypto.randomBytes(24).toString('base64url')}`;
  await prisma.apiToken.create({ data: { principal, tokenHash: hashToken(token), label } });
  return token;
}

/** Revokes one token (by its value) or every token of a principal. Returns how many were revoked. */
export async function revokeTokens(prisma: PrismaClient, which: { token?: string; principal?: PrincipalName }): Promise<number> {
  const where = which.token ? { tokenHash: hashToken(which.token) } : { principal: which.principal };
  const r = await prisma.apiToken.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: new Date() } });
  // This process forgets at once; other API processes within their TOKEN_CACHE_SECONDS.
  trusted.clear();
  return r.count;
}

/** Tokens found valid, by hash, until when (ms). Unknown tokens are never cached. */
const trusted = new Map<string, { principal: Principal; until: number }>();
const TRUSTED_MAX = 10_000;

/**
 * Every API request asks this: one indexed lookup (a prepared statement), or none while a token
 * found valid less than `cacheMs` ago is trusted.
 */
export async function principalForToken(prisma: PrismaClient, token: string, cacheMs = 0): Promise<Principal | null> {
  const hash = hashToken(token);
  const now = Date.now();
  const hit = trusted.get(hash);
  if (hit && hit.until > now) return hit.principal;
  const { rows } = await sqlPool(prisma).query<{ principal: string }>({
    name: 'principal-for-token',
    text: 'SELECT principal FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    values: [hash],
  });
  const principal = rows[0] ? parsePrincipal(rows[0].principal) : null;
  if (!principal) trusted.delete(hash);
  else if (cacheMs > 0) {
    if (trusted.size >= TRUSTED_MAX) trusted.delete(trusted.keys().next().value as string);
    trusted.set(hash, { principal, until: now + cacheMs });
  }
  return principal;
}

/**
 * The embedded default's development tokens: one per principal, written to
 * `<dataDir>/dev-tokens.json`. Kept across restarts while they are still valid.
 */
export async function ensureDevTokens(
  prisma: PrismaClient,
  dataDir: string,
  ministries: string[],
  localities: string[],
): Promise<{ file: string; created: boolean }> {
  const file = path.join(dataDir, 'dev-tokens.json');
  const principals = ['home-affairs', 'public', ...ministries.map((c) => `ministry:${c}`), ...localities.map((c) => `locality:${c}`)];
  if (fs.existsSync(file)) {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    let valid = true;
    for (const p of principals) {
      const t = existing[p];
      if (!t || (await principalForToken(prisma, t))?.name !== p) {
        valid = false;
        break;
      }
    }
    if (valid) return { file, created: false };
  }
  const tokens: Record<string, string> = {};
  for (const p of principals) tokens[p] = await issueToken(prisma, p, 'dev-tokens.json');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { file, created: true };
}
