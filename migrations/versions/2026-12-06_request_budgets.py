"""Request budgets shared by every worker process and instance of a deployment.

One row per caller and class of work: the time until which its bucket is spent (GCRA,
ADR 0011). UNLOGGED: a crash may forget the budgets, which only hands callers a full
bucket; no WAL is written for them, and replicas neither see nor need them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """CREATE UNLOGGED TABLE request_budgets (
             identity text NOT NULL,
             kind text NOT NULL,
             spent_until double precision NOT NULL,
             CONSTRAINT pk_request_budgets PRIMARY KEY (identity, kind))"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE request_budgets")
