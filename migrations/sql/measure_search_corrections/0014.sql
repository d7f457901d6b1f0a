-- The terms of a search with each word of five or more letters replaced by the most
-- alike word the measures' names use (0014): "gesamtschle" -> "gesamtschule". A trigram
-- index on the word list (`measure_search_words`) finds it; the measures are then
-- searched by full text as for the words typed. Shorter words stay as typed: one wrong
-- letter of four leaves too few trigrams in common to tell the right word.
CREATE OR REPLACE FUNCTION measure_search_corrections(terms text[]) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT array_agg(corrected ORDER BY n)
  FROM (
    SELECT n, string_agg(coalesce(
             CASE WHEN length(w) >= 5 THEN (
               SELECT s.word FROM measure_search_words s
                WHERE s.word % w ORDER BY s.word <-> w, s.word LIMIT 1)
             END, w), ' ' ORDER BY k) AS corrected
    FROM unnest(terms) WITH ORDINALITY AS t(term, n),
         regexp_split_to_table(measure_search_ascii(term), ' +') WITH ORDINALITY AS x(w, k)
    WHERE w <> ''
    GROUP BY n
  ) AS per_term
$$;
