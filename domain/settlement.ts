/** One document settling many tasks: the batch workflow's input and per-task results. */
import type { Actor, SettleInput, TaskStatus } from './task';

export interface SettlementInput {
  document: SettleInput['document'];
  actor: Actor;
  tasks: string[];
}

export interface SettlementResult {
  task: string;
  /** FEASIBLE now, FEASIBLE_FROM the effective date, or REFUSED by the task (it changed since the check). */
  outcome: 'FEASIBLE' | 'FEASIBLE_FROM' | 'REFUSED';
  status: TaskStatus | null;
  feasibleFrom: string | null;
  message: string | null;
}

export function settlementWorkflowId(documentNumber: string, key: string): string {
  // The key is a digest of the request: a retried request finds the same workflow.
  return `settlement-${documentNumber.replace(/[^A-Za-z0-9-]/g, '_')}-${key}`;
}
