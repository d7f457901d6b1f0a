"""SQL for municipalities: loading boundaries and reading them as GeoJSON."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

UPSERT = """
INSERT INTO municipalities (ags, name, geom)
SELECT f->'properties'->>'ags',
       f->'properties'->>'name',
       ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326))
  FROM jsonb_array_elements($1::jsonb) AS f
ON CONFLICT (ags) DO UPDATE
   SET name = excluded.name, geom = excluded.geom
 WHERE municipalities.name IS DISTINCT FROM excluded.name
    OR NOT ST_Equals(municipalities.geom, excluded.geom)
"""

SELECT_AREAS = "SELECT ags, name, area_m2 FROM municipalities ORDER BY ags"

SELECT_AGS = "SELECT ags FROM municipalities"


async def upsert_boundaries(conn: asyncpg.Connection, features: list[dict[str, Any]]) -> int:
    """Insert or update municipalities from GeoJSON features; returns the number in the table."""
    await conn.execute(UPSERT, json.dumps(features))
    return int(await conn.fetchval("SELECT count(*) FROM municipalities"))


async def select_areas(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """AGS, name and area in m² (EPSG:25832) of every municipality."""
    return await conn.fetch(SELECT_AREAS)


async def select_name(conn: asyncpg.Connection, ags: str | None) -> str:
    """The municipality's name for messages; the AGS itself when it is unknown."""
    name = await conn.fetchval("SELECT name FROM municipalities WHERE ags = $1", ags)
    return name or str(ags)


async def select_ags(conn: asyncpg.Connection) -> set[str]:
    """The AGS of every loaded municipality."""
    return {row["ags"] for row in await conn.fetch(SELECT_AGS)}


FEATURE = """convert_to(json_build_object(
  'type', 'Feature', 'id', ags,
  'geometry', ST_AsGeoJSON(geom, 7)::json,
  'properties', json_build_object('ags', ags, 'name', name, 'area_m2', round(area_m2::numeric, 1))
)::text, 'UTF8')"""


async def select_features(
    conn: asyncpg.Connection,
    bbox: tuple[float, ...] | None,
    bbox_srid: int,
    after: str | None,
    limit: int,
) -> tuple[list[bytes], int, list[str]]:
    """Features (UTF-8 JSON) of municipalities after AGS `after`, the number matched, their AGS."""
    where = "true"
    args: list[object] = []
    if bbox:
        args.extend(bbox)
        where = (
            # ST_Envelope: a point bbox (a click on a map) stays a point, not an empty polygon.
            f"ST_Intersects(geom, ST_Transform(ST_Envelope(ST_MakeEnvelope($1, $2, $3, $4, "
            f"{int(bbox_srid)})), 4326))"
        )
    count_sql = f"SELECT count(*) FROM municipalities WHERE {where}"
    args.extend([after or "", limit + 1])
    n = len(args)
    rows = await conn.fetch(
        f"SELECT ags, {FEATURE} AS feature, ({count_sql}) AS matched FROM municipalities"
        f" WHERE {where} AND ags > ${n - 1} ORDER BY ags LIMIT ${n}",
        *args,
    )
    matched = rows[0]["matched"] if rows else int(await conn.fetchval(count_sql, *args[:-2]))
    return [r["feature"] for r in rows], matched, [r["ags"] for r in rows]


async def select_feature(conn: asyncpg.Connection, ags: str) -> bytes | None:
    """One municipality as Feature (UTF-8 JSON)."""
    return await conn.fetchval(f"SELECT {FEATURE} FROM municipalities WHERE ags = $1", ags)


async def select_extent(conn: asyncpg.Connection) -> asyncpg.Record:
    """The WGS84 bounding box of all municipalities."""
    return await conn.fetchrow(
        "SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy"
        " FROM (SELECT ST_Extent(geom) AS e FROM municipalities) s"
    )


async def select_names(conn: asyncpg.Connection, ags: list[str]) -> list[str]:
    """The names of the municipalities `ags` (those that exist)."""
    rows = await conn.fetch("SELECT name FROM municipalities WHERE ags = ANY($1::text[])", ags)
    return [row["name"] for row in rows]
