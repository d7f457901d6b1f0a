"""Whether a version was written without If-Match: QGIS and OWSLib never send it, so such
a write is accepted as the last writer's (ADR 0015) and the history says so. And
`measure_municipalities()`: every municipality a geometry reaches into, for the scope
of keys limited to some municipalities (issue 24). And `revision_of`: an edit of a
published measure by a partner is kept as a pending revision, a row of its own, while
the public keeps the published version (issue 24, "published stays published").

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
from alembic import op

from migrations.sql import function_sql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("measures", "measure_history"):
        op.add_column(
            table,
            sa.Column("last_writer", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    op.execute(function_sql("measures_keep_history", "0012"))
    op.execute(function_sql("measure_municipalities", "0012"))
    op.add_column(
        "measures",
        sa.Column(
            "revision_of",
            sa.dialects.postgresql.UUID(as_uuid=True),
            sa.ForeignKey("measures.id", name="fk_measures_revision_of_measures"),
            nullable=True,
        ),
    )
    # One pending revision per measure: a partner's next edit changes that one.
    op.create_index(
        "ux_measures_pending_revision",
        "measures",
        ["revision_of"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL AND review_state = 'submitted'"),
    )
    op.execute(function_sql("measure_feature_json", "0012"))
    _refresh_features()


def _refresh_features() -> None:
    # A refresh is no new version: the triggers keep version and history as they are.
    op.execute("SET LOCAL klimawerk.refresh = 'on'")
    op.execute("UPDATE measures SET feature = measure_feature_json(measures)")
    op.execute("SET LOCAL klimawerk.refresh = 'off'")


def downgrade() -> None:
    op.execute(function_sql("measure_feature_json", "0011"))
    op.drop_index("ux_measures_pending_revision", table_name="measures")
    op.drop_column("measures", "revision_of")
    _refresh_features()
    op.execute("DROP FUNCTION measure_municipalities(geometry, float8)")
    op.execute(function_sql("measures_keep_history", "0011"))
    for table in ("measure_history", "measures"):
        op.drop_column(table, "last_writer")
