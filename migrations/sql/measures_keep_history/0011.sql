-- As in 0006, with `review_note` put back into the snapshot: the cached Feature no
-- longer carries it (0011), and the history of those who see the review process does.
CREATE OR REPLACE FUNCTION measures_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('klimawerk.refresh', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO measure_history (measure_id, version, changed_at, partner, snapshot)
  VALUES (OLD.id, OLD.version, OLD.updated_at, OLD.changed_by, measure_snapshot(OLD));
  RETURN NULL;
END
$$;
