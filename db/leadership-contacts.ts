import type { Db } from './client';

export interface LeadershipContact {
  ministry: string;
  name: string;
  position: string;
  email: string;
  /** Seeded, not from the reference data: shown, but not used for sending until edited. */
  illustrative: boolean;
  updatedAt: string;
  updatedBy: string;
}

const view = (r: {
  ministryCode: string;
  name: string;
  position: string;
  email: string;
  illustrative: boolean;
  updatedAt: Date;
  updatedBy: string;
}): LeadershipContact => ({
  ministry: r.ministryCode,
  name: r.name,
  position: r.position,
  email: r.email,
  illustrative: r.illustrative,
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
});

/** An illustrative contact for each ministry that has none (the reference data names no leadership). */
export async function seedIllustrativeLeadershipContacts(db: Db, ministries: string[]): Promise<void> {
  if (ministries.length === 0) return;
  await db.prisma.ministryLeadershipContact.createMany({
    data: ministries.map((code) => ({
      ministryCode: code,
      name: `Văn phòng ${code} (minh hoạ)`,
      position: 'Lãnh đạo bộ phụ trách (minh hoạ)',
      email: `lanhdao@${code.toLowerCase()}.gov.example`,
      illustrative: true,
    })),
    skipDuplicates: true,
  });
}

export async function listLeadershipContacts(db: Db): Promise<LeadershipContact[]> {
  return (await db.prisma.ministryLeadershipContact.findMany({ orderBy: { ministryCode: 'asc' } })).map(view);
}

export async function leadershipContactOf(db: Db, ministry: string): Promise<LeadershipContact | null> {
  const r = await db.prisma.ministryLeadershipContact.findUnique({ where: { ministryCode: ministry } });
  return r ? view(r) : null;
}

/** Sets a ministry's contact (no longer illustrative); null when there is no such ministry. */
export async function setLeadershipContact(
  db: Db,
  ministry: string,
  contact: { name: string; position: string; email: string },
  by: string,
): Promise<LeadershipContact | null> {
  const exists = await db.prisma.ministry.findUnique({ where: { code: ministry }, select: { code: true } });
  if (!exists) return null;
  const data = { ...contact, illustrative: false, updatedAt: new Date(), updatedBy: by };
  return view(
    await db.prisma.ministryLeadershipContact.upsert({
      where: { ministryCode: ministry },
      create: { ministryCode: ministry, ...data },
      update: data,
    }),
  );
}
