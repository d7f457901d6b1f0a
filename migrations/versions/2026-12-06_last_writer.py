"""Whether a version was written without If-Match: QGIS and OWSLib never send it, so such
a write is accepted as the last writer's (ADR 0015) and the history says so. And
`measure_municipalities()`: every municipality a geometry reaches into, for the scope
of keys limited to some municipalities (issue 24).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
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


def downgrade() -> None:
    op.execute("DROP FUNCTION measure_municipalities(geometry, float8)")
    op.execute(function_sql("measures_keep_history", "0011"))
    for table in ("measure_history", "measures"):
        op.drop_column(table, "last_writer")
