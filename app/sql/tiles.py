"""SQL for Mapbox Vector Tiles of measures (WebMercatorQuad): ST_AsMVT, cached."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import asyncpg

from app.domain.rounding import AREA_DECIMALS
from app.domain.tiling import FULL_DETAIL_ZOOM
from app.query.measure import MeasureQuery
from app.sql import response_cache
from app.sql.measures import measure_where

EXTENT = 4096
BUFFER = 64
CLUSTER_CELL_PX = 16  # of a 256 px display tile
WORLD_M = 40075016.685578488

FEATURE_LAYER = """
WITH tile AS (
  SELECT ST_TileEnvelope({z}, {x}, {y}) AS env,
         ST_TileEnvelope({z}, {x}, {y}, margin => {margin}) AS search
), rows AS MATERIALIZED (  -- ST_AsMVTGeom once per row, not again in the filter
  SELECT ST_AsMVTGeom(m.geom_3857, tile.env, {extent}, {buffer}, true) AS geom,
         m.id::text AS id, m.type, m.status, m.title, m.municipality,
         round(m.area_m2::numeric, {area_decimals})::float8 AS area_m2, m.completed_on::text AS completed_on,
         m.review_state
    FROM measures m, tile
   WHERE m.geom_3857 && tile.search AND {where}
)
SELECT ST_AsMVT(rows.*, 'measures', {extent}, 'geom') FROM rows WHERE geom IS NOT NULL
"""

CLUSTER_LAYER = """
WITH tile AS (
  SELECT ST_TileEnvelope({z}, {x}, {y}) AS env
), points AS (
  -- The bbox centre stands for a measure: as good as a surface point for a cluster,
  -- and free of GEOS, which matters with hundreds of thousands of rows.
  SELECT ST_Centroid(Box2D(m.geom_3857)::geometry) AS p, m.type
    FROM measures m, tile
   WHERE m.geom_3857 && tile.env AND {where}
), cells AS (
  SELECT ST_AsMVTGeom(ST_Centroid(ST_Collect(p)), (SELECT env FROM tile), {extent}, 0, true)
           AS geom,
         count(*)::int AS count,
         mode() WITHIN GROUP (ORDER BY type) AS type
    FROM points
   GROUP BY ST_SnapToGrid(p, {cell})
)
SELECT ST_AsMVT(cells.*, 'clusters', {extent}, 'geom') FROM cells WHERE geom IS NOT NULL
"""


# The tile and the data version come from one snapshot: the version stored with a
# tile is the one its data had.
STORE = """
WITH made AS (
  SELECT coalesce(({tile_sql}), ''::bytea) AS tile,
         (SELECT version FROM data_version WHERE id = 1) AS version
)
INSERT INTO response_cache (key, version, body)
SELECT {key}, made.version, made.tile FROM made
ON CONFLICT (key) DO UPDATE SET version = excluded.version, body = excluded.body,
                                created_at = now()
  WHERE response_cache.version < excluded.version
RETURNING body, version
"""


@dataclass(frozen=True)
class Tile:
    """MVT bytes (empty when no feature is in the tile) and the data version they show."""

    data: bytes
    version: int


def _tile_sql(z: int, x: int, y: int, query: MeasureQuery) -> tuple[str, list[object]]:
    where = measure_where(query)
    tile = [where.param(v) for v in (z, x, y)]
    if z >= FULL_DETAIL_ZOOM:
        sql = FEATURE_LAYER.format(
            z=tile[0],
            x=tile[1],
            y=tile[2],
            margin=BUFFER / EXTENT,
            extent=EXTENT,
            buffer=BUFFER,
            area_decimals=AREA_DECIMALS,
            where=where.sql(),
        )
    else:
        cell = WORLD_M / (1 << z) * CLUSTER_CELL_PX / 256
        sql = CLUSTER_LAYER.format(
            z=tile[0],
            x=tile[1],
            y=tile[2],
            extent=EXTENT,
            cell=where.param(cell),
            where=where.sql(),
        )
    return sql, where.values


def _key(z: int, x: int, y: int, sql: str, values: list[object]) -> str:
    digest = hashlib.blake2b(f"{sql}|{values!r}".encode(), digest_size=16).hexdigest()
    return f"{z}/{x}/{y}/{digest}"


async def select_tile(
    conn: asyncpg.Connection, z: int, x: int, y: int, query: MeasureQuery
) -> Tile:
    """One tile, from the cache when no measure changed since it was made."""
    sql, values = _tile_sql(z, x, y, query)
    key = _key(z, x, y, sql, values)
    row = await conn.fetchrow(response_cache.CACHED, key)
    if row is None:
        # Concurrent misses of one tile wait for the first to make it, then read it.
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", key)
        try:
            row = await conn.fetchrow(response_cache.CACHED, key) or await _store(
                conn, sql, values, key
            )
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", key)
        await response_cache.maybe_prune(conn)
    return Tile(bytes(row["body"]) if row else b"", row["version"] if row else 0)


async def _store(
    conn: asyncpg.Connection, sql: str, values: list[object], key: str
) -> asyncpg.Record | None:
    store = STORE.format(tile_sql=sql.strip().rstrip(";"), key=f"${len(values) + 1}")
    row = await conn.fetchrow(store, *values, key)
    if row is None:  # another worker stored a newer version meanwhile
        row = await conn.fetchrow(response_cache.CACHED, key) or await conn.fetchrow(
            store, *values, key
        )
    return row
