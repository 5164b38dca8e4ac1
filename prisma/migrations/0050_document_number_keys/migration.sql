-- Document numbers are compared case-insensitively (issue 23): 42/2026/tt-BYT and 42/2026/TT-BYT are one
-- document. `number_key` holds the number in the form it is compared in (NFC, upper case; the app computes
-- the same with domain/legal-documents.ts documentNumberKey: a number has only ASCII letters, digits,
-- "/", "-" and Đ/đ, so upper() and the one translate() agree with it in any locale) and is unique.
--
-- Numbers already registered twice in different letter cases are not deleted (their registry events are
-- append-only and name them): the first registered stays the document, each later one is marked
-- `merged_into` it, loses its key (so the unique index holds) and gets a MERGED event saying so.
ALTER TABLE "legal_documents" ADD COLUMN "number_key" TEXT;
ALTER TABLE "legal_documents" ADD COLUMN "merged_into" TEXT;
ALTER TABLE "legal_documents" ADD CONSTRAINT "legal_documents_merged_into_fkey"
  FOREIGN KEY ("merged_into") REFERENCES "legal_documents"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

WITH ranked AS (
  SELECT "number",
         upper(translate(normalize("number", NFC), 'đ', 'Đ')) AS key,
         first_value("number") OVER (PARTITION BY upper(translate(normalize("number", NFC), 'đ', 'Đ'))
                                     ORDER BY "registered_at", "number") AS keeper
    FROM "legal_documents"
)
UPDATE "legal_documents" d
   SET "number_key" = CASE WHEN r.keeper = r."number" THEN r.key END,
       "merged_into" = CASE WHEN r.keeper = r."number" THEN NULL ELSE r.keeper END
  FROM ranked r
 WHERE d."number" = r."number";

INSERT INTO "document_events" ("document_number", "at", "actor", "kind", "details")
SELECT "number", CURRENT_TIMESTAMP, 'system', 'MERGED',
       jsonb_build_object('into', "merged_into", 'reason', 'the same number in another letter case (migration 0050)')
  FROM "legal_documents"
 WHERE "merged_into" IS NOT NULL;

ALTER TABLE "legal_documents" ADD CONSTRAINT "legal_documents_key_or_merged"
  CHECK (("number_key" IS NULL) = ("merged_into" IS NOT NULL));
CREATE UNIQUE INDEX "legal_documents_number_key_key" ON "legal_documents"("number_key");
