-- Issue 23 (chasing): Home Affairs reminds the localities that have not reported, now. One row per
-- round, locality and Viet Nam day: who asked and when (the audit of the chase), and the key that
-- allows at most one such reminder a day per locality per round.
CREATE TABLE "round_chases" (
    "round_id" TEXT NOT NULL,
    "locality_code" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,

    CONSTRAINT "round_chases_pkey" PRIMARY KEY ("round_id", "locality_code", "day")
);

ALTER TABLE "round_chases" ADD CONSTRAINT "round_chases_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "reporting_rounds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "round_chases" ADD CONSTRAINT "round_chases_locality_code_fkey" FOREIGN KEY ("locality_code") REFERENCES "localities"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
