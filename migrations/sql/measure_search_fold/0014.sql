-- The spelling full-text search indexes and queries (0014): lower case, ß as ss, and
-- ae/oe/ue as the umlauts they spell, so that "gruendach" and "Gründach", "Strasse" and
-- "Straße" become one word before the german stemmer (which itself turns ä, ö, ü into
-- a, o, u). A word that merely contains "ue" ("Feuer") is folded the same way on both
-- sides, so it still finds itself.
CREATE OR REPLACE FUNCTION measure_search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(
    lower(value), 'ẞ', 'ss'), 'ß', 'ss'), 'ae', 'ä'), 'oe', 'ö'), 'ue', 'ü')
$$;
