"""Whether a measure's disconnected area was given or derived.

Progress towards the 25 % target sums `disconnected_area_m2`; a roof without a value
counted 0 m². The accounting rule (`app.domain.accounting`) now derives the value from
the geometry for types whose own surface is disconnected, and this column says which
values were given by a partner and which were derived. Values stored before are the
partners' ("given"); the empty ones of such types are derived by the application's
refresh after the migration (`klimawerk db migrate`), the one place the rule lives.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.sql import function_sql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _refresh(statement: str) -> None:
    # A refresh is no new version: the triggers keep version and history as they are.
    op.execute("SET LOCAL klimawerk.refresh = 'on'")
    op.execute(statement)
    op.execute("SET LOCAL klimawerk.refresh = 'off'")


def upgrade() -> None:
    op.add_column("measures", sa.Column("disconnected_area_source", sa.Text()))
    op.create_check_constraint(
        "disconnected_area_source",
        "measures",
        "disconnected_area_source IN ('given', 'derived')",
    )
    op.execute(function_sql("measure_feature_json", "0013"))
    # One pass: the write trigger rebuilds every Feature with the new property.
    _refresh(
        "UPDATE measures SET disconnected_area_source ="
        " CASE WHEN disconnected_area_m2 IS NOT NULL THEN 'given' END"
    )


def downgrade() -> None:
    op.execute(function_sql("measure_feature_json", "0012"))
    # Derived values were not given: they go back to empty, as before the accounting.
    _refresh(
        "UPDATE measures SET disconnected_area_m2 = NULL WHERE disconnected_area_source = 'derived'"
    )
    op.drop_constraint("ck_measures_disconnected_area_source", "measures")
    op.drop_column("measures", "disconnected_area_source")
    _refresh("UPDATE measures SET feature = measure_feature_json(measures)")
