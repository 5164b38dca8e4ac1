-- Issue 26: the commune level. The 3,321 commune-level units (xã, phường, đặc khu) under the 34 provinces,
-- the task × commune matrix (one cell per commune-level task × commune of a province where it applies,
-- about 434 × 3,321 ≈ 1.44 M), its roll-ups per (province, task) and per commune, and the audited reports.
-- Why this layout: db/README.md, "The commune level".

CREATE TABLE "communes" (
    -- The official (GSO) code, five digits, e.g. '00070'.
    "code" TEXT NOT NULL,
    "locality_code" TEXT NOT NULL,
    -- The official code of its province, e.g. '01'.
    "province_gso" TEXT NOT NULL,
    "name_vi" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "contact_email" TEXT NOT NULL DEFAULT '',
    -- Its cells by state, kept by the cells' trigger in the statement that writes them.
    "cells" INTEGER NOT NULL DEFAULT 0,
    "implementing" INTEGER NOT NULL DEFAULT 0,
    "workable" INTEGER NOT NULL DEFAULT 0,
    "obstacle" INTEGER NOT NULL DEFAULT 0,
    "reported_at" TIMESTAMP(3),
    "reported_by" TEXT,

    CONSTRAINT "communes_pkey" PRIMARY KEY ("code"),
    CONSTRAINT "communes_code_check" CHECK ("code" ~ '^[0-9]{5}$'),
    CONSTRAINT "communes_kind_check" CHECK ("kind" IN ('xa', 'phuong', 'dac-khu'))
);
CREATE INDEX "communes_locality_code_idx" ON "communes"("locality_code", "code");
ALTER TABLE "communes" ADD CONSTRAINT "communes_locality_code_fkey" FOREIGN KEY ("locality_code") REFERENCES "localities"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The task × commune matrix. Every cell is a row from the seed on (NOT_STARTED), so a roll-up is a sum
-- of kept counts and a report is an UPDATE of existing rows. A compact row: the state and the obstacle
-- category are small integers (domain/commune-cells.ts names them); text, changed_at and changed_by are
-- NULL (no bytes) until somebody writes the cell. Partitioned by province: a province's upload, its
-- communes' reads and its seed touch one partition of about 42,000 rows (at most about 73,000).
CREATE TABLE "commune_cells" (
    "locality_code" TEXT NOT NULL,
    "commune_code" TEXT NOT NULL,
    "task_code" TEXT NOT NULL,
    -- 0 NOT_STARTED, 1 IMPLEMENTING, 2 WORKABLE, 3 OBSTACLE
    "state" SMALLINT NOT NULL DEFAULT 0,
    -- index in OBSTACLE_CATEGORIES (0 LEGAL_BASIS ... 6 OTHER); only for an OBSTACLE
    "category" SMALLINT,
    "changed_at" TIMESTAMP(3),
    "changed_by" TEXT,
    "text" TEXT,

    CONSTRAINT "commune_cells_pkey" PRIMARY KEY ("locality_code", "commune_code", "task_code"),
    CONSTRAINT "commune_cells_state_check" CHECK ("state" BETWEEN 0 AND 3),
    CONSTRAINT "commune_cells_category_check" CHECK (
      ("state" = 3 AND "category" BETWEEN 0 AND 6) OR ("state" <> 3 AND "category" IS NULL))
) PARTITION BY LIST ("locality_code");
CREATE TABLE "commune_cells_hni" PARTITION OF "commune_cells" FOR VALUES IN ('HNI');
CREATE TABLE "commune_cells_hcm" PARTITION OF "commune_cells" FOR VALUES IN ('HCM');
CREATE TABLE "commune_cells_hpg" PARTITION OF "commune_cells" FOR VALUES IN ('HPG');
CREATE TABLE "commune_cells_dng" PARTITION OF "commune_cells" FOR VALUES IN ('DNG');
CREATE TABLE "commune_cells_cto" PARTITION OF "commune_cells" FOR VALUES IN ('CTO');
CREATE TABLE "commune_cells_hue" PARTITION OF "commune_cells" FOR VALUES IN ('HUE');
CREATE TABLE "commune_cells_lcu" PARTITION OF "commune_cells" FOR VALUES IN ('LCU');
CREATE TABLE "commune_cells_dbn" PARTITION OF "commune_cells" FOR VALUES IN ('DBN');
CREATE TABLE "commune_cells_sla" PARTITION OF "commune_cells" FOR VALUES IN ('SLA');
CREATE TABLE "commune_cells_lsn" PARTITION OF "commune_cells" FOR VALUES IN ('LSN');
CREATE TABLE "commune_cells_qnh" PARTITION OF "commune_cells" FOR VALUES IN ('QNH');
CREATE TABLE "commune_cells_tha" PARTITION OF "commune_cells" FOR VALUES IN ('THA');
CREATE TABLE "commune_cells_nan" PARTITION OF "commune_cells" FOR VALUES IN ('NAN');
CREATE TABLE "commune_cells_hth" PARTITION OF "commune_cells" FOR VALUES IN ('HTH');
CREATE TABLE "commune_cells_cbg" PARTITION OF "commune_cells" FOR VALUES IN ('CBG');
CREATE TABLE "commune_cells_tqg" PARTITION OF "commune_cells" FOR VALUES IN ('TQG');
CREATE TABLE "commune_cells_lci" PARTITION OF "commune_cells" FOR VALUES IN ('LCI');
CREATE TABLE "commune_cells_tnn" PARTITION OF "commune_cells" FOR VALUES IN ('TNN');
CREATE TABLE "commune_cells_pto" PARTITION OF "commune_cells" FOR VALUES IN ('PTO');
CREATE TABLE "commune_cells_bnh" PARTITION OF "commune_cells" FOR VALUES IN ('BNH');
CREATE TABLE "commune_cells_hyn" PARTITION OF "commune_cells" FOR VALUES IN ('HYN');
CREATE TABLE "commune_cells_nbh" PARTITION OF "commune_cells" FOR VALUES IN ('NBH');
CREATE TABLE "commune_cells_qti" PARTITION OF "commune_cells" FOR VALUES IN ('QTI');
CREATE TABLE "commune_cells_qni" PARTITION OF "commune_cells" FOR VALUES IN ('QNI');
CREATE TABLE "commune_cells_gli" PARTITION OF "commune_cells" FOR VALUES IN ('GLI');
CREATE TABLE "commune_cells_kha" PARTITION OF "commune_cells" FOR VALUES IN ('KHA');
CREATE TABLE "commune_cells_ldg" PARTITION OF "commune_cells" FOR VALUES IN ('LDG');
CREATE TABLE "commune_cells_dlk" PARTITION OF "commune_cells" FOR VALUES IN ('DLK');
CREATE TABLE "commune_cells_dni" PARTITION OF "commune_cells" FOR VALUES IN ('DNI');
CREATE TABLE "commune_cells_tnh" PARTITION OF "commune_cells" FOR VALUES IN ('TNH');
CREATE TABLE "commune_cells_vlg" PARTITION OF "commune_cells" FOR VALUES IN ('VLG');
CREATE TABLE "commune_cells_dtp" PARTITION OF "commune_cells" FOR VALUES IN ('DTP');
CREATE TABLE "commune_cells_cmu" PARTITION OF "commune_cells" FOR VALUES IN ('CMU');
CREATE TABLE "commune_cells_agg" PARTITION OF "commune_cells" FOR VALUES IN ('AGG');
CREATE TABLE "commune_cells_other" PARTITION OF "commune_cells" DEFAULT;

