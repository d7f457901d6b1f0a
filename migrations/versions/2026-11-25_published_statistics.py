"""Sums of published measures per (municipality, type, status, completion year), kept
current by statement-level triggers, so public statistics read a few thousand rows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

from migrations.sql import function_sql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# numeric, not float8: sums kept by adding and subtracting deltas must return exactly to
# what they were, or they would drift from the measures' own values over time.
SUMS = (
    "area_m2",
    "disconnected_area_m2",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
)

# The rows of a transition table that count: published and not deleted. Year 0 stands
# for "not completed" (a key column cannot be NULL).
CONTRIBUTION = """
SELECT {sign} AS sign, municipality, type, status,
       coalesce(extract(year FROM completed_on)::int, 0) AS year,
       area_m2, coalesce(disconnected_area_m2, 0) AS disconnected_area_m2,
       coalesce(runoff_avoided_m3, 0) AS runoff_avoided_m3,
       coalesce(extra_evaporation_m3, 0) AS extra_evaporation_m3,
       coalesce(extra_infiltration_m3, 0) AS extra_infiltration_m3
  FROM {table} WHERE deleted_at IS NULL AND review_state = 'published'
"""


def _add(source: str) -> str:
    """Adds the signed contributions of `source` to the kept sums (one statement): the
    initial fill. The trigger function's file runs the same statement on its transition
    tables."""
    sums = ",\n           ".join(f"sum(sign * {c}::numeric) AS {c}" for c in SUMS)
    updates = ", ".join(f"{c} = s.{c} + excluded.{c}" for c in ("count", *SUMS))
    changed = " OR ".join(f"{c} <> 0" for c in ("count", *SUMS))
    return f"""
    INSERT INTO measure_statistics AS s
    SELECT * FROM (
      SELECT municipality, type, status, year, sum(sign) AS count,
             {sums}
        FROM ({source}) c
       GROUP BY municipality, type, status, year
    ) delta
     WHERE {changed}
     -- One lock order for every writer: concurrent statements cannot deadlock here.
     ORDER BY municipality, type, status, year
    ON CONFLICT (municipality, type, status, year) DO UPDATE SET {updates}"""


def upgrade() -> None:
    sum_columns = ",\n  ".join(f"{c} numeric NOT NULL" for c in SUMS)
    op.execute(f"""
CREATE TABLE measure_statistics (
  municipality varchar(8) NOT NULL,
  type text NOT NULL,
  status text NOT NULL,
  year int NOT NULL,
  count bigint NOT NULL,
  {sum_columns},
  CONSTRAINT pk_measure_statistics PRIMARY KEY (municipality, type, status, year)
)""")
    # The trigger function adds what each statement changes (migrations/sql/
    # measure_statistics_follow/0008.sql); the sums start from the measures there are.
    op.execute(function_sql("measure_statistics_follow", "0008"))
    op.execute("""
CREATE TRIGGER measures_statistics_insert AFTER INSERT ON measures
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION measure_statistics_follow()""")
    op.execute("""
CREATE TRIGGER measures_statistics_update AFTER UPDATE ON measures
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION measure_statistics_follow()""")
    op.execute("""
CREATE TRIGGER measures_statistics_delete AFTER DELETE ON measures
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION measure_statistics_follow()""")
    op.execute("""
CREATE TRIGGER measures_statistics_truncate AFTER TRUNCATE ON measures
  FOR EACH STATEMENT EXECUTE FUNCTION measure_statistics_follow()""")
    op.execute(_add(CONTRIBUTION.format(sign=1, table="measures")))


def downgrade() -> None:
    for event in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER measures_statistics_{event} ON measures")
    op.execute("DROP FUNCTION measure_statistics_follow()")
    op.execute("DROP TABLE measure_statistics")
