import type { Request } from 'express';
import { code, status, text } from '../api/schemas';
import type { PublicFilters } from './pages/public-page';

/**
 * The list filters from a page's query string, validated by the API's own schemas. A value that
 * does not parse is dropped (a hand-edited URL shows the unfiltered list rather than an error).
 */
export function listFilters(req: Request): PublicFilters & { page: number } {
  const one = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);
  const q = text(200).safeParse(one('q')?.trim() || undefined);
  const s = status.safeParse(one('status') || undefined);
  const m = code.safeParse(one('ministry') || undefined);
  const page = Number(one('page') ?? '1');
  return {
    q: q.success && q.data ? q.data : undefined,
    status: s.success ? s.data : undefined,
    ministry: m.success ? m.data : undefined,
    overdue: one('overdue') === 'true' ? true : undefined,
    page: Number.isInteger(page) && page >= 1 && page <= 100000 ? page : 1,
  };
}
