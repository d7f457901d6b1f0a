"""Municipal baselines for the Klima.Werk targets: sealed area, evaporation, precipitation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "municipality_baselines",
        sa.Column("ags", sa.String(8), sa.ForeignKey("municipalities.ags"), primary_key=True),
        sa.Column("sealed_area_m2", sa.Float),
        sa.Column("sealed_source", sa.Text),
        sa.Column("sealed_year", sa.Integer),
        sa.Column("evaporation_rate", sa.Float, comment="share of precipitation, 0..1"),
        sa.Column("evaporation_source", sa.Text),
        sa.Column("precipitation_mm", sa.Float, comment="long-term annual mean"),
        sa.Column("precipitation_source", sa.Text),
        sa.Column("is_demo", sa.Boolean, nullable=False, server_default="false"),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("sealed_area_m2 > 0", name="sealed_area_positive"),
        sa.CheckConstraint("evaporation_rate between 0 and 1", name="evaporation_share"),
        sa.CheckConstraint("precipitation_mm between 200 and 2000", name="precipitation_plausible"),
    )


def downgrade() -> None:
    op.drop_table("municipality_baselines")
