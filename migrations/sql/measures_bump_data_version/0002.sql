-- Every statement that writes measures moves the data version on (see migration 0002).
CREATE OR REPLACE FUNCTION measures_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Parallel bulk loaders bump once when all their slices are in.
  IF current_setting('klimawerk.defer_version_bump', true) = 'on' THEN
    RETURN NULL;
  END IF;
  UPDATE data_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;
