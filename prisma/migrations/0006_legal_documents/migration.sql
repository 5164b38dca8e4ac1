-- Legal documents as records of their own (issue 14), their append-only registry log, and the
-- documents and pending effective date of each task in the read model.
CREATE TABLE "legal_documents" (
    "number" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "issued_on" DATE NOT NULL,
    "effective_on" DATE NOT NULL,
    "url" TEXT,
    "registered_by" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "legal_documents_pkey" PRIMARY KEY ("number"),
    CONSTRAINT "legal_documents_dates" CHECK ("effective_on" >= "issued_on")
);
CREATE INDEX "legal_documents_issuer_issued_on_idx" ON "legal_documents"("issuer", "issued_on");

CREATE TABLE "document_events" (
    "id" BIGSERIAL NOT NULL,
    "document_number" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "details" JSONB NOT NULL,

    CONSTRAINT "document_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "document_events_document_number_idx" ON "document_events"("document_number");
ALTER TABLE "document_events" ADD CONSTRAINT "document_events_document_number_fkey"
  FOREIGN KEY ("document_number") REFERENCES "legal_documents"("number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Append-only, like audit_events (db/app-role.ts also revokes UPDATE/DELETE from the application role).
CREATE FUNCTION document_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'document_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER document_events_no_update_delete
  BEFORE UPDATE OR DELETE ON document_events
  FOR EACH ROW EXECUTE FUNCTION document_events_append_only();
CREATE TRIGGER document_events_no_truncate
  BEFORE TRUNCATE ON document_events
  FOR EACH STATEMENT EXECUTE FUNCTION document_events_append_only();

ALTER TABLE "tasks" ADD COLUMN "documents" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "tasks" ADD COLUMN "feasible_from" DATE;
