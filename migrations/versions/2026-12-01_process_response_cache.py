"""The response cache moves into each API process (it must work on read-only replicas);
boundaries bump the data version too, since extents and tiles depend on them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DROP TABLE response_cache")
    op.execute(
        "CREATE TRIGGER municipalities_bump_data_version"
        " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities"
        " FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER municipalities_bump_data_version ON municipalities")
    op.execute(
        """CREATE UNLOGGED TABLE response_cache (
             key text PRIMARY KEY,
             version bigint NOT NULL,
             body bytea NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now())"""
    )
    op.execute("CREATE INDEX ix_response_cache_version ON response_cache (version)")
