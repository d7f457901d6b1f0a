-- As in 0011, keeping whether the version was written without If-Match (a last
-- writer's change): the history shows it, and a reviewer can restore the version before.
CREATE OR REPLACE FUNCTION measures_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('klimawerk.refresh', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO measure_history (measure_id, version, changed_at, partner, snapshot, last_writer)
  VALUES (OLD.id, OLD.version, OLD.updated_at, OLD.changed_by, measure_snapshot(OLD),
          OLD.last_writer);
  RETURN NULL;
END
$$;
