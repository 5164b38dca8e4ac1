-- Issue 26: rounds reach the communes. A round says which level reports: 'province' (the 34, as every
-- round before this migration) or 'commune' (the 3,321 commune-level units). Who was asked in a commune
-- round and when each reported is one row per (round, commune); "n of N communes reported" is counted
-- from these rows and frozen on the round at its close, as "n of 34" is from round_localities.

ALTER TABLE "reporting_rounds" ADD COLUMN "level" TEXT NOT NULL DEFAULT 'province';
ALTER TABLE "reporting_rounds" ADD CONSTRAINT "reporting_rounds_level_check" CHECK ("level" IN ('province', 'commune'));

CREATE TABLE "round_communes" (
    "round_id" TEXT NOT NULL,
    "commune_code" TEXT NOT NULL,
    -- Its province: the chase reads one province's batch at a time.
    "locality_code" TEXT NOT NULL,
    "reported_at" TIMESTAMP(3),

    CONSTRAINT "round_communes_pkey" PRIMARY KEY ("round_id", "commune_code")
);
CREATE INDEX "round_communes_round_id_locality_code_idx" ON "round_communes"("round_id", "locality_code", "commune_code");
ALTER TABLE "round_communes" ADD CONSTRAINT "round_communes_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "reporting_rounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "round_communes" ADD CONSTRAINT "round_communes_commune_code_fkey" FOREIGN KEY ("commune_code") REFERENCES "communes"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Communes need an address to be e-mailed. The official list has none, so each gets an ILLUSTRATIVE
-- placeholder under the reserved .example domain, as the localities do (office.<code>@communes.example;
-- catalog/communes.ts gives new units the same). A deployment replaces them; a set address is kept.
UPDATE "communes" SET "contact_email" = 'office.' || "code" || '@communes.example' WHERE "contact_email" = '';

-- Signing in by e-mail looks a commune up by its address (db/web-sessions.ts principalForEmail).
CREATE INDEX "communes_contact_email_idx" ON "communes" (lower("contact_email"));
