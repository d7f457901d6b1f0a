CREATE OR REPLACE FUNCTION measure_rain_m3(area_m2 double precision,
         disconnected_area_m2 double precision, drains_catchment boolean,
         precipitation_mm double precision) RETURNS double precision
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT CASE WHEN drains_catchment AND disconnected_area_m2 > 0
                     THEN disconnected_area_m2 ELSE area_m2 END * precipitation_mm / 1000.0
       $$;
