-- Issue 14, second part (after 0005_legal_documents): a lead ministry's pending extension request,
-- and the ministry a task is held up by, in the read model.
ALTER TABLE "tasks" ADD COLUMN "extension_request" JSONB;
ALTER TABLE "tasks" ADD COLUMN "held_up" JSONB;
CREATE INDEX "tasks_held_up_ministry_idx" ON "tasks" (("held_up" ->> 'ministry')) WHERE "held_up" IS NOT NULL;
