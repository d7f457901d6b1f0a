-- Every municipality a geometry reaches into by more than `tolerance_m` metres: what a
-- key limited to some municipalities must hold, all of them, to write the measure. A
-- part that strays over a border by no more than the tolerance (a digitised edge on the
-- boundary line) counts only where the rest of the measure lies. The measure's own
-- municipality stays `measure_municipality()`: the one with the largest share.
CREATE OR REPLACE FUNCTION measure_municipalities(g geometry, tolerance_m float8) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH hit AS (
    SELECT DISTINCT p.ags FROM municipality_parts p
     WHERE p.geom && g AND ST_Intersects(p.geom, g)
  ), metric AS (
    SELECT ST_Transform(g, 25832) AS g
  )
  SELECT coalesce(array_agg(hit.ags ORDER BY hit.ags), '{}') FROM hit
   WHERE (SELECT count(*) FROM hit) = 1
      OR EXISTS (
        SELECT 1
          FROM municipalities m, metric,
               LATERAL (SELECT ST_Transform(m.geom, 25832) AS mg) t,
               LATERAL (SELECT ST_CollectionExtract(ST_Intersection(t.mg, metric.g),
                                                    ST_Dimension(metric.g) + 1) AS part) x
         WHERE m.ags = hit.ags AND NOT ST_IsEmpty(x.part)
           -- Only the border near the part matters: clip it before buffering.
           AND NOT ST_Covers(
                 ST_Buffer(ST_ClipByBox2D(ST_Boundary(t.mg),
                                          ST_Expand(ST_Envelope(x.part), 2 * tolerance_m)),
                           tolerance_m),
                 x.part))
$$;
