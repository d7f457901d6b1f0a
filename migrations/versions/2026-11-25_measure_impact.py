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

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

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
]


# Functions this revision adds or redefines (migrations/sql/<function>/0006.sql); a
# downgrade restores the redefined ones from their 0001 files.
ADDED = ("measure_default_precipitation_mm", "measure_rain_m3")
REDEFINED = ("measure_feature_json", "measures_before_write", "measures_keep_history")


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)
    for name in ADDED + REDEFINED:
        op.execute(function_sql(name, "0006"))


def downgrade() -> None:
    for name in REDEFINED:
        op.execute(function_sql(name, "0001"))
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
