"""Idempotency keys (a retried POST returns the first response); published-id index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Anonymous reads (published, not deleted) page in id order and count matches:
    # this narrow index serves both without touching the wide heap rows.
    op.execute(
        "CREATE INDEX ix_measures_published_id ON measures (id)"
        " WHERE deleted_at IS NULL AND review_state = 'published'"
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("partner", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("etag", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.execute("DROP INDEX IF EXISTS ix_measures_published_id")
