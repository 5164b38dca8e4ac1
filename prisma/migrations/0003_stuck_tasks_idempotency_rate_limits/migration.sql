-- Tasks whose next event PostgreSQL refused for good (a permanent error such as 22P02): the
-- workflow holds the event, refuses further changes and waits for an operator's repair
-- (README, "Stuck tasks"). One row per task; gone once the event is stored.
CREATE TABLE "stuck_tasks" (
    "task_code" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "event_kind" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "stuck_tasks_pkey" PRIMARY KEY ("task_code")
);

-- An Idempotency-Key is reserved (with the request's hash) before the request is sent; the answer
-- is filled in when it is known. A reservation whose holder died is taken over after
-- `reserved_until`.
ALTER TABLE "idempotency_records" ALTER COLUMN "status" DROP NOT NULL,
                                  ALTER COLUMN "body" DROP NOT NULL,
                                  ADD COLUMN "reserved_until" TIMESTAMP(3);

-- Request counts per client address and per token in fixed one-minute windows, shared by every
-- API process. Unlogged: counters need no crash safety, and writing them stays cheap.
CREATE UNLOGGED TABLE "rate_limit_hits" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "hits" INTEGER NOT NULL,

    CONSTRAINT "rate_limit_hits_pkey" PRIMARY KEY ("key")
);
