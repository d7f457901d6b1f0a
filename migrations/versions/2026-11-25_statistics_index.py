"""A narrow covering index of published measures, so statistics read no wide heap rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The heap rows carry the cached Feature text (about 1 kB each); this index holds
    # just what /statistics sums, so public statistics are an index-only scan.
    op.execute(
        "CREATE INDEX ix_measures_published_statistics ON measures (municipality, type)"
        " INCLUDE (status, completed_on, area_m2, disconnected_area_m2, runoff_avoided_m3,"
        " extra_evaporation_m3, extra_infiltration_m3)"
        " WHERE deleted_at IS NULL AND review_state = 'published'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_measures_published_statistics")
