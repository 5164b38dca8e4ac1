/** One document settling many tasks: the batch workflow's input and per-task results. */
import { SETTLED_STATUS } from './statuses';
import type { Actor, SettleInput, TaskStatus } from './task';

/**
 * What settling one task came to: settled now (named as the status it is in, FEASIBLE), settled from
 * the document's effective date (FEASIBLE_FROM), or REFUSED by the task (it changed since the check).
 */
export const SETTLEMENT_OUTCOMES = [SETTLED_STATUS, `${SETTLED_STATUS}_FROM`, 'REFUSED'] as const;
export type SettlementOutcome = (typeof SETTLEMENT_OUTCOMES)[number];

export interface SettlementInput {
  document: SettleInput['document'];
  actor: Actor;
  tasks: string[];
}

export interface SettlementResult {
  task: string;
  outcome: SettlementOutcome;
  status: TaskStatus | null;
  feasibleFrom: string | null;
  message: string | null;
}

export function settlementWorkflowId(documentNumber: string, key: string): string {
  // The key is a digest of the request: a retried request finds the same workflow.
  return `settlement-${documentNumber.replace(/[^A-Za-z0-9-]/g, '_')}-${key}`;
}
