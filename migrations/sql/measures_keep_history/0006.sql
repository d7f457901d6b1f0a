CREATE OR REPLACE FUNCTION measures_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('klimawerk.refresh', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO measure_history (measure_id, version, changed_at, partner, snapshot)
  VALUES (OLD.id, OLD.version, OLD.updated_at, OLD.changed_by, OLD.feature::jsonb);
  RETURN NULL;
END
$$;
