-- The tsquery of a search (0014): each element of `terms` is one term of `q`, its words
-- (letters and digits only, checked by the API) separated by spaces. A measure matches
-- any term; a term matches when every word begins a word of the measure, in any of its
-- german forms ("rigole" -> 'rigol':*). Never to_tsquery on the caller's text: each
-- word goes through plainto_tsquery, which treats it as text, and only that function's
-- own canonical output gets the prefix mark. NULL when no word is left (stop words).
CREATE OR REPLACE FUNCTION measure_search_query(terms text[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT nullif(string_agg('(' || term_query || ')', ' | '), '')::tsquery
  FROM (
    SELECT string_agg(word_query, ' & ') AS term_query
    FROM unnest(terms) WITH ORDINALITY AS t(term, n),
         regexp_split_to_table(term, ' +') AS word,
         LATERAL (
           SELECT regexp_replace(
             plainto_tsquery('german', measure_search_fold(word))::text,
             '''(?= |$)', ''':*', 'g') AS word_query
         ) AS w
    WHERE word <> '' AND word_query <> ''
    GROUP BY n
  ) AS per_term
$$;
