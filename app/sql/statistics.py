"""SQL for statistics: counts, areas and the measures' water-balance volumes, grouped.

The WHERE clause is the items endpoint's (measure_where), so the sums always describe
exactly the measures a client can list with the same filter.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from app.query.measure import MeasureQuery, Visibility
from app.query.where import Where
from app.sql import kept_sums
from app.sql.measures import measure_where

# The columns of `municipality_baselines` a client sets (the fields of
# `app.schemas.baseline.BaselineInput`, tests/sql/test_statistics_summary.py holds them
# equal); listed here because app/sql lies below app/schemas.
BASELINE_COLUMNS = (
    "sealed_area_m2",
    "sealed_source",
    "sealed_year",
    "evaporation_rate",
    "evaporation_source",
    "precipitation_mm",
    "precipitation_source",
    "etp_mm",
    "climate_source",
    "reference_runoff",
    "reference_infiltration",
    "reference_evaporation",
    "reference_source",
    "is_demo",
)

# One pass to at most a few thousand (municipality, type, status, year) groups; the
# roll-ups are summed from these in Python, cheaper than five GROUPING SETS passes.
GROUPED = """
SELECT municipality, type, status, extract(year FROM completed_on)::int AS year,
       count(*) AS count,
       sum(area_m2) AS area_m2,
       sum(coalesce(disconnected_area_m2, 0)) AS disconnected_area_m2,
       sum(coalesce(disconnected_area_m2, 0)) FILTER (WHERE status = 'completed')
         AS disconnected_completed_m2,
       sum(coalesce(runoff_avoided_m3, 0)) AS runoff_avoided_m3,
       sum(coalesce(extra_evaporation_m3, 0)) AS extra_evaporation_m3,
       sum(coalesce(extra_evaporation_m3, 0)) FILTER (WHERE status = 'completed')
         AS extra_evaporation_completed_m3,
       sum(coalesce(extra_infiltration_m3, 0)) AS extra_infiltration_m3
  FROM measures WHERE {where}
 GROUP BY municipality, type, status, year
"""

BASELINES = """
SELECT m.ags, m.name, b.sealed_area_m2, b.sealed_source, b.sealed_year, b.evaporation_rate,
       b.evaporation_source, b.precipitation_mm, b.precipitation_source, b.etp_mm,
       b.climate_source, b.reference_runoff, b.reference_infiltration,
       b.reference_evaporation, b.reference_source, coalesce(b.is_demo, false) AS is_demo
  FROM municipalities m LEFT JOIN municipality_baselines b ON b.ags = m.ags
 ORDER BY m.ags
"""

# Achieved: completed and published, from the kept sums (published only, ADR 0006), by
# municipality and completion year (0: no date); the same for every caller and filter.
ACHIEVED = """
SELECT municipality, year, sum(count)::bigint AS count,
       sum(disconnected_area_m2)::float8 AS disconnected_m2,
       sum(runoff_avoided_m3)::float8 AS runoff_avoided_m3,
       sum(extra_evaporation_m3)::float8 AS extra_evaporation_m3,
       sum(extra_infiltration_m3)::float8 AS extra_infiltration_m3
  FROM measure_statistics WHERE status = 'completed' AND count > 0
 GROUP BY municipality, year
"""

# Completed but not (yet) published measures a signed-in caller may see: shown to it
# apart from, never in, the progress.
UNPUBLISHED = """
SELECT municipality, count(*) AS count,
       sum(coalesce(disconnected_area_m2, 0)) AS disconnected_m2,
       sum(coalesce(extra_evaporation_m3, 0)) AS extra_evaporation_m3
  FROM measures WHERE {where} AND status = 'completed' AND review_state = 'submitted'
 GROUP BY municipality
