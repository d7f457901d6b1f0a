"""The reviewer's note leaves the cached Feature: anonymous callers read that text as it
is, and the note belongs to those who see the review process (the API adds it for
them). The history keeps snapshots with the note, through `measure_snapshot`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _refresh_features() -> None:
    # A refresh is no new version: the triggers keep version and history as they are.
    op.execute("SET LOCAL klimawerk.refresh = 'on'")
    op.execute("UPDATE measures SET feature = measure_feature_json(measures)")
    op.execute("SET LOCAL klimawerk.refresh = 'off'")


def upgrade() -> None:
    op.execute(function_sql("measure_feature_json", "0011"))
    op.execute(function_sql("measure_snapshot", "0011"))
    op.execute(function_sql("measures_keep_history", "0011"))
    _refresh_features()


def downgrade() -> None:
    op.execute(function_sql("measures_keep_history", "0006"))
    op.execute("DROP FUNCTION measure_snapshot(measures)")
    op.execute(function_sql("measure_feature_json", "0009"))
    _refresh_features()
