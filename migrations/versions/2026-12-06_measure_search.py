"""Full-text search of measures (`q`): a german tsvector and a trigram text per measure,
kept by a BEFORE trigger of their own and GIN-indexed (ADR 0021).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Functions this revision adds (migrations/sql/<function>/0014.sql).
FUNCTIONS = (
    "measure_search_fold",
    "measure_search_ascii",
    "measure_search_query",
    "measures_search_document",
)


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in FUNCTIONS:
        op.execute(function_sql(name, "0014"))
    op.execute("ALTER TABLE measures ADD COLUMN search_doc tsvector, ADD COLUMN search_text text")
    op.execute(
        "CREATE TRIGGER measures_search_document BEFORE INSERT OR UPDATE ON measures "
        "FOR EACH ROW EXECUTE FUNCTION measures_search_document()"
    )
    # A refresh is no new version: the triggers keep version and history as they are.
    op.execute("SET LOCAL klimawerk.refresh = 'on'")
    op.execute("UPDATE measures SET search_doc = NULL")
    op.execute("SET LOCAL klimawerk.refresh = 'off'")
    op.execute("CREATE INDEX ix_measures_search_doc ON measures USING gin (search_doc)")
    op.execute(
        "CREATE INDEX ix_measures_search_text ON measures USING gin (search_text gin_trgm_ops)"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER measures_search_document ON measures")
    op.execute("ALTER TABLE measures DROP COLUMN search_doc, DROP COLUMN search_text")
    op.execute("DROP FUNCTION measures_search_document()")
    op.execute("DROP FUNCTION measure_search_query(text[])")
    op.execute("DROP FUNCTION measure_search_ascii(text)")
    op.execute("DROP FUNCTION measure_search_fold(text)")
    # pg_trgm stays: another object may have come to use it.
