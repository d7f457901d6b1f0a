-- Adds the words of written measures' names to `measure_search_words` (0014), the list
-- typos are corrected against. A statement trigger over the transition table: a bulk
-- import adds its words in one statement, not one per row. Words are never removed;
-- a correction to a word no measure uses any more finds nothing.
CREATE OR REPLACE FUNCTION measures_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO measure_search_words (word)
  SELECT DISTINCT w
    FROM written, regexp_split_to_table(written.search_text, '[^[:alnum:]]+') AS w
   WHERE length(w) >= 5
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
