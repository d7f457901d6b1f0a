-- A version as the history keeps it: the cached Feature with the reviewer's note, which
-- the Feature itself no longer carries (0011). The history shows notes only to those
-- who see the review process.
CREATE OR REPLACE FUNCTION measure_snapshot(m measures) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_set(m.feature::jsonb, '{properties,review_note}',
                   coalesce(to_jsonb(m.review_note), 'null'::jsonb))
$$;
