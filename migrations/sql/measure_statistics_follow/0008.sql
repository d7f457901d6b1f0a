-- Adds the signed contributions of the transition tables to the kept sums, then drops
-- groups that have become empty. Transition tables need one trigger per event; this one
-- function serves all of them, each branch naming only the tables its event has.
-- Contributions: rows published and not deleted; year 0 stands for "not completed" (a
-- key column cannot be NULL). Groups are written in one lock order by every writer, so
-- concurrent statements cannot deadlock.
CREATE OR REPLACE FUNCTION measure_statistics_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    
    INSERT INTO measure_statistics AS s
    SELECT * FROM (
      SELECT municipality, type, status, year, sum(sign) AS count,
             sum(sign * area_m2::numeric) AS area_m2,
           sum(sign * disconnected_area_m2::numeric) AS disconnected_area_m2,
           sum(sign * runoff_avoided_m3::numeric) AS runoff_avoided_m3,
           sum(sign * extra_evaporation_m3::numeric) AS extra_evaporation_m3,
           sum(sign * extra_infiltration_m3::numeric) AS extra_infiltration_m3
        FROM (
SELECT 1 AS sign, municipality, type, status,
       coalesce(extract(year FROM completed_on)::int, 0) AS year,
       area_m2, coalesce(disconnected_area_m2, 0) AS disconnected_area_m2,
       coalesce(runoff_avoided_m3, 0) AS runoff_avoided_m3,
       coalesce(extra_evaporation_m3, 0) AS extra_evaporation_m3,
       coalesce(extra_infiltration_m3, 0) AS extra_infiltration_m3
  FROM new_rows WHERE deleted_at IS NULL AND review_state = 'published'
) c
       GROUP BY municipality, type, status, year
    ) delta
     WHERE count <> 0 OR area_m2 <> 0 OR disconnected_area_m2 <> 0 OR runoff_avoided_m3 <> 0 OR extra_evaporation_m3 <> 0 OR extra_infiltration_m3 <> 0
     -- One lock order for every writer: concurrent statements cannot deadlock here.
     ORDER BY municipality, type, status, year
    ON CONFLICT (municipality, type, status, year) DO UPDATE SET count = s.count + excluded.count, area_m2 = s.area_m2 + excluded.area_m2, disconnected_area_m2 = s.disconnected_area_m2 + excluded.disconnected_area_m2, runoff_avoided_m3 = s.runoff_avoided_m3 + excluded.runoff_avoided_m3, extra_evaporation_m3 = s.extra_evaporation_m3 + excluded.extra_evaporation_m3, extra_infiltration_m3 = s.extra_infiltration_m3 + excluded.extra_infiltration_m3;
    DELETE FROM measure_statistics WHERE count = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    
    INSERT INTO measure_statistics AS s
    SELECT * FROM (
      SELECT municipality, type, status, year, sum(sign) AS count,
             sum(sign * area_m2::numeric) AS area_m2,
           sum(sign * disconnected_area_m2::numeric) AS disconnected_area_m2,
           sum(sign * runoff_avoided_m3::numeric) AS runoff_avoided_m3,
           sum(sign * extra_evaporation_m3::numeric) AS extra_evaporation_m3,
           sum(sign * extra_infiltration_m3::numeric) AS extra_infiltration_m3
        FROM (
SELECT 1 AS sign, municipality, type, status,
       coalesce(extract(year FROM completed_on)::int, 0) AS year,
       area_m2, coalesce(disconnected_area_m2, 0) AS disconnected_area_m2,
       coalesce(runoff_avoided_m3, 0) AS runoff_avoided_m3,
       coalesce(extra_evaporation_m3, 0) AS extra_evaporation_m3,
       coalesce(extra_infiltration_m3, 0) AS extra_infiltration_m3
  FROM new_rows WHERE deleted_at IS NULL AND review_state = 'published'
 UNION ALL 
SELECT -1 AS sign, municipality, type, status,
       coalesce(extract(year FROM completed_on)::int, 0) AS year,
       area_m2, coalesce(disconnected_area_m2, 0) AS disconnected_area_m2,
       coalesce(runoff_avoided_m3, 0) AS runoff_avoided_m3,
       coalesce(extra_evaporation_m3, 0) AS extra_evaporation_m3,
       coalesce(extra_infiltration_m3, 0) AS extra_infiltration_m3
  FROM old_rows WHERE deleted_at IS NULL AND review_state = 'published'
) c
       GROUP BY municipality, type, status, year
    ) delta
     WHERE count <> 0 OR area_m2 <> 0 OR disconnected_area_m2 <> 0 OR runoff_avoided_m3 <> 0 OR extra_evaporation_m3 <> 0 OR extra_infiltration_m3 <> 0
     -- One lock order for every writer: concurrent statements cannot deadlock here.
     ORDER BY municipality, type, status, year
    ON CONFLICT (municipality, type, status, year) DO UPDATE SET count = s.count + excluded.count, area_m2 = s.area_m2 + excluded.area_m2, disconnected_area_m2 = s.disconnected_area_m2 + excluded.disconnected_area_m2, runoff_avoided_m3 = s.runoff_avoided_m3 + excluded.runoff_avoided_m3, extra_evaporation_m3 = s.extra_evaporation_m3 + excluded.extra_evaporation_m3, extra_infiltration_m3 = s.extra_infiltration_m3 + excluded.extra_infiltration_m3;
    DELETE FROM measure_statistics WHERE count = 0;
  ELSIF TG_OP = 'DELETE' THEN
    
    INSERT INTO measure_statistics AS s
    SELECT * FROM (
      SELECT municipality, type, status, year, sum(sign) AS count,
             sum(sign * area_m2::numeric) AS area_m2,
           sum(sign * disconnected_area_m2::numeric) AS disconnected_area_m2,
           sum(sign * runoff_avoided_m3::numeric) AS runoff_avoided_m3,
           sum(sign * extra_evaporation_m3::numeric) AS extra_evaporation_m3,
           sum(sign * extra_infiltration_m3::numeric) AS extra_infiltration_m3
        FROM (
SELECT -1 AS sign, municipality, type, status,
       coalesce(extract(year FROM completed_on)::int, 0) AS year,
       area_m2, coalesce(disconnected_area_m2, 0) AS disconnected_area_m2,
       coalesce(runoff_avoided_m3, 0) AS runoff_avoided_m3,
       coalesce(extra_evaporation_m3, 0) AS extra_evaporation_m3,
       coalesce(extra_infiltration_m3, 0) AS extra_infiltration_m3
  FROM old_rows WHERE deleted_at IS NULL AND review_state = 'published'
) c
       GROUP BY municipality, type, status, year
    ) delta
     WHERE count <> 0 OR area_m2 <> 0 OR disconnected_area_m2 <> 0 OR runoff_avoided_m3 <> 0 OR extra_evaporation_m3 <> 0 OR extra_infiltration_m3 <> 0
     -- One lock order for every writer: concurrent statements cannot deadlock here.
     ORDER BY municipality, type, status, year
    ON CONFLICT (municipality, type, status, year) DO UPDATE SET count = s.count + excluded.count, area_m2 = s.area_m2 + excluded.area_m2, disconnected_area_m2 = s.disconnected_area_m2 + excluded.disconnected_area_m2, runoff_avoided_m3 = s.runoff_avoided_m3 + excluded.runoff_avoided_m3, extra_evaporation_m3 = s.extra_evaporation_m3 + excluded.extra_evaporation_m3, extra_infiltration_m3 = s.extra_infiltration_m3 + excluded.extra_infiltration_m3;
    DELETE FROM measure_statistics WHERE count = 0;
  ELSE  -- TRUNCATE
    DELETE FROM measure_statistics;
  END IF;
  RETURN NULL;
END $$;
