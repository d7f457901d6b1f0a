"""Water balance after DWA-M 102-4: element parameters on measures, climate and an
undeveloped reference split on baselines; impacts computed in Python, not by trigger.

The per-type shares and the SQL rain function go: a measure's impact is now computed
by `app.domain.water_balance` and stored by `app.services.impacts` on every path (API
writes, demo loader, importer, refreshes). `klimawerk db migrate` recomputes the stored
impacts after this revision (the catalogue sync sees the new catalogue).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARAMETER_COLUMNS = (
    ("surface_before", "text"),
    ("catchment_surface", "text"),
    ("substrate_depth_mm", "double precision"),
    ("storage_height_mm", "double precision"),
    ("paving_kind", "text"),
    ("kf_mm_h", "double precision"),
    ("cistern_use_l_per_day", "double precision"),
    ("irrigated_area_m2", "double precision"),
)

BASELINE_COLUMNS = (
    ("etp_mm", "double precision"),
    ("climate_source", "text"),
    ("reference_runoff", "double precision"),
    ("reference_infiltration", "double precision"),
    ("reference_evaporation", "double precision"),
    ("reference_source", "text"),
)

FEATURE_FUNCTION = """
CREATE OR REPLACE FUNCTION measure_feature_json(m measures) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT json_build_object(
    'type', 'Feature',
    'id', m.id,
    'geometry', ST_AsGeoJSON(m.geom, 7)::json,
    'properties', json_build_object(
      'type', m.type, 'title', m.title, 'description', m.description,
      'status', m.status, 'review_state', m.review_state,
      'review_note', m.review_note, 'municipality', m.municipality,
      'area_m2', round(m.area_m2::numeric, 2),
      'disconnected_area_m2', m.disconnected_area_m2,
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
      'created_at', m.created_at, 'updated_at', m.updated_at, 'version', m.version
    )
  )::text
$$"""

# As in 0006, without computing impacts: the application stores them (one rule, in
# Python), and a change of geometry, type or parameters is followed by that store.
BEFORE_WRITE_FUNCTION = """
CREATE OR REPLACE FUNCTION measures_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('klimawerk.refresh', true) = 'on' THEN
    -- A refresh of derived values is no new version of the measure.
    NEW.version := OLD.version;
    NEW.created_at := OLD.created_at;
    NEW.updated_at := OLD.updated_at;
  ELSIF TG_OP = 'UPDATE' THEN
    NEW.id := OLD.id;
    NEW.created_at := OLD.created_at;
    NEW.version := OLD.version + 1;
    NEW.updated_at := greatest(now(), OLD.updated_at);
  ELSE
    NEW.version := 1;
    NEW.created_at := now();
    NEW.updated_at := NEW.created_at;
    NEW.changed_by := coalesce(NEW.changed_by, NEW.partner);
  END IF;

  IF TG_OP = 'UPDATE' AND NEW.geom IS NOT DISTINCT FROM OLD.geom
     AND NEW.type IS NOT DISTINCT FROM OLD.type THEN
    NEW.municipality := OLD.municipality;
    NEW.area_m2 := OLD.area_m2;
  ELSIF TG_OP = 'UPDATE' OR current_setting('klimawerk.derived', true) IS DISTINCT FROM 'on'
        OR NEW.municipality IS NULL OR NEW.area_m2 IS NULL THEN
    NEW.municipality := measure_municipality(NEW.geom);
    IF NEW.municipality IS NULL THEN
      RAISE EXCEPTION 'the geometry lies outside the Klima.Werk municipalities'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'measures_within_region';
    END IF;
    NEW.area_m2 := measure_area_m2(
      NEW.geom, (SELECT t.line_width_m FROM measure_types t WHERE t.id = NEW.type));
  END IF;

  NEW.feature := measure_feature_json(NEW);
  RETURN NEW;
END
$$"""


def upgrade() -> None:
    op.execute(
        "ALTER TABLE measures "
        + ", ".join(f"ADD COLUMN {name} {kind}" for name, kind in PARAMETER_COLUMNS)
    )
    op.execute(
        "ALTER TABLE municipality_baselines "
        + ", ".join(f"ADD COLUMN {name} {kind}" for name, kind in BASELINE_COLUMNS)
    )
    op.execute(
        "ALTER TABLE municipality_baselines"
        " ADD CONSTRAINT etp_plausible CHECK (etp_mm BETWEEN 200 AND 1500),"
        " ADD CONSTRAINT reference_split CHECK (reference_runoff IS NULL OR ("
        " reference_infiltration IS NOT NULL AND reference_evaporation IS NOT NULL"
        " AND reference_source IS NOT NULL AND least(reference_runoff,"
        " reference_infiltration, reference_evaporation) >= 0 AND abs(reference_runoff"
        " + reference_infiltration + reference_evaporation - 1) < 0.001))"
    )
    op.execute(FEATURE_FUNCTION)
    op.execute(BEFORE_WRITE_FUNCTION)
    op.execute(
        "ALTER TABLE measure_types DROP COLUMN runoff_avoided_share,"
        " DROP COLUMN evaporation_gain_share, DROP COLUMN infiltration_gain_share"
    )
    op.execute(
        "DROP FUNCTION measure_rain_m3(double precision, double precision, boolean,"
        " double precision)"
    )
    op.execute("DROP FUNCTION measure_default_precipitation_mm()")
    # The catalogue sync of `klimawerk db migrate` stores the new figures; until then a
    # changed details column makes it see every type as changed.
    op.execute("UPDATE measure_types SET details = '{}'::jsonb")


def _impact_revision():  # type: ignore[no-untyped-def]
    """The 0006 revision module, whose definitions a downgrade restores."""
    path = Path(__file__).with_name("2026-11-25_measure_impact.py")
    spec = importlib.util.spec_from_file_location("klimawerk_0006", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    impact = _impact_revision()
    op.execute(
        "ALTER TABLE measure_types ADD COLUMN runoff_avoided_share double precision NOT NULL"
        " DEFAULT 0, ADD COLUMN evaporation_gain_share double precision NOT NULL DEFAULT 0,"
        " ADD COLUMN infiltration_gain_share double precision NOT NULL DEFAULT 0"
    )
    # 0006's statements 2..: the SQL functions and trigger bodies (not its columns).
    for statement in impact.STATEMENTS[2:]:
        op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute(
        "ALTER TABLE municipality_baselines DROP CONSTRAINT reference_split,"
        " DROP CONSTRAINT etp_plausible, "
        + ", ".join(f"DROP COLUMN {name}" for name, _ in BASELINE_COLUMNS)
    )
    op.execute(
        "ALTER TABLE measures " + ", ".join(f"DROP COLUMN {name}" for name, _ in PARAMETER_COLUMNS)
    )
