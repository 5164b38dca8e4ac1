-- Issue 25: the catalog in Vietnamese and English, and search that understands Vietnamese.
-- The task's title, sector and legal basis (its workflow's definition, audited) are the Vietnamese text;
-- the English renderings are columns of the read model written by the catalog importer, like applies_to.
-- A database loaded before this migration holds the English text in title/sector/legal_basis: copy it to
-- the English columns, so nothing shown in English changes; `npm run import -- catalog/tasks.csv --update`
-- then writes the Vietnamese text (an audited definition change per task).
ALTER TABLE "tasks" ADD COLUMN "title_en" TEXT NOT NULL DEFAULT '';
ALTER TABLE "tasks" ADD COLUMN "sector_en" TEXT NOT NULL DEFAULT '';
ALTER TABLE "tasks" ADD COLUMN "legal_basis_en" TEXT NOT NULL DEFAULT '';
UPDATE "tasks" SET "title_en" = "title", "sector_en" = "sector", "legal_basis_en" = "legal_basis";

-- Vietnamese folded for search: tone marks and vowel modifiers removed, đ -> d, then lower case (ASCII
-- by then, so the database's locale does not matter). Combining marks (decomposed text) are dropped.
-- Immutable, so it may be indexed; domain/vietnamese-text.ts is the same mapping in TypeScript.
CREATE FUNCTION vi_fold(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(translate(s, 'àÀáÁảẢãÃạẠăĂằẰắẮẳẲẵẴặẶâÂầẦấẤẩẨẫẪậẬèÈéÉẻẺẽẼẹẸêÊềỀếẾểỂễỄệỆìÌíÍỉỈĩĨịỊòÒóÓỏỎõÕọỌôÔồỒốỐổỔỗỖộỘơƠờỜớỚởỞỡỠợỢùÙúÚủỦũŨụỤưƯừỪứỨửỬữỮựỰỳỲýÝỷỶỹỸỵỴđĐ̛̣̀́̂̃̆̉', 'aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAeEeEeEeEeEeEeEeEeEeEeEiIiIiIiIiIoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOuUuUuUuUuUuUuUuUuUuUuUyYyYyYyYyYdD'))
$$;

-- What a search looks in: the code, both titles, both sectors, both legal bases, folded as vi_fold does.
-- The fold is written out rather than calling vi_fold: PostgreSQL builds an index with a safe search_path
-- (pg_catalog only), where an unqualified vi_fold would not be found.
CREATE FUNCTION task_search_text(code text, title text, title_en text, sector text, sector_en text, legal_basis text, legal_basis_en text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(translate(code || ' ' || title || ' ' || title_en || ' ' || sector || ' ' || sector_en || ' ' || legal_basis || ' ' || legal_basis_en,
                         'àÀáÁảẢãÃạẠăĂằẰắẮẳẲẵẴặẶâÂầẦấẤẩẨẫẪậẬèÈéÉẻẺẽẼẹẸêÊềỀếẾểỂễỄệỆìÌíÍỉỈĩĨịỊòÒóÓỏỎõÕọỌôÔồỒốỐổỔỗỖộỘơƠờỜớỚởỞỡỠợỢùÙúÚủỦũŨụỤưƯừỪứỨửỬữỮựỰỳỲýÝỷỶỹỸỵỴđĐ̛̣̀́̂̃̆̉', 'aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAeEeEeEeEeEeEeEeEeEeEeEiIiIiIiIiIoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOuUuUuUuUuUuUuUuUuUuUuUyYyYyYyYyYdD'))
$$;

-- A trigram index for the search's LIKE '%word%' (pg_trgm ships with PostgreSQL's contrib, as in the
-- embedded server; it is a trusted extension, so a database owner may create it). Where it is not
-- installed the search still works, without the index.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): task search runs without its index', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX "tasks_search_trgm_idx" ON "tasks" USING gin (task_search_text("code", "title", "title_en", "sector", "sector_en", "legal_basis", "legal_basis_en") gin_trgm_ops)';
  END IF;
END
$$;
