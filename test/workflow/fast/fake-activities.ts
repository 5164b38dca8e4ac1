import { ApplicationFailure } from '@temporalio/common';
import type { PersistInput, ReminderInput, EscalationStepInput, StuckInput } from '../../../activities';
import type { DocumentRef, TaskEvent, TaskState } from '../../../domain/task';

/**
 * In-memory stand-ins for the activities the task workflow calls. They do what the real ones do
 * as far as the workflow can tell (an event is stored once per (task, seq); a refused event fails
 * with PERSIST_REFUSED; a ladder step already recorded is not sent again) and keep what they were
 * asked to store or send, so a test reads the outcome: the audit log and read model the workflow
 * would have written, the notices it would have sent.
 */
export class FakeActivities {
  /** The audit log: every stored event by task, in seq order. */
  readonly events = new Map<string, TaskEvent[]>();
  /** The read model: each task's latest stored snapshot. */
  readonly rows = new Map<string, TaskState>();
  /** Reminders sent (per-task reminder policies). */
  readonly reminders: ReminderInput[] = [];
  /** Escalation ladder steps sent. */
  readonly steps: EscalationStepInput[] = [];
  /** The stuck marks the workflow set and cleared, in order. */
  readonly stuckMarks: { action: 'mark' | 'clear'; taskCode: string; seq: number }[] = [];
  /** Localities told that a task became FEASIBLE. */
  readonly loopsClosed: { taskCode: string; document: DocumentRef }[] = [];
  /** Events PostgreSQL would refuse for good, by `${taskCode}:${seq}` (a test clears one to let a repair store it). */
  readonly refuse = new Set<string>();

  eventsOf(code: string): TaskEvent[] {
    return this.events.get(code) ?? [];
  }

  kindsOf(code: string): string[] {
    return this.eventsOf(code).map((e) => e.kind);
  }

  /** Forgets a task's events after `seq` (a restore from an older backup). */
  loseTail(code: string, afterSeq: number): void {
    this.events.set(
      code,
      this.eventsOf(code).filter((e) => e.seq <= afterSeq),
    );
  }

  /** The object handed to the Worker: only the activities the task workflow calls. */
  activities() {
    return {
      persistEvent: async ({ event, snapshot }: PersistInput): Promise<{ duplicate: boolean }> => {
        if (this.refuse.has(`${event.taskCode}:${event.seq}`)) {
          throw ApplicationFailure.create({
            type: 'PERSIST_REFUSED',
            message: 'invalid byte sequence for encoding "UTF8"',
            nonRetryable: true,
          });
        }
        const log = this.eventsOf(event.taskCode);
        if (log.some((e) => e.seq === event.seq)) return { duplicate: true };
        this.events.set(
          event.taskCode,
          [...log, event].sort((a, b) => a.seq - b.seq),
        );
        const row = this.rows.get(event.taskCode);
        if (!row || row.seq < snapshot.seq) this.rows.set(event.taskCode, snapshot);
        return { duplicate: false };
      },
      storedSeqOf: async ({ taskCode }: { taskCode: string }): Promise<{ seq: number }> => ({
        seq: Math.max(0, ...this.eventsOf(taskCode).map((e) => e.seq)),
      }),
      markTaskStuck: async ({ taskCode, seq }: StuckInput): Promise<void> => {
        this.stuckMarks.push({ action: 'mark', taskCode, seq });
      },
      clearTaskStuck: async ({ taskCode, seq }: { taskCode: string; seq: number }): Promise<void> => {
        this.stuckMarks.push({ action: 'clear', taskCode, seq });
      },
      sendReminder: async (input: ReminderInput) => {
        this.reminders.push(input);
        return { status: 'SENT' as const };
      },
      sendEscalationStep: async (input: EscalationStepInput) => {
        const recorded = this.eventsOf(input.task.code).some(
          (e) =>
            e.kind === 'ESCALATION_STEP' &&
            e.details.dueDate === input.task.dueDate &&
            e.details.step === input.step.index,
        );
        if (recorded) return { status: 'SENT' as const, recipients: [], alreadyRecorded: true as const };
        this.steps.push(input);
        return { status: 'SENT' as const, recipients: [input.task.policy.homeAffairsEmail] };
      },
      notifyObstaclesResolved: async (input: { task: { code: string }; document: DocumentRef }) => {
        this.loopsClosed.push({ taskCode: input.task.code, document: input.document });
        return { localities: [] as string[] };
      },
    };
  }
}
