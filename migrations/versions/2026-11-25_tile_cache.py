"""Shared vector-tile cache, invalidated by a data version every write bumps.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One row whose version changes with every statement that writes measures. A tile is
# cached with the version read in the same snapshot as its data, so a cached tile is
# only ever served while no write has happened since it was made.
UPGRADE = [
    "CREATE TABLE data_version (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
    "INSERT INTO data_version VALUES (1, 1)",
    # A cache: no WAL, emptied after a crash, rebuilt on demand.
    """CREATE UNLOGGED TABLE tile_cache (
         key text PRIMARY KEY,
         version bigint NOT NULL,
         tile bytea NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now())""",
    "CREATE INDEX ix_tile_cache_version ON tile_cache (version)",
    function_sql("measures_bump_data_version", "0002"),
    """CREATE TRIGGER measures_bump_data_version
       AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON measures
       FOR EACH STATEMENT EXECUTE FUNCTION measures_bump_data_version()""",
]

DOWNGRADE = [
    "DROP TRIGGER IF EXISTS measures_bump_data_version ON measures",
    "DROP FUNCTION IF EXISTS measures_bump_data_version()",
    "DROP TABLE IF EXISTS tile_cache",
    "DROP TABLE IF EXISTS data_version",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
