"""SQL for statistics: counts, areas and the measures' water-balance volumes, grouped.

The WHERE clause is the items endpoint's (measure_where), so the sums always describe
exactly the measures a client can list with the same filter.
"""

from __future__ import annotations

import asyncpg

from app.query.measure import MeasureQuery
from app.query.where import Where
from app.sql import kept_sums
from app.sql.measure_types import refresh_derived
from app.sql.measures import measure_where

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
       b.evaporation_source, coalesce(b.precipitation_mm, $1) AS precipitation_mm,
       b.precipitation_source, coalesce(b.is_demo, false) AS is_demo
  FROM municipalities m LEFT JOIN municipality_baselines b ON b.ags = m.ags
 ORDER BY m.ags
"""

UPSERT_BASELINE = """
INSERT INTO municipality_baselines AS b (ags, sealed_area_m2, sealed_source, sealed_year,
  evaporation_rate, evaporation_source, precipitation_mm, precipitation_source, is_demo)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::bool, false))
ON CONFLICT (ags) DO UPDATE SET
  sealed_area_m2 = coalesce(excluded.sealed_area_m2, b.sealed_area_m2),
  sealed_source = coalesce(excluded.sealed_source, b.sealed_source),
  sealed_year = coalesce(excluded.sealed_year, b.sealed_year),
  evaporation_rate = coalesce(excluded.evaporation_rate, b.evaporation_rate),
  evaporation_source = coalesce(excluded.evaporation_source, b.evaporation_source),
  precipitation_mm = coalesce(excluded.precipitation_mm, b.precipitation_mm),
  precipitation_source = coalesce(excluded.precipitation_source, b.precipitation_source),
  is_demo = coalesce($9::bool, b.is_demo), updated_at = now()
RETURNING *
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


async def select_baselines(
    conn: asyncpg.Connection, precipitation_mm: float
) -> list[asyncpg.Record]:
    """Every municipality with its baseline (NULLs where none is set)."""
    return await conn.fetch(BASELINES, precipitation_mm)


async def upsert_baseline(conn: asyncpg.Connection, ags: str, values: dict) -> asyncpg.Record:
    """Set (parts of) a municipality's baseline; its measures' impacts follow."""
    async with conn.transaction():
        row = await conn.fetchrow(
            UPSERT_BASELINE,
            ags,
            values.get("sealed_area_m2"),
            values.get("sealed_source"),
            values.get("sealed_year"),
            values.get("evaporation_rate"),
            values.get("evaporation_source"),
            values.get("precipitation_mm"),
            values.get("precipitation_source"),
            values.get("is_demo"),  # None: as it was (a new baseline: not demo)
        )
        await refresh_derived(conn, ags)
    return row


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
    """Demo sealed areas where no municipality has one; real baselines stay untouched."""
    async with conn.transaction():
        source = (
            f"demo value: {DEMO_SEALED_SHARE:.0%} of the municipal area, not a survey; "
            "replace with `klimawerk baseline set`"
        )
        rows = await conn.fetch(DEMO_BASELINES, DEMO_SEALED_SHARE, source)
        for row in rows:
            await refresh_derived(conn, row["ags"])
    return [row["ags"] for row in rows]
