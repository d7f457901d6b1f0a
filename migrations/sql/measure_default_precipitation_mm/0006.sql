-- Must equal app.domain.water_balance.DEFAULT_PRECIPITATION_MM (a test checks it).
CREATE OR REPLACE FUNCTION measure_default_precipitation_mm() RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 800.0::float8 $$;
