-- The spelling trigram (typo) matching indexes and compares (0014): lower case with
-- umlauts and ß written out in ASCII. pg_trgm splits words at characters its locale
-- does not call letters, which under the C locale are all non-ASCII ones.
CREATE OR REPLACE FUNCTION measure_search_ascii(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(
    lower(value), 'ẞ', 'ss'), 'ß', 'ss'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue')
$$;
