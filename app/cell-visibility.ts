import type { Principal } from '../domain/principal';

/**
 * Which cells a caller reads, in one place for the province matrix and the commune level, the API and the
 * pages: Home Affairs all; a province its own cells and its communes'; a commune its own; a ministry the
 * cells of the tasks it leads or coordinates; everyone else (the public, other provinces and communes)
 * none, only aggregates.
 */
export type CellScope = 'all' | 'none' | { ministry: string };

export function cellScopeOf(p: Principal | null, where: { locality: string; commune?: string }): CellScope {
  if (!p) return 'none';
  if (p.kind === 'home-affairs') return 'all';
  if (p.kind === 'locality' && p.code === where.locality) return 'all';
  if (p.kind === 'commune' && where.commune !== undefined && p.code === where.commune) return 'all';
  if (p.kind === 'ministry') return { ministry: p.code };
  return 'none';
}

/** Whether a scope reads a task's cells (a ministry: those of the tasks it leads or coordinates). */
export function scopeReadsTask(
  scope: CellScope,
  task: { leadMinistry: string; coordinatingMinistries: readonly string[] },
): boolean {
  if (scope === 'all') return true;
  if (scope === 'none') return false;
  return task.leadMinistry === scope.ministry || task.coordinatingMinistries.includes(scope.ministry);
}

/** How an answer names the scope: `cellsVisible` of the locality and commune JSON. */
export function cellsVisibleName(scope: CellScope): 'all' | 'own-tasks' | 'none' {
  return scope === 'all' ? 'all' : scope === 'none' ? 'none' : 'own-tasks';
}
