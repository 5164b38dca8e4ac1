-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('REQUIRES_GUIDANCE', 'AUTHORITY_ADJUSTMENT', 'FEASIBLE');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "ministries" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "delegates" BOOLEAN NOT NULL DEFAULT true,
    "role" TEXT,

    CONSTRAINT "ministries_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "localities" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reported_at" DATE,

    CONSTRAINT "localities_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "tasks" (
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sector" TEXT NOT NULL,
    "legal_basis" TEXT NOT NULL DEFAULT '',
    "level" TEXT NOT NULL DEFAULT 'province',
    "status" "TaskStatus" NOT NULL,
    "status_since" TIMESTAMP(3) NOT NULL,
    "lead_ministry_code" TEXT NOT NULL,
    "coordinating_ministries" TEXT[],
    "focal_point_name" TEXT NOT NULL DEFAULT '',
    "focal_point_email" TEXT NOT NULL DEFAULT '',
    "due_date" DATE,
    "deadline_extensions" INTEGER NOT NULL DEFAULT 0,
    "milestones" JSONB NOT NULL DEFAULT '[]',
    "reports_workable" INTEGER NOT NULL DEFAULT 0,
    "reports_obstacle" INTEGER NOT NULL DEFAULT 0,
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "task_code" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "task_code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "due_date" DATE,
    "offset_days" INTEGER NOT NULL,
    "recipients" TEXT[],
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "message_id" TEXT,
    "sent_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "locality_reports" (
    "id" BIGSERIAL NOT NULL,
    "task_code" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "locality_code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "locality_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" SERIAL NOT NULL,
    "principal" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "principal" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("principal","key")
);

-- CreateIndex
CREATE INDEX "tasks_status_due_date_idx" ON "tasks"("status", "due_date");

-- CreateIndex
CREATE INDEX "tasks_lead_ministry_code_status_idx" ON "tasks"("lead_ministry_code", "status");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_task_code_seq_key" ON "audit_events"("task_code", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_key_key" ON "notifications"("key");

-- CreateIndex
CREATE INDEX "notifications_status_idx" ON "notifications"("status");

-- CreateIndex
CREATE INDEX "locality_reports_locality_code_idx" ON "locality_reports"("locality_code");

-- CreateIndex
CREATE UNIQUE INDEX "locality_reports_task_code_seq_key" ON "locality_reports"("task_code", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_principal_idx" ON "api_tokens"("principal");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_lead_ministry_code_fkey" FOREIGN KEY ("lead_ministry_code") REFERENCES "ministries"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_task_code_fkey" FOREIGN KEY ("task_code") REFERENCES "tasks"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_task_code_fkey" FOREIGN KEY ("task_code") REFERENCES "tasks"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "locality_reports" ADD CONSTRAINT "locality_reports_task_code_fkey" FOREIGN KEY ("task_code") REFERENCES "tasks"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

