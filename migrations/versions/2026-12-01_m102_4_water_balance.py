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

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

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

# Functions this revision redefines (migrations/sql/<function>/0009.sql) and drops; a
# downgrade restores all four from their 0006 files.
REDEFINED = ("measure_feature_json", "measures_before_write")
DROPPED = ("measure_default_precipitation_mm", "measure_rain_m3")


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
    for name in REDEFINED:
        op.execute(function_sql(name, "0009"))
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


def downgrade() -> None:
    op.execute(
        "ALTER TABLE measure_types ADD COLUMN runoff_avoided_share double precision NOT NULL"
        " DEFAULT 0, ADD COLUMN evaporation_gain_share double precision NOT NULL DEFAULT 0,"
        " ADD COLUMN infiltration_gain_share double precision NOT NULL DEFAULT 0"
    )
    for name in DROPPED + REDEFINED:
        op.execute(function_sql(name, "0006"))
    op.execute(
        "ALTER TABLE municipality_baselines DROP CONSTRAINT reference_split,"
        " DROP CONSTRAINT etp_plausible, "
        + ", ".join(f"DROP COLUMN {name}" for name, _ in BASELINE_COLUMNS)
    )
    op.execute(
        "ALTER TABLE measures " + ", ".join(f"DROP COLUMN {name}" for name, _ in PARAMETER_COLUMNS)
    )
