"""SQL for statistics: counts, areas and water-balance volumes, grouped several ways.

The WHERE clause is the items endpoint's (measure_where), so the sums always describe
exactly the measures a client can list with the same filter.
"""

from __future__ import annotations

import asyncpg

from app.domain.catalogue import WaterBalance
from app.sql.measures import MeasureQuery, measure_where

# Volumes per measure: rain on the affected area, split like the measure instead of
# like the reference state (see app/domain/water_balance.py for the same rule in Python).
GROUPED = """
WITH f AS (
  SELECT * FROM measures WHERE {where}
), shares AS (  -- read the catalogue's JSON once, not once per measure
  SELECT id, drains_catchment,
         (details->'water_balance'->>'runoff')::float8 AS a,
         (details->'water_balance'->>'infiltration')::float8 AS g,
         (details->'water_balance'->>'evaporation')::float8 AS v
    FROM measure_types
), m AS (
  SELECT m.municipality, m.type, m.status, extract(year FROM m.completed_on)::int AS year,
         m.area_m2, coalesce(m.disconnected_area_m2, 0) AS disconnected_m2,
         (m.status = 'completed') AS done,
         CASE WHEN t.drains_catchment AND m.disconnected_area_m2 > 0
              THEN m.disconnected_area_m2 ELSE m.area_m2 END
           * coalesce(b.precipitation_mm, {p}) / 1000.0 AS rain_m3,
         t.a, t.g, t.v
    FROM f m
    JOIN shares t ON t.id = m.type
    LEFT JOIN municipality_baselines b ON b.ags = m.municipality
)
SELECT grouping(municipality) AS g_municipality, grouping(type) AS g_type,
       grouping(status) AS g_status, grouping(year) AS g_year,
       municipality, type, status, year,
       count(*) AS count,
       sum(area_m2) AS area_m2,
       sum(disconnected_m2) AS disconnected_area_m2,
       sum(disconnected_m2) FILTER (WHERE done) AS disconnected_completed_m2,
       sum(rain_m3 * ({ra} - a)) AS runoff_avoided_m3,
       sum(rain_m3 * (v - {rv})) AS extra_evaporation_m3,
       sum(rain_m3 * (v - {rv})) FILTER (WHERE done) AS extra_evaporation_completed_m3,
       sum(rain_m3 * (g - {rg})) AS extra_infiltration_m3
  FROM m
 GROUP BY GROUPING SETS ((), (type), (status), (year), (municipality))
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
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (ags) DO UPDATE SET
  sealed_area_m2 = coalesce(excluded.sealed_area_m2, b.sealed_area_m2),
  sealed_source = coalesce(excluded.sealed_source, b.sealed_source),
  sealed_year = coalesce(excluded.sealed_year, b.sealed_year),
  evaporation_rate = coalesce(excluded.evaporation_rate, b.evaporation_rate),
  evaporation_source = coalesce(excluded.evaporation_source, b.evaporation_source),
  precipitation_mm = coalesce(excluded.precipitation_mm, b.precipitation_mm),
  precipitation_source = coalesce(excluded.precipitation_source, b.precipitation_source),
  is_demo = excluded.is_demo, updated_at = now()
RETURNING *
"""


async def select_grouped(
    conn: asyncpg.Connection, query: MeasureQuery, reference: WaterBalance, precipitation_mm: float
) -> list[asyncpg.Record]:
    """Totals and breakdowns by type, status, completion year and municipality."""
    where = measure_where(query)
    sql = GROUPED.format(
        where=where.sql(),
        p=where.param(precipitation_mm) + "::float8",
        ra=where.param(reference.runoff) + "::float8",
        rv=where.param(reference.evaporation) + "::float8",
        rg=where.param(reference.infiltration) + "::float8",
    )
    return await conn.fetch(sql, *where.values)


async def select_baselines(
    conn: asyncpg.Connection, precipitation_mm: float
) -> list[asyncpg.Record]:
    """Every municipality with its baseline (NULLs where none is set)."""
    return await conn.fetch(BASELINES, precipitation_mm)


async def upsert_baseline(conn: asyncpg.Connection, ags: str, values: dict) -> asyncpg.Record:
    """Set (parts of) a municipality's baseline."""
    return await conn.fetchrow(
        UPSERT_BASELINE,
        ags,
        values.get("sealed_area_m2"),
        values.get("sealed_source"),
        values.get("sealed_year"),
        values.get("evaporation_rate"),
        values.get("evaporation_source"),
        values.get("precipitation_mm"),
        values.get("precipitation_source"),
        bool(values.get("is_demo", False)),
    )
