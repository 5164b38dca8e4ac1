import crypto from 'node:crypto';
import { parsePrincipal, type Principal, type PrincipalName } from '../domain/principal';
import type { Db } from './client';

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Issues a new token for a principal; only its hash is stored. */
export async function issueToken(db: Db, principal: PrincipalName, label = ''): Promise<string> {
  if (!parsePrincipal(principal))
    throw new Error(
      `Unknown principal "${principal}" (home-affairs, ministry:<CODE>, locality:<CODE>, commune:<5-digit code>, public).`,
    );
  const token = `dtt_${crypto.randomBytes(24).toString('base64url')}`;
  await db.prisma.apiToken.create({ data: { principal, tokenHash: hashToken(token), label } });
  return token;
}

/** Revokes one token (by its value) or every token of a principal. Returns how many were revoked. */
export async function revokeTokens(db: Db, which: { token?: string; principal?: PrincipalName }): Promise<number> {
  const where = which.token ? { tokenHash: hashToken(which.token) } : { principal: which.principal };
  const r = await db.prisma.apiToken.updateMany({
    where: { ...where, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  // This process forgets at once; other API processes within their TOKEN_CACHE_SECONDS.
  trusted.clear();
  return r.count;
}

/** Tokens found valid, by hash, until when (ms). Unknown tokens are never cached. */
const trusted = new Map<string, { principal: Principal; until: number }>();
const TRUSTED_MAX = 10_000;

/** The principal of a token (by hash) found valid less than its cache time ago; undefined: ask PostgreSQL. */
export function trustedPrincipal(hash: string, now = Date.now()): Principal | undefined {
  const hit = trusted.get(hash);
  return hit && hit.until > now ? hit.principal : undefined;
}

/**
 * Every API request asks this: one indexed lookup (a prepared statement), or none while a token
 * found valid less than `cacheMs` ago is trusted.
 */
export async function principalForToken(db: Db, token: string, cacheMs = 0): Promise<Principal | null> {
  return principalForTokenHash(db, hashToken(token), cacheMs);
}

/** `principalForToken` for a token already hashed (`hashToken`). */
export async function principalForTokenHash(db: Db, hash: string, cacheMs = 0): Promise<Principal | null> {
  const now = Date.now();
  const hit = trustedPrincipal(hash, now);
  if (hit) return hit;
  const { rows } = await db.pool.query<{ principal: string }>({
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

/** How many valid tokens each principal has, by principal name. */
export async function countValidTokens(db: Db): Promise<{ principal: PrincipalName; count: number }[]> {
  const rows = await db.prisma.apiToken.groupBy({
    by: ['principal'],
    where: { revokedAt: null },
    _count: { _all: true },
    orderBy: { principal: 'asc' },
  });
  return rows.map((r) => ({ principal: r.principal, count: r._count._all }));
}
