"""Full-text search of measures (`q`): a german tsvector per measure (GIN), kept by a
BEFORE trigger of its own, and the words of the measures' names (trigram GIN) that
typos are corrected against (ADR 0021).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Functions this revision adds (migrations/sql/<function>/0014.sql).
FUNCTIONS = (
    "measure_search_fold",
    "measure_search_ascii",
    "measure_search_query",
    "measures_search_document",
    "measures_search_words",
)


def upgrade() -> None:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("ALTER TABLE measures ADD COLUMN search_doc tsvector, ADD COLUMN search_text text")
    # The words of the measures' names, which typos are corrected against.
    op.execute("CREATE TABLE measure_search_words (word text PRIMARY KEY)")
    op.execute(
        "CREATE INDEX ix_measure_search_words_trigram ON measure_search_words"
        " USING gin (word gin_trgm_ops)"
    )
    for name in FUNCTIONS:
        op.execute(function_sql(name, "0014"))
    # Reads the word list: defined once the table exists.
    op.execute(function_sql("measure_search_corrections", "0014"))
    op.execute(
        "CREATE TRIGGER measures_search_document BEFORE INSERT OR UPDATE ON measures "
        "FOR EACH ROW EXECUTE FUNCTION measures_search_document()"
    )
    for event in ("insert", "update"):
        # A trigger with a transition table takes one event only.
        op.execute(
            f"CREATE TRIGGER measures_search_words_{event} AFTER {event.upper()} ON measures"
            " REFERENCING NEW TABLE AS written"
            " FOR EACH STATEMENT EXECUTE FUNCTION measures_search_words()"
        )
    # A refresh is no new version: the triggers keep version and history as they are.
    op.execute("SET LOCAL klimawerk.refresh = 'on'")
    op.execute("UPDATE measures SET search_doc = NULL")
    op.execute("SET LOCAL klimawerk.refresh = 'off'")
    op.execute("CREATE INDEX ix_measures_search_doc ON measures USING gin (search_doc)")


def downgrade() -> None:
    op.execute("DROP TRIGGER measures_search_words_insert ON measures")
    op.execute("DROP TRIGGER measures_search_words_update ON measures")
    op.execute("DROP FUNCTION measures_search_words()")
    op.execute("DROP FUNCTION measure_search_corrections(text[])")
    op.execute("DROP TABLE measure_search_words")
    op.execute("DROP TRIGGER measures_search_document ON measures")
    op.execute("ALTER TABLE measures DROP COLUMN search_doc, DROP COLUMN search_text")
    op.execute("DROP FUNCTION measures_search_document()")
    op.execute("DROP FUNCTION measure_search_query(text[])")
    op.execute("DROP FUNCTION measure_search_ascii(text)")
    op.execute("DROP FUNCTION measure_search_fold(text)")
    # pg_trgm stays: another object may have come to use it.
