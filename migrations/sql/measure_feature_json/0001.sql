-- The cached Feature text is what the read path streams; timestamps render in the
-- session's TimeZone, which migration 0001 sets to UTC for the database; building it
-- once per write is what lets a 100-feature page cost the database almost nothing.
CREATE OR REPLACE FUNCTION measure_feature_json(m measures) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'type', 'Feature',
    'id', m.id,
    'geometry', ST_AsGeoJSON(m.geom, 7)::json,
    'properties', json_build_object(
      'type', m.type,
      'title', m.title,
      'description', m.description,
      'status', m.status,
      'review_state', m.review_state,
      'review_note', m.review_note,
      'municipality', m.municipality,
      'area_m2', round(m.area_m2::numeric, 2),
      'disconnected_area_m2', m.disconnected_area_m2,
      'retention_volume_m3', m.retention_volume_m3,
      'cost_eur', m.cost_eur,
      'funding', m.funding,
      'completed_on', m.completed_on,
      'partner', m.partner,
      'source', m.source,
      'created_at', m.created_at,
      'updated_at', m.updated_at,
      'version', m.version
    )
  )::text
$$;
