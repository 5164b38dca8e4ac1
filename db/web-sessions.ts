import crypto from 'node:crypto';
import { parsePrincipal, type Principal } from '../domain/principal';
import type { Db } from './client';

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const randomId = () => crypto.randomBytes(32).toString('base64url');

export interface WebSession {
  /** The cookie value (never stored). */
  id: string;
  principal: Principal;
  expiresAt: Date;
}

/**
 * Opens a session for a principal: a new random id every time, so signing in always renews the
 * id (a session fixed before sign-in is worthless). `tokenHash` ties it to the API token used.
 */
export async function openSession(
  db: Db,
  principal: Principal,
  lifetimeMs: number,
  tokenHash: string | null = null,
): Promise<WebSession> {
  const id = randomId();
  const expiresAt = new Date(Date.now() + lifetimeMs);
  await db.prisma.webSession.create({ data: { idHash: sha256(id), principal: principal.name, tokenHash, expiresAt } });
  // Expired rows of anyone are dropped on the way (sign-ins are rare; this keeps the table small).
  await db.prisma.webSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { id, principal, expiresAt };
}

/**
 * The principal of a live session, or null (unknown, expired, or opened with a token revoked
 * since). Asked on every page request: one prepared statement.
 */
export async function sessionPrincipal(db: Db, id: string): Promise<Principal | null> {
  const { rows } = await db.pool.query<{ principal: string }>({
    name: 'web-session-principal',
    text: `SELECT s.principal FROM web_sessions s
             LEFT JOIN api_tokens t ON t.token_hash = s.token_hash
            WHERE s.id_hash = $1 AND s.expires_at > now()
              AND (s.token_hash IS NULL OR (t.token_hash IS NOT NULL AND t.revoked_at IS NULL))`,
    values: [sha256(id)],
  });
  return rows[0] ? parsePrincipal(rows[0].principal) : null;
}

export async function closeSession(db: Db, id: string): Promise<void> {
  await db.prisma.webSession.deleteMany({ where: { idHash: sha256(id) } });
}

/** Stores a sign-in link for `principal`; returns the token to put in the e-mailed URL. */
export async function createSignInLink(
  db: Db,
  principal: Principal,
  email: string,
  lifetimeMs: number,
): Promise<string> {
  // 192 bits, 32 characters: the whole link fits on one line of a plain-text e-mail.
  const token = crypto.randomBytes(24).toString('base64url');
  await db.prisma.signInLink.create({
    data: { tokenHash: sha256(token), principal: principal.name, email, expiresAt: new Date(Date.now() + lifetimeMs) },
  });
  await db.prisma.signInLink.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 24 * 3600_000) } } });
  return token;
}

/** Whether a link can still be used (the confirmation page asks before spending it). */
export async function signInLinkUsable(db: Db, token: string): Promise<boolean> {
  const n = await db.prisma.signInLink.count({
    where: { tokenHash: sha256(token), usedAt: null, expiresAt: { gt: new Date() } },
  });
  return n === 1;
}

/** Spends a link: exactly one caller gets its principal, once, before it expires. */
export async function useSignInLink(db: Db, token: string): Promise<Principal | null> {
  const { rows } = await db.pool.query<{ principal: string }>(
    `UPDATE sign_in_links SET used_at = now()
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING principal`,
    [sha256(token)],
  );
  return rows[0] ? parsePrincipal(rows[0].principal) : null;
}

/**
 * Who an e-mail address belongs to: Home Affairs' address, a locality's focal point (its contact
 * address, from the catalog catalog/locality-focal-points.csv), a commune's (communes.contact_email), or a focal point named on tasks (the
 * ministry leading them), in that order. Null for an unknown address, or one that belongs
 * to more than one ministry, or more than one locality (ambiguous: that person signs in with a token).
 */
export async function principalForEmail(db: Db, email: string, homeAffairsEmail: string): Promise<Principal | null> {
  const address = email.trim().toLowerCase();
  if (address === homeAffairsEmail.toLowerCase()) return parsePrincipal('home-affairs');
  // A locality's contact address (the catalog's) answers before focal points named on tasks: a task
  // naming it (before such names were refused, or by Home Affairs) does not lock the locality out.
  const { rows: localities } = await db.pool.query<{ principal: string }>(
    `SELECT 'locality:' || code AS principal FROM localities WHERE lower(contact_email) = $1`,
    [address],
  );
  if (localities.length > 0) return localities.length === 1 ? parsePrincipal(localities[0]?.principal as string) : null;
  // A commune's focal point (its contact address; commune rounds e-mail it a link to its page).
  const { rows: communes } = await db.pool.query<{ principal: string }>(
    `SELECT 'commune:' || code AS principal FROM communes WHERE lower(contact_email) = $1`,
    [address],
  );
  if (communes.length > 0) return communes.length === 1 ? parsePrincipal(communes[0]?.principal as string) : null;
  const { rows } = await db.pool.query<{ principal: string }>(
    `SELECT DISTINCT 'ministry:' || lead_ministry_code AS principal FROM tasks WHERE lower(focal_point_email) = $1`,
    [address],
  );
  if (rows.length !== 1) return null;
  return parsePrincipal(rows[0]?.principal as string);
}

/**
 * Who other than ministry `ministry` answers for an e-mail address: Home Affairs, a locality (its
 * contact address) or another ministry (a focal point on a task it leads). A ministry may name as its
 * focal point only an address nobody else answers for: otherwise principalForEmail finds the address
 * ambiguous and that person's sign-in by e-mail stops sending links. Null when nobody else does.
 */
export async function otherPrincipalForEmail(
  db: Db,
  email: string,
  ministry: string,
  homeAffairsEmail: string,
): Promise<string | null> {
  const address = email.trim().toLowerCase();
  if (address === homeAffairsEmail.toLowerCase()) return 'home-affairs';
  const { rows } = await db.pool.query<{ principal: string }>(
    `SELECT 'locality:' || code AS principal FROM localities WHERE lower(contact_email) = $1
     UNION SELECT DISTINCT 'ministry:' || lead_ministry_code FROM tasks
      WHERE lower(focal_point_email) = $1 AND lead_ministry_code <> $2
     ORDER BY 1 LIMIT 1`,
    [address, ministry],
  );
  return rows[0]?.principal ?? null;
}
