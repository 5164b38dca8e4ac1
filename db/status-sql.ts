import { CLOSED_STATUSES, type TaskStatus } from '../domain/statuses';

/** The names as SQL constants: status names are the table's keys ([A-Z_]), so they are written in as they are. */
function listed(statuses: readonly TaskStatus[]): string {
  return statuses.map((s) => `'${s.replace(/[^A-Z_]/g, '')}'`).join(', ');
}

/**
 * SQL over a status column (`t.status`): the task is open, its status has a due date (the status
 * table's `due`, domain/statuses.ts). With one closed status PostgreSQL reads it as `<> 'FEASIBLE'`.
 */
export function openStatusSql(column: string): string {
  return CLOSED_STATUSES.length === 0 ? 'TRUE' : `${column} NOT IN (${listed(CLOSED_STATUSES)})`;
}

/** SQL over a status column: the task is not open (its status has no due date). */
export function closedStatusSql(column: string): string {
  return CLOSED_STATUSES.length === 0 ? 'FALSE' : `${column} IN (${listed(CLOSED_STATUSES)})`;
}
