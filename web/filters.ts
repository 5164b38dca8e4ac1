import type { Request } from 'express';
import { code, status, text } from '../app/schemas';
import type { TaskStatus } from '../domain/task';

export interface PublicFilters {
  q?: string;
  status?: TaskStatus;
  ministry?: string;
  overdue?: boolean;
}

/** The query string of a filtered list (also the open-data downloads' query). */
export function filterQuery(f: PublicFilters): Record<string, string | undefined> {
  return { q: f.q, status: f.status, ministry: f.ministry, overdue: f.overdue ? 'true' : undefined };
}

export function listHref(base: string, f: PublicFilters, anchor = '#tasks'): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filterQuery(f))) if (v) q.set(k, v);
  const s = q.toString();
  return `${base}${s ? `?${s}` : ''}${anchor}`;
}

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