-- Province cells of commune-level tasks: the roll-up of their communes' cells, one row per (province,
-- task), counts by state and obstacles by category. Kept by the cells' statement trigger (below) in the
-- same transaction as the cells, so a read never sees the two disagree.
CREATE TABLE "commune_rollups" (
    "locality_code" TEXT NOT NULL,
    "task_code" TEXT NOT NULL,
    "communes" INTEGER NOT NULL DEFAULT 0,
    "not_started" INTEGER NOT NULL DEFAULT 0,
    "implementing" INTEGER NOT NULL DEFAULT 0,
    "workable" INTEGER NOT NULL DEFAULT 0,
    "obstacle" INTEGER NOT NULL DEFAULT 0,
    -- obstacles by category, in OBSTACLE_CATEGORIES order
    "by_category" INTEGER[] NOT NULL DEFAULT '{0,0,0,0,0,0,0}',

    CONSTRAINT "commune_rollups_pkey" PRIMARY KEY ("locality_code", "task_code")
);
CREATE INDEX "commune_rollups_task_code_idx" ON "commune_rollups"("task_code");

-- The roll-ups move by the difference a statement made (+1 for each new row version, -1 for each old one).
CREATE FUNCTION commune_cells_roll_up_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO commune_rollups AS r (locality_code, task_code, communes, not_started, implementing, workable, obstacle, by_category)
  SELECT d.locality_code, d.task_code, count(*)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 0), 0)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 1), 0)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 2), 0)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 3), 0)::int,
         ARRAY[coalesce(sum(d.sign) FILTER (WHERE d.category = 0), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 1), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 2), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 3), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 4), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 5), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 6), 0)::int]
    FROM (SELECT 1 AS sign, n.* FROM new_cells n) d
   GROUP BY d.locality_code, d.task_code
   -- one order for every writer: two reports of one province lock its roll-up rows in the same order
   ORDER BY d.locality_code, d.task_code
  ON CONFLICT (locality_code, task_code) DO UPDATE SET
    communes = r.communes + EXCLUDED.communes,
    not_started = r.not_started + EXCLUDED.not_started,
    implementing = r.implementing + EXCLUDED.implementing,
    workable = r.workable + EXCLUDED.workable,
    obstacle = r.obstacle + EXCLUDED.obstacle,
    by_category = ARRAY(SELECT a + b FROM unnest(r.by_category, EXCLUDED.by_category) AS x(a, b));
  UPDATE communes c SET
    cells = c.cells + d.cells,
    implementing = c.implementing + d.implementing,
    workable = c.workable + d.workable,
    obstacle = c.obstacle + d.obstacle
   FROM (SELECT commune_code, count(*)::int AS cells,
                coalesce(sum(sign) FILTER (WHERE state = 1), 0)::int AS implementing,
                coalesce(sum(sign) FILTER (WHERE state = 2), 0)::int AS workable,
                coalesce(sum(sign) FILTER (WHERE state = 3), 0)::int AS obstacle
           FROM (SELECT 1 AS sign, n.* FROM new_cells n) x GROUP BY commune_code) d
  WHERE c.code = d.commune_code;
  RETURN NULL;
