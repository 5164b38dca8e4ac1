-- Issue 15: each ministry's leadership contact, the escalation ladder's "ministry-leadership" step.
-- Rows seeded with the reference data are marked illustrative (the reference data names no one) and
-- are not used for sending until Home Affairs edits them.
CREATE TABLE "ministry_leadership_contacts" (
    "ministry_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" TEXT NOT NULL DEFAULT '',
    "email" TEXT NOT NULL,
    "illustrative" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL DEFAULT 'seed',

    CONSTRAINT "ministry_leadership_contacts_pkey" PRIMARY KEY ("ministry_code")
);

ALTER TABLE "ministry_leadership_contacts" ADD CONSTRAINT "ministry_leadership_contacts_ministry_code_fkey" FOREIGN KEY ("ministry_code") REFERENCES "ministries"("code") ON DELETE CASCADE ON UPDATE CASCADE;

-- Ministries already loaded get their illustrative contact now; later loads add theirs (db/reference-data.ts).
INSERT INTO "ministry_leadership_contacts" ("ministry_code", "name", "position", "email", "illustrative")
SELECT "code", 'Văn phòng ' || "code" || ' (minh hoạ)', 'Lãnh đạo bộ phụ trách (minh hoạ)', 'lanhdao@' || lower("code") || '.gov.example', true
  FROM "ministries"
ON CONFLICT DO NOTHING;
