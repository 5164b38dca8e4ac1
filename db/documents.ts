import { documentNumberKey, type DocumentKind, type LegalDocument } from '../domain/legal-documents';
import type { Db } from './client';

/** A registered document as the API shows it. */
export interface RegisteredDocument extends LegalDocument {
  registeredBy: string;
  registeredAt: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function fromRow(r: {
  number: string;
  kind: string;
  issuer: string;
  title: string;
  issuedOn: Date;
  effectiveOn: Date;
  url: string | null;
  registeredBy: string;
  registeredAt: Date;
}): RegisteredDocument {
  return {
    number: r.number,
    kind: r.kind as DocumentKind,
    issuer: r.issuer,
    title: r.title,
    issuedOn: day(r.issuedOn),
    effectiveOn: day(r.effectiveOn),
    url: r.url,
    registeredBy: r.registeredBy,
    registeredAt: r.registeredAt.toISOString(),
  };
}

export type RegisterOutcome =
  { created: true; document: RegisteredDocument } | { created: false; document: RegisteredDocument };

/**
 * Registers a document and its audit row in one transaction. A number already registered, in any
 * letter case, is not changed: the caller gets the stored document back (and decides whether that is
 * a conflict). Two registrations racing for one number: the unique key lets one in, the other gets it back.
 */
export async function registerDocument(
  db: Db,
  doc: LegalDocument,
  actor: string,
  nowMs = Date.now(),
  extraDetails: Record<string, unknown> = {},
): Promise<RegisterOutcome> {
  const numberKey = documentNumberKey(doc.number);
  try {
    return await db.prisma.$transaction(async (tx) => {
      const existing = await tx.legalDocument.findUnique({ where: { numberKey } });
      if (existing) return { created: false, document: fromRow(existing) } as RegisterOutcome;
      const at = new Date(nowMs);
      const row = await tx.legalDocument.create({
        data: {
          number: doc.number,
          numberKey,
          kind: doc.kind,
          issuer: doc.issuer,
          title: doc.title,
          issuedOn: new Date(`${doc.issuedOn}T00:00:00Z`),
          effectiveOn: new Date(`${doc.effectiveOn}T00:00:00Z`),
          url: doc.url,
          registeredBy: actor,
          registeredAt: at,
        },
      });
      await tx.documentEvent.create({
        data: { documentNumber: doc.number, at, actor, kind: 'REGISTERED', details: { ...doc, ...extraDetails } },
      });
      return { created: true, document: fromRow(row) } as RegisterOutcome;
    });
  } catch (err) {
    // P2002: another registration of the same key committed first; that one is the document.
    if ((err as { code?: string }).code !== 'P2002') throw err;
    const stored = await getDocument(db, doc.number);
    if (!stored) throw err;
    return { created: false, document: stored };
  }
}

/** The registered document with this number in any letter case (`42/2026/tt-byt` finds `42/2026/TT-BYT`). */
export async function getDocument(db: Db, number: string): Promise<RegisteredDocument | null> {
  const row = await db.prisma.legalDocument.findUnique({ where: { numberKey: documentNumberKey(number) } });
  return row ? fromRow(row) : null;
}

export interface DocumentQuery {
  q?: string;
  issuer?: string;
  kind?: DocumentKind;
  page: number;
  limit: number;
}

/** Documents newest first, filtered by issuer, kind and words in the number or title. */
export async function listDocuments(
  db: Db,
  query: DocumentQuery,
): Promise<{ items: RegisteredDocument[]; total: number; page: number; limit: number }> {
  const words = (query.q ?? '').trim().split(/\s+/).filter(Boolean);
  const where = {
    mergedInto: null,
    ...(query.issuer ? { issuer: query.issuer } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    AND: words.map((w) => ({
      OR: [
        { number: { contains: w, mode: 'insensitive' as const } },
        { title: { contains: w, mode: 'insensitive' as const } },
      ],
    })),
  };
  const [rows, total] = await Promise.all([
    db.prisma.legalDocument.findMany({
      where,
      orderBy: [{ issuedOn: 'desc' }, { number: 'asc' }],
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    }),
    db.prisma.legalDocument.count({ where }),
  ]);
  return { items: rows.map(fromRow), total, page: query.page, limit: query.limit };
}

/**
 * The document's SETTLEMENT_STARTED event for the settlement workflow `settlement`, once: a retried
 * or repeated request that reaches the same workflow (the same document, tasks and key) adds no
 * second event. Two at once are serialised by a lock on the settlement's id.
 */
export async function recordSettlementStarted(
  db: Db,
  number: string,
  actor: string,
  settlement: string,
  tasks: string[],
  nowMs = Date.now(),
): Promise<void> {
  await db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('settlement-started'), hashtext(${settlement}))`;
    const seen = await tx.documentEvent.findFirst({
      where: {
        documentNumber: number,
        kind: 'SETTLEMENT_STARTED',
        details: { path: ['settlement'], equals: settlement },
      },
      select: { id: true },
    });
    if (seen) return;
    await tx.documentEvent.create({
      data: {
        documentNumber: number,
        at: new Date(nowMs),
        actor,
        kind: 'SETTLEMENT_STARTED',
        details: { settlement, tasks },
      },
    });
  });
}

/** The document's audit log, oldest first. */
export async function documentHistory(db: Db, number: string) {
  const rows = await db.prisma.documentEvent.findMany({ where: { documentNumber: number }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    at: r.at.toISOString(),
    actor: r.actor,
    kind: r.kind,
    details: r.details as Record<string, unknown>,
  }));
}

/** The current status, lead ministry and pending effective date of each of `codes` that exists. */
export async function settlementTargets(db: Db, codes: string[]) {
  const rows = await db.prisma.task.findMany({
    where: { code: { in: codes } },
    select: { code: true, status: true, leadMinistryCode: true, feasibleFrom: true, documents: true },
  });
  return new Map(
    rows.map((r) => [
      r.code,
      {
        status: r.status,
        leadMinistry: r.leadMinistryCode,
        feasibleFrom: r.feasibleFrom ? day(r.feasibleFrom) : null,
        /** In the form numbers are compared in (documentNumberKey). */
        documentKeys: (Array.isArray(r.documents) ? (r.documents as { number?: string }[]) : []).map((d) =>
          documentNumberKey(d.number ?? ''),
        ),
      },
    ]),
  );
}

/** The registry's link of each of `numbers` that is registered with one. */
export async function documentLinks(db: Db, numbers: string[]): Promise<Map<string, string>> {
  if (numbers.length === 0) return new Map();
  const keys = new Map(numbers.map((n) => [documentNumberKey(n), n]));
  const rows = await db.prisma.legalDocument.findMany({
    where: { numberKey: { in: [...keys.keys()] }, url: { not: null } },
    select: { numberKey: true, url: true },
  });
  return new Map(rows.map((r) => [keys.get(r.numberKey as string) as string, r.url as string]));
}
