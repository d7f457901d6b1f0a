-- A derivation rule, as a function: the row trigger calls it for each write, and bulk
-- loaders call it set-based in their INSERT ... SELECT (where PostGIS can reuse prepared
-- geometries and projections across rows, which a trigger call cannot).
CREATE OR REPLACE FUNCTION measure_municipality(g geometry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH hit AS (
    SELECT DISTINCT p.ags FROM municipality_parts p
     WHERE p.geom && g AND ST_Intersects(p.geom, g)
  )
  -- A measure on a border belongs where most of it lies (area, else length, else points).
  SELECT hit.ags FROM hit
   ORDER BY CASE WHEN (SELECT count(*) FROM hit) = 1 THEN 0 ELSE (
              SELECT CASE ST_Dimension(g)
                       WHEN 2 THEN ST_Area(ST_Transform(ST_Intersection(m.geom, g), 25832))
                       WHEN 1 THEN ST_Length(ST_Transform(ST_Intersection(m.geom, g), 25832))
                       ELSE ST_NPoints(ST_Intersection(m.geom, g))
                     END
                FROM municipalities m WHERE m.ags = hit.ags) END DESC,
            hit.ags
   LIMIT 1
$$;
