-- A derivation rule, as a function: the row trigger calls it for each write, and bulk
-- loaders call it set-based in their INSERT ... SELECT (where PostGIS can reuse prepared
-- geometries and projections across rows, which a trigger call cannot).
CREATE OR REPLACE FUNCTION measure_area_m2(g geometry, line_width_m double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE ST_Dimension(g)
           WHEN 2 THEN ST_Area(ST_Transform(g, 25832))
           WHEN 1 THEN ST_Length(ST_Transform(g, 25832)) * coalesce(line_width_m, 0)
           ELSE 0
         END
$$;
