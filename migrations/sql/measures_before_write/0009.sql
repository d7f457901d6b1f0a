-- As in 0006, without computing impacts: the application stores them (one rule, in
-- Python), and a change of geometry, type or parameters is followed by that store.
CREATE OR REPLACE FUNCTION measures_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('klimawerk.refresh', true) = 'on' THEN
    -- A refresh of derived values is no new version of the measure.
    NEW.version := OLD.version;
    NEW.created_at := OLD.created_at;
    NEW.updated_at := OLD.updated_at;
  ELSIF TG_OP = 'UPDATE' THEN
    NEW.id := OLD.id;
    NEW.created_at := OLD.created_at;
    NEW.version := OLD.version + 1;
    NEW.updated_at := greatest(now(), OLD.updated_at);
  ELSE
    NEW.version := 1;
    NEW.created_at := now();
    NEW.updated_at := NEW.created_at;
    NEW.changed_by := coalesce(NEW.changed_by, NEW.partner);
  END IF;

  IF TG_OP = 'UPDATE' AND NEW.geom IS NOT DISTINCT FROM OLD.geom
     AND NEW.type IS NOT DISTINCT FROM OLD.type THEN
    NEW.municipality := OLD.municipality;
    NEW.area_m2 := OLD.area_m2;
  ELSIF TG_OP = 'UPDATE' OR current_setting('klimawerk.derived', true) IS DISTINCT FROM 'on'
        OR NEW.municipality IS NULL OR NEW.area_m2 IS NULL THEN
    NEW.municipality := measure_municipality(NEW.geom);
    IF NEW.municipality IS NULL THEN
      RAISE EXCEPTION 'the geometry lies outside the Klima.Werk municipalities'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'measures_within_region';
    END IF;
    NEW.area_m2 := measure_area_m2(
      NEW.geom, (SELECT t.line_width_m FROM measure_types t WHERE t.id = NEW.type));
  END IF;

  NEW.feature := measure_feature_json(NEW);
  RETURN NEW;
END
$$;
