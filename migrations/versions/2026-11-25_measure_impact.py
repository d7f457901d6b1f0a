"""Each measure carries its water-balance impact (m³/a) as stored, queryable properties.

Rain on the affected area (the catchment where a measure drains one) times the type's
share differences against the sealed reference state. The shares come from the
catalogue file (synced by `klimawerk db migrate`), precipitation from the municipality's
baseline or the regional default. A refresh (`klimawerk.refresh = on`) recomputes
derived values without a new version or a history entry.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = [
    "ALTER TABLE measure_types ADD COLUMN runoff_avoided_share double precision NOT NULL"
    " DEFAULT 0, ADD COLUMN evaporation_gain_share double precision NOT NULL DEFAULT 0,"
    " ADD COLUMN infiltration_gain_share double precision NOT NULL DEFAULT 0",
    "ALTER TABLE measures ADD COLUMN runoff_avoided_m3 double precision,"
    " ADD COLUMN extra_evaporation_m3 double precision,"
    " ADD COLUMN extra_infiltration_m3 double precision",
    # Must equal app.domain.water_balance.DEFAULT_PRECIPITATION_MM (a test checks it).
    "CREATE FUNCTION measure_default_precipitation_mm() RETURNS double precision"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 800.0::float8 $$",
    """CREATE FUNCTION measure_rain_m3(area_m2 double precision,
         disconnected_area_m2 double precision, drains_catchment boolean,
         precipitation_mm double precision) RETURNS double precision
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT CASE WHEN drains_catchment AND disconnected_area_m2 > 0
                     THEN disconnected_area_m2 ELSE area_m2 END * precipitation_mm / 1000.0
       $$""",
    """CREATE OR REPLACE FUNCTION measure_feature_json(m measures) RETURNS text
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
             'runoff_avoided_m3', round(m.runoff_avoided_m3::numeric, 1),
             'extra_evaporation_m3', round(m.extra_evaporation_m3::numeric, 1),
             'extra_infiltration_m3', round(m.extra_infiltration_m3::numeric, 1),
             'partner', m.partner, 'source', m.source,
             'created_at', m.created_at, 'updated_at', m.updated_at, 'version', m.version
           )
         )::text
       $$""",
    """CREATE OR REPLACE FUNCTION measures_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
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

  IF TG_OP = 'UPDATE' OR current_setting('klimawerk.derived', true) IS DISTINCT FROM 'on'
     OR NEW.runoff_avoided_m3 IS NULL THEN
    SELECT r.rain * t.runoff_avoided_share, r.rain * t.evaporation_gain_share,
           r.rain * t.infiltration_gain_share
      INTO NEW.runoff_avoided_m3, NEW.extra_evaporation_m3, NEW.extra_infiltration_m3
      FROM measure_types t
     CROSS JOIN LATERAL (SELECT measure_rain_m3(
             NEW.area_m2, NEW.disconnected_area_m2, t.drains_catchment,
             coalesce((SELECT b.precipitation_mm FROM municipality_baselines b
                        WHERE b.ags = NEW.municipality),
                      measure_default_precipitation_mm())) AS rain) r
     WHERE t.id = NEW.type;
  END IF;

  NEW.feature := measure_feature_json(NEW);
  RETURN NEW;
END
$$""",
    """CREATE OR REPLACE FUNCTION measures_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('klimawerk.refresh', true) = 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO measure_history (measure_id, version, changed_at, partner, snapshot)
  VALUES (OLD.id, OLD.version, OLD.updated_at, OLD.changed_by, OLD.feature::jsonb);
  RETURN NULL;
END
$$""",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def _initial_revision():  # type: ignore[no-untyped-def]
    """The 0001 revision module, whose function bodies a downgrade restores."""
    path = Path(__file__).with_name("2026-11-25_initial_schema.py")
    spec = importlib.util.spec_from_file_location("klimawerk_0001", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    initial = _initial_revision()
    for body in (initial.FEATURE_FUNCTION, initial.BEFORE_WRITE_FUNCTION, initial.HISTORY_FUNCTION):
        op.execute(body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute(
        "ALTER TABLE measures DROP COLUMN runoff_avoided_m3,"
        " DROP COLUMN extra_evaporation_m3, DROP COLUMN extra_infiltration_m3"
    )
    op.execute(
        "ALTER TABLE measure_types DROP COLUMN runoff_avoided_share,"
        " DROP COLUMN evaporation_gain_share, DROP COLUMN infiltration_gain_share"
    )
    op.execute(
        "DROP FUNCTION measure_rain_m3(double precision, double precision, boolean,"
        " double precision)"
    )
    op.execute("DROP FUNCTION measure_default_precipitation_mm()")
