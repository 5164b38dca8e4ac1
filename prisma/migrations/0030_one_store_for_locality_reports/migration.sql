-- One store for what localities report (issue 23): the matrix cells are the record. A task's
-- "workable / obstacle" counts (tasks.reports_workable, tasks.reports_obstacle: the task JSON's
-- `reports`, the task page, the dashboard's obstacle list, CSV and open data) are the number of its
-- cells in each state, kept by PostgreSQL whatever writes the row: a cell write recounts its tasks,
-- and any write of a task row (the workflow's persisted event) takes the counts from the cells, so
-- the workflow's own, older counting can no longer reach the read model.

CREATE FUNCTION task_cell_counts_on_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT count(*) FILTER (WHERE c.state = 'WORKABLE'), count(*) FILTER (WHERE c.state = 'OBSTACLE')
    INTO NEW.reports_workable, NEW.reports_obstacle
    FROM locality_cells c WHERE c.task_code = NEW.code;
  RETURN NEW;
END;
$$;

CREATE TRIGGER tasks_report_counts_from_cells
  BEFORE INSERT OR UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION task_cell_counts_on_write();

-- After a statement wrote cells: touch each task it wrote (the trigger above recounts), only where a count moved.
CREATE FUNCTION cells_recount_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks t SET reports_workable = n.workable, reports_obstacle = n.obstacle
    FROM (SELECT c.task_code,
                 count(*) FILTER (WHERE c.state = 'WORKABLE')::int AS workable,
                 count(*) FILTER (WHERE c.state = 'OBSTACLE')::int AS obstacle
            FROM locality_cells c
           WHERE c.task_code IN (SELECT DISTINCT task_code FROM written)
           GROUP BY c.task_code) n
   WHERE t.code = n.task_code AND (t.reports_workable, t.reports_obstacle) IS DISTINCT FROM (n.workable, n.obstacle);
  RETURN NULL;
END;
$$;

CREATE TRIGGER locality_cells_recount_on_insert
  AFTER INSERT ON locality_cells REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION cells_recount_tasks();

CREATE TRIGGER locality_cells_recount_on_update
  AFTER UPDATE ON locality_cells REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION cells_recount_tasks();

-- The counts as the cells say today (the old store's rows are adopted into cells at start-up:
-- db/locality-cells.ts adoptLegacyReports; the table locality_reports is no longer written or read).
UPDATE tasks SET reports_workable = reports_workable;

COMMENT ON TABLE locality_reports IS 'Retired (migration 0030): the first version''s per-task reports. Adopted into locality_cells at start-up; no longer written or read. Kept for the record.';
