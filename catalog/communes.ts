import { z } from 'zod';
import reference from './reference.json';

/**
 * The 3,321 commune-level units under the 34 provinces and cities, read from the General
 * Statistics Office's list as the `vietnam-provinces` package publishes it (nested-divisions.json:
 * provinces with their wards). The tracker's localities keep their own three-letter codes; each is
 * matched to its official province by its Vietnamese name, and a unit keeps its official code.
 */

export type CommuneKind = 'xa' | 'phuong' | 'dac-khu';

export interface Commune {
  /** The official code of the unit (GSO), as text of five digits, e.g. "00070". */
  code: string;
  /** The tracker's code of the province or city it belongs to, e.g. "HNI". */
  locality: string;
  /** The official code of its province (GSO), e.g. "01". */
  provinceCode: string;
  nameVi: string;
  kind: CommuneKind;
  /** Its focal point's address: ILLUSTRATIVE (communeFocalPointEmail), for round notices and sign-in links. */
  contactEmail: string;
}

/**
 * A commune's focal-point address. ILLUSTRATIVE: the official list and the report of 6 December 2025
 * publish no addresses, so each unit gets a placeholder under the reserved .example domain, as the
 * localities do (catalog/locality-focal-points.csv). A deployment sets real ones in `communes.contact_email`;
 * later loads keep an address that is set.
 */
export function communeFocalPointEmail(code: string): string {
  return `office.${code}@communes.example`;
}

const KINDS: Record<string, CommuneKind> = { xã: 'xa', phường: 'phuong', 'đặc khu': 'dac-khu' };

const divisionsSchema = z
  .array(
    z.object({
      name: z.string().min(1),
      code: z.number().int().positive(),
      wards: z.array(
        z.object({
          name: z.string().min(1),
          code: z.number().int().positive(),
          division_type: z.string(),
        }),
      ),
    }),
  )
  .min(1);

/** "Thành phố Hồ Chí Minh", "Tỉnh Cà Mau" and "Cà Mau" compare alike: the name without its kind, NFC, lower case. */
export function provinceNameKey(name: string): string {
  return name
    .normalize('NFC')
    .replace(/^(thành phố|tỉnh)\s+/iu, '')
    .trim()
    .toLocaleLowerCase('vi');
}

export class CommuneDataError extends Error {}

/**
 * Parses the official list and ties each province to a tracker locality. Refuses a list that does
 * not name each of the 34 localities exactly once, a unit of an unknown kind, or a code given twice:
 * the commune level is only as good as this join.
 */
export function parseCommunes(
  text: string,
  localities: ReadonlyArray<{ code: string; nameVi: string }> = reference.localities,
): Commune[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CommuneDataError(`the commune list is not JSON: ${(err as Error).message}`);
  }
  const parsed = divisionsSchema.safeParse(raw);
  if (!parsed.success)
    throw new CommuneDataError(
      `the commune list has an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  const byName = new Map(localities.map((l) => [provinceNameKey(l.nameVi), l.code]));
  const matched = new Set<string>();
  const communes: Commune[] = [];
  const seen = new Set<string>();
  for (const province of parsed.data) {
    const locality = byName.get(provinceNameKey(province.name));
    if (!locality)
      throw new CommuneDataError(`province ${province.code} ${province.name} matches no locality of reference.json`);
    if (matched.has(locality)) throw new CommuneDataError(`two provinces of the list match locality ${locality}`);
    matched.add(locality);
    const provinceCode = String(province.code).padStart(2, '0');
    for (const ward of province.wards) {
      const kind = KINDS[ward.division_type.normalize('NFC')];
      if (!kind)
        throw new CommuneDataError(`unit ${ward.code} ${ward.name} has an unknown kind "${ward.division_type}"`);
      const code = String(ward.code).padStart(5, '0');
      if (seen.has(code)) throw new CommuneDataError(`unit code ${code} appears twice`);
      seen.add(code);
      communes.push({
        code,
        locality,
        provinceCode,
        nameVi: ward.name.normalize('NFC'),
        kind,
        contactEmail: communeFocalPointEmail(code),
      });
    }
  }
  const missing = localities.filter((l) => !matched.has(l.code)).map((l) => l.code);
  if (missing.length) throw new CommuneDataError(`the list has no province for ${missing.join(', ')}`);
  return communes;
}
