/**
 * Each ministry's leadership contact, the escalation ladder's "ministry-leadership" step (issue 15):
 * Home Affairs sees and edits them, through the API and the dashboard's page alike.
 */
import { z } from 'zod';
import type { Db } from '../db/client';
import { setLeadershipContact, type LeadershipContact } from '../db/leadership-contacts';
import type { Principal } from '../domain/principal';
import { forbidden, notFound } from '../domain/refusal';
import { email, requiredText, text } from './schemas';

export const leadershipContactBody = z.strictObject({
  name: requiredText(200),
  position: text(200).default(''),
  email,
});
export type LeadershipContactChange = z.output<typeof leadershipContactBody>;

export const leadershipContactResponse = z.object({
  ministry: z.string(),
  name: z.string(),
  position: z.string(),
  email: z.string(),
  illustrative: z
    .boolean()
    .meta({ description: 'seeded, not from the reference data: not used for sending until edited' }),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export function requireHomeAffairs(p: Principal): void {
  if (p.kind !== 'home-affairs')
    throw forbidden('Only Home Affairs sees and edits the ministries’ leadership contacts.');
}

/** Sets `ministry`'s contact as Home Affairs; 403 for anyone else, 404 for an unknown ministry. */
export async function changeLeadershipContact(
  db: Db,
  p: Principal,
  ministry: string,
  change: LeadershipContactChange,
): Promise<LeadershipContact> {
  requireHomeAffairs(p);
  const saved = await setLeadershipContact(db, ministry, change, p.name);
  if (!saved) throw notFound(`There is no ministry ${ministry}.`);
  return saved;
}