END;
$$;

CREATE FUNCTION commune_cells_roll_up_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO commune_rollups AS r (locality_code, task_code, communes, not_started, implementing, workable, obstacle, by_category)
  SELECT d.locality_code, d.task_code, 0,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 0), 0)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 1), 0)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 2), 0)::int,
         coalesce(sum(d.sign) FILTER (WHERE d.state = 3), 0)::int,
         ARRAY[coalesce(sum(d.sign) FILTER (WHERE d.category = 0), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 1), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 2), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 3), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 4), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 5), 0)::int,
               coalesce(sum(d.sign) FILTER (WHERE d.category = 6), 0)::int]
    FROM (SELECT 1 AS sign, n.* FROM new_cells n UNION ALL SELECT -1, o.* FROM old_cells o) d
   GROUP BY d.locality_code, d.task_code
   -- one order for every writer: two reports of one province lock its roll-up rows in the same order
   ORDER BY d.locality_code, d.task_code
  ON CONFLICT (locality_code, task_code) DO UPDATE SET
    communes = r.communes + EXCLUDED.communes,
    not_started = r.not_started + EXCLUDED.not_started,
    implementing = r.implementing + EXCLUDED.implementing,
    workable = r.workable + EXCLUDED.workable,
    obstacle = r.obstacle + EXCLUDED.obstacle,
    by_category = ARRAY(SELECT a + b FROM unnest(r.by_category, EXCLUDED.by_category) AS x(a, b));
  UPDATE communes c SET
    cells = c.cells + d.cells,
    implementing = c.implementing + d.implementing,
    workable = c.workable + d.workable,
    obstacle = c.obstacle + d.obstacle
   FROM (SELECT commune_code, 0 AS cells,
                coalesce(sum(sign) FILTER (WHERE state = 1), 0)::int AS implementing,
                coalesce(sum(sign) FILTER (WHERE state = 2), 0)::int AS workable,
                coalesce(sum(sign) FILTER (WHERE state = 3), 0)::int AS obstacle
           FROM (SELECT 1 AS sign, n.* FROM new_cells n UNION ALL SELECT -1, o.* FROM old_cells o) x GROUP BY commune_code) d
  WHERE c.code = d.commune_code;
  RETURN NULL;
END;
$$;

CREATE TRIGGER commune_cells_roll_up_on_insert
  AFTER INSERT ON commune_cells REFERENCING NEW TABLE AS new_cells
  FOR EACH STATEMENT EXECUTE FUNCTION commune_cells_roll_up_insert();
CREATE TRIGGER commune_cells_roll_up_on_update
  AFTER UPDATE ON commune_cells REFERENCING OLD TABLE AS old_cells NEW TABLE AS new_cells
  FOR EACH STATEMENT EXECUTE FUNCTION commune_cells_roll_up_update();

-- Cells are never deleted (a task that stops applying keeps its history).
CREATE TRIGGER commune_cells_no_delete
  BEFORE DELETE ON commune_cells
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Each report on a commune's cells (by the commune itself, on its behalf by its province, or in a
-- province's upload), append-only and hash-chained per commune: who, for whom, what changed.
CREATE TABLE "commune_reports" (
    "id" BIGSERIAL NOT NULL,
    "commune_code" TEXT NOT NULL,
    "locality_code" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    -- 'COMMUNE' (the commune itself), 'ON_BEHALF' (its province for it), 'UPLOAD' (its province's file)
    "channel" TEXT NOT NULL,
    "round_id" TEXT,
    "changed" INTEGER NOT NULL,
    "details" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "commune_reports_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "commune_reports_channel_check" CHECK ("channel" IN ('COMMUNE', 'ON_BEHALF', 'UPLOAD'))
);
CREATE UNIQUE INDEX "commune_reports_commune_code_seq_key" ON "commune_reports"("commune_code", "seq");
ALTER TABLE "commune_reports" ADD CONSTRAINT "commune_reports_commune_code_fkey" FOREIGN KEY ("commune_code") REFERENCES "communes"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE TRIGGER commune_reports_no_update_delete
  BEFORE UPDATE OR DELETE ON commune_reports
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER commune_reports_no_truncate
  BEFORE TRUNCATE ON commune_reports
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Which provinces' cells are seeded, for how many tasks and communes (a restart seeds only what is missing).
CREATE TABLE "commune_seeds" (
    "locality_code" TEXT NOT NULL,
    "communes" INTEGER NOT NULL,
    "tasks" INTEGER NOT NULL,
    "cells" INTEGER NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,
    "seeded_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "commune_seeds_pkey" PRIMARY KEY ("locality_code")
);
