-- The localities × tasks matrix, its audited history, and reporting rounds (issue 13).

-- Where a task applies: NULL means every locality; otherwise the listed locality codes.
-- (tasks.level is text; 'both' joins 'province' and 'commune'.)
ALTER TABLE "tasks" ADD COLUMN "applies_to" TEXT[];

-- Where a locality's reminders and closing-the-loop notices go.
ALTER TABLE "localities" ADD COLUMN "contact_email" TEXT NOT NULL DEFAULT '';

-- One row per (locality, task) that somebody has written; a cell without a row is NOT_STARTED.
CREATE TABLE "locality_cells" (
    "locality_code" TEXT NOT NULL,
    "task_code" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "category" TEXT,
    "text" TEXT NOT NULL DEFAULT '',
    "changed_at" TIMESTAMP(3) NOT NULL,
    "changed_by" TEXT NOT NULL,
    "resolved_by" JSONB,
    "last_seq" INTEGER NOT NULL,
    "last_hash" TEXT NOT NULL,
    -- The cell as the matrix shows it (JSON), written with the cell so reads concatenate ready text.
    "rendered" TEXT NOT NULL,

    CONSTRAINT "locality_cells_pkey" PRIMARY KEY ("locality_code", "task_code"),
    CONSTRAINT "locality_cells_state_check" CHECK ("state" IN ('NOT_STARTED', 'IMPLEMENTING', 'WORKABLE', 'OBSTACLE')),
    CONSTRAINT "locality_cells_category_check" CHECK (
      ("state" = 'OBSTACLE' AND "category" IN ('LEGAL_BASIS', 'AUTHORITY', 'STAFFING', 'FACILITIES', 'IT_DATA', 'FINANCE', 'OTHER'))
      OR ("state" <> 'OBSTACLE' AND "category" IS NULL))
);
CREATE INDEX "locality_cells_task_code_idx" ON "locality_cells"("task_code");
CREATE INDEX "locality_cells_obstacle_idx" ON "locality_cells"("category") WHERE "state" = 'OBSTACLE';
ALTER TABLE "locality_cells" ADD CONSTRAINT "locality_cells_task_code_fkey" FOREIGN KEY ("task_code") REFERENCES "tasks"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "locality_cells" ADD CONSTRAINT "locality_cells_locality_code_fkey" FOREIGN KEY ("locality_code") REFERENCES "localities"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A cell's history, append-only and hash-chained per cell like a task's audit_events.
CREATE TABLE "cell_events" (
    "id" BIGSERIAL NOT NULL,
    "task_code" TEXT NOT NULL,
    "locality_code" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "cell_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "cell_events_task_code_locality_code_seq_key" ON "cell_events"("task_code", "locality_code", "seq");
ALTER TABLE "cell_events" ADD CONSTRAINT "cell_events_cell_fkey" FOREIGN KEY ("locality_code", "task_code") REFERENCES "locality_cells"("locality_code", "task_code") ON DELETE RESTRICT ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;

CREATE TRIGGER cell_events_no_update_delete
  BEFORE UPDATE OR DELETE ON cell_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER cell_events_no_truncate
  BEFORE TRUNCATE ON cell_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- A reporting round: Home Affairs asks every locality for its report by a due date.
CREATE TABLE "reporting_rounds" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "opened_on" DATE NOT NULL,
    "due_date" DATE NOT NULL,
    "closes_on" DATE NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "extensions" INTEGER NOT NULL DEFAULT 0,
    "closed_at" TIMESTAMP(3),
    "closed_early" BOOLEAN NOT NULL DEFAULT false,
    "close_reason" TEXT,
    -- Frozen at close: how many of how many localities had reported.
    "reported_count" INTEGER,
    "total_count" INTEGER,
    "note" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reporting_rounds_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "reporting_rounds_status_check" CHECK ("status" IN ('OPEN', 'CLOSED')),
    CONSTRAINT "reporting_rounds_kind_check" CHECK ("kind" IN ('SEED', 'MONTHLY', 'EXTRA'))
);
CREATE INDEX "reporting_rounds_status_idx" ON "reporting_rounds"("status");

-- Who was asked in a round, and when each reported (null: not yet; frozen once the round closes).
CREATE TABLE "round_localities" (
    "round_id" TEXT NOT NULL,
    "locality_code" TEXT NOT NULL,
    "reported_at" TIMESTAMP(3),
    "last_report_at" TIMESTAMP(3),
    "cells_reported" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "round_localities_pkey" PRIMARY KEY ("round_id", "locality_code")
);
CREATE INDEX "round_localities_locality_code_idx" ON "round_localities"("locality_code");
ALTER TABLE "round_localities" ADD CONSTRAINT "round_localities_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "reporting_rounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "round_localities" ADD CONSTRAINT "round_localities_locality_code_fkey" FOREIGN KEY ("locality_code") REFERENCES "localities"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The outbox also carries round reminders and closing-the-loop notices, which belong to a locality
-- (and a round) rather than to one task.
ALTER TABLE "notifications" ALTER COLUMN "task_code" DROP NOT NULL;
ALTER TABLE "notifications" ADD COLUMN "round_id" TEXT;
ALTER TABLE "notifications" ADD COLUMN "locality_code" TEXT;
