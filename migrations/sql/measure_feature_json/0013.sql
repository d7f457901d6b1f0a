-- As in 0012, with `disconnected_area_source`: whether the counted disconnected area was
-- given by the partner or derived from the geometry (`app.domain.accounting`).
CREATE OR REPLACE FUNCTION measure_feature_json(m measures) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'type', 'Feature',
    'id', m.id,
    'geometry', ST_AsGeoJSON(m.geom, 7)::json,
    'properties', json_build_object(
      'type', m.type, 'title', m.title, 'description', m.description,
      'status', m.status, 'review_state', m.review_state,
      'municipality', m.municipality,
      'area_m2', round(m.area_m2::numeric, 2),
      'disconnected_area_m2', m.disconnected_area_m2,
      'disconnected_area_source', m.disconnected_area_source,
      'retention_volume_m3', m.retention_volume_m3,
      'cost_eur', m.cost_eur, 'funding', m.funding, 'completed_on', m.completed_on,
      'surface_before', m.surface_before, 'catchment_surface', m.catchment_surface,
      'substrate_depth_mm', m.substrate_depth_mm, 'storage_height_mm', m.storage_height_mm,
      'paving_kind', m.paving_kind, 'kf_mm_h', m.kf_mm_h,
      'cistern_use_l_per_day', m.cistern_use_l_per_day,
      'irrigated_area_m2', m.irrigated_area_m2,
      'runoff_avoided_m3', round(m.runoff_avoided_m3::numeric, 1),
      'extra_evaporation_m3', round(m.extra_evaporation_m3::numeric, 1),
      'extra_infiltration_m3', round(m.extra_infiltration_m3::numeric, 1),
      'partner', m.partner, 'source', m.source,
      'created_at', m.created_at, 'updated_at', m.updated_at, 'version', m.version,
      'revision_of', m.revision_of
    )
  )::text
$$;
