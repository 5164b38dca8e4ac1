import type { Db } from './client';
import { seedIllustrativeLeadershipContacts } from './leadership-contacts';

export interface MinistryRow {
  code: string;
  name: string;
  /** The Vietnamese name (reference data nameVi). */
  nameVi: string;
  delegates: boolean;
  role: string | null;
}

export interface LocalityRow {
  code: string;
  name: string;
  nameVi: string;
  kind: string;
  /** When it sent its assessment (set on first load only; reports filed since are kept). */
  reportedAt: Date | null;
  /** Where reminders and notices go; a load fills it only where it is empty. */
  contactEmail: string;
}

/** Upserts ministries and localities in one transaction (idempotent; keeps reports filed since). */
export async function upsertReferenceData(
  db: Db,
  data: { ministries: MinistryRow[]; localities: LocalityRow[] },
): Promise<void> {
  const { prisma } = db;
  await prisma.$transaction([
    ...data.ministries.map((m) =>
      prisma.ministry.upsert({
        where: { code: m.code },
        create: m,
        update: { name: m.name, nameVi: m.nameVi, delegates: m.delegates },
      }),
    ),
    ...data.localities.map((l) =>
      prisma.locality.upsert({
        where: { code: l.code },
        create: l,
        update: { name: l.name, nameVi: l.nameVi, kind: l.kind },
      }),
    ),
    ...data.localities.map((l) =>
      prisma.locality.updateMany({ where: { code: l.code, contactEmail: '' }, data: { contactEmail: l.contactEmail } }),
    ),
  ]);
  await seedIllustrativeLeadershipContacts(
    db,
    data.ministries.map((m) => m.code),
  );
}

export async function listMinistries(db: Db): Promise<MinistryRow[]> {
  return db.prisma.ministry.findMany({ orderBy: { code: 'asc' } });
}

export async function listLocalities(db: Db): Promise<LocalityRow[]> {
  return db.prisma.locality.findMany({ orderBy: { code: 'asc' } });
}

/** Which of `codes` are known ministries. */
export async function knownMinistryCodes(db: Db, codes: string[]): Promise<Set<string>> {
  const found = await db.prisma.ministry.findMany({ where: { code: { in: codes } }, select: { code: true } });
  return new Set(found.map((f) => f.code));
}

export async function allMinistryCodes(db: Db): Promise<Set<string>> {
  return new Set((await db.prisma.ministry.findMany({ select: { code: true } })).map((m) => m.code));
}

export async function localityExists(db: Db, code: string): Promise<boolean> {
  return (await db.prisma.locality.findUnique({ where: { code }, select: { code: true } })) !== null;
}

/** A name in both languages; `vi` is empty for a row loaded before migration 0120 until the next load. */
export interface PlaceName {
  vi: string;
  en: string;
}

/** Every ministry's and locality's name in both languages, by code (two small tables), for e-mails. */
export async function placeNames(
  db: Db,
): Promise<{ ministries: Map<string, PlaceName>; localities: Map<string, PlaceName> }> {
  const [m, l] = await Promise.all([
    db.pool.query<{ code: string; name: string; name_vi: string }>('SELECT code, name, name_vi FROM ministries'),
    db.pool.query<{ code: string; name: string; name_vi: string }>('SELECT code, name, name_vi FROM localities'),
  ]);
  const byCode = (rows: { code: string; name: string; name_vi: string }[]) =>
    new Map(rows.map((r) => [r.code, { vi: r.name_vi || r.name, en: r.name }]));
  return { ministries: byCode(m.rows), localities: byCode(l.rows) };
}
