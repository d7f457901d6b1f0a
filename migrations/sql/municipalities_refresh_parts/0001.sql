CREATE OR REPLACE FUNCTION municipalities_refresh_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM municipality_parts;
  INSERT INTO municipality_parts (ags, geom)
  SELECT ags, ST_Subdivide(geom, 128) FROM municipalities;
  RETURN NULL;
END
$$;
