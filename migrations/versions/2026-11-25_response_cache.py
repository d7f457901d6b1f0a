"""The tile cache becomes a response cache (tiles and statistics); baselines bump the
data version too, since statistics depend on them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE tile_cache RENAME TO response_cache")
    op.execute("ALTER TABLE response_cache RENAME COLUMN tile TO body")
    op.execute("ALTER INDEX ix_tile_cache_version RENAME TO ix_response_cache_version")
    op.execute(function_sql("bump_data_version", "0005"))
    op.execute(
        "CREATE TRIGGER municipality_baselines_bump_data_version"
        " AFTER INSERT OR UPDATE OR DELETE ON municipality_baselines"
        " FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER municipality_baselines_bump_data_version ON municipality_baselines")
    op.execute("DROP FUNCTION bump_data_version()")
    op.execute("ALTER INDEX ix_response_cache_version RENAME TO ix_tile_cache_version")
    op.execute("ALTER TABLE response_cache RENAME COLUMN body TO tile")
    op.execute("ALTER TABLE response_cache RENAME TO tile_cache")