"""


# The same groups and columns as GROUPED, from the sums the triggers keep (0008).
SUMMARY = """
SELECT municipality, type, status, nullif(year, 0) AS year, count,
       area_m2::float8 AS area_m2,
       disconnected_area_m2::float8 AS disconnected_area_m2,
       CASE WHEN status = 'completed' THEN disconnected_area_m2::float8 END
         AS disconnected_completed_m2,
       runoff_avoided_m3::float8 AS runoff_avoided_m3,
       extra_evaporation_m3::float8 AS extra_evaporation_m3,
       CASE WHEN status = 'completed' THEN extra_evaporation_m3::float8 END
         AS extra_evaporation_completed_m3,
       extra_infiltration_m3::float8 AS extra_infiltration_m3
  FROM measure_statistics WHERE {where}
"""


async def select_grouped(conn: asyncpg.Connection, query: MeasureQuery) -> list[asyncpg.Record]:
    """Sums per (municipality, type, status, completion year)."""
    if kept_sums.answer(query):
        where = Where()
        condition = kept_sums.condition(query, where)
        return await conn.fetch(SUMMARY.format(where=condition), *where.values)
    where = measure_where(query)
    return await conn.fetch(GROUPED.format(where=where.sql()), *where.values)


async def select_baselines(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every municipality with its baseline (NULLs where none is set)."""
    return await conn.fetch(BASELINES)


async def select_achieved(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Sums of achieved measures by municipality and completion year."""
    return await conn.fetch(ACHIEVED)


async def select_unpublished(
    conn: asyncpg.Connection, visibility: Visibility
) -> list[asyncpg.Record]:
    """Completed, submitted measures the caller may see, by municipality."""
    where = measure_where(MeasureQuery(visibility=visibility))
    return await conn.fetch(UNPUBLISHED.format(where=where.sql()), *where.values)


async def upsert_baseline(
    conn: asyncpg.Connection, ags: str, values: dict[str, Any]
) -> asyncpg.Record:
    """Set the given fields of a municipality's baseline; the others stay as they are.
    Column names come from BASELINE_COLUMNS, never from input."""
    columns = [c for c in BASELINE_COLUMNS if c in values]
    names = ", ".join(["ags", *columns])
    placeholders = ", ".join(f"${i + 1}" for i in range(len(columns) + 1))
    updates = ", ".join([*(f"{c} = excluded.{c}" for c in columns), "updated_at = now()"])
    return await conn.fetchrow(
        f"INSERT INTO municipality_baselines AS b ({names}) VALUES ({placeholders})"
        f" ON CONFLICT (ags) DO UPDATE SET {updates} RETURNING *",
        ags,
        *(values[c] for c in columns),
    )


# Sealed area connected to the sewers, as a share of the municipal area, for demo
# baselines only: in the order of the Ruhr cities' sealed shares, not a survey of any.
DEMO_SEALED_SHARE = 0.18

DEMO_BASELINES = """
INSERT INTO municipality_baselines (ags, sealed_area_m2, sealed_source, sealed_year, is_demo)
SELECT m.ags, round((m.area_m2 * $1)::numeric, -3)::float8, $2, 2024, true
  FROM municipalities m
 WHERE NOT EXISTS (SELECT 1 FROM municipality_baselines b
                    WHERE b.ags = m.ags AND b.sealed_area_m2 IS NOT NULL)
ON CONFLICT (ags) DO UPDATE SET sealed_area_m2 = excluded.sealed_area_m2,
  sealed_source = excluded.sealed_source, sealed_year = excluded.sealed_year, is_demo = true,
  updated_at = now()
RETURNING ags
"""


async def insert_demo_baselines(conn: asyncpg.Connection) -> list[str]:
    """Demo sealed areas where no municipality has one; real baselines stay untouched.
    Their climate is unchanged, so the measures' impacts are too."""
    async with conn.transaction():
        source = (
            f"demo value: {DEMO_SEALED_SHARE:.0%} of the municipal area, not a survey; "
            "replace with `klimawerk baseline set`"
        )
        rows = await conn.fetch(DEMO_BASELINES, DEMO_SEALED_SHARE, source)
    return [row["ags"] for row in rows]
