-- Every committed change to the read model wakes the API processes that cache task-list pages
-- (api/list-cache.ts). One notification per statement; PostgreSQL folds duplicates within a
-- transaction and delivers them at commit, and not at all on rollback.
CREATE FUNCTION tasks_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tasks_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER tasks_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_changed_notify();
