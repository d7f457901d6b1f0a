"""SQL for Mapbox Vector Tiles of measures (WebMercatorQuad), built by ST_AsMVT."""

from __future__ import annotations

import asyncpg

from app.sql.measures import MeasureQuery, measure_where

EXTENT = 4096
BUFFER = 64
# Below this zoom a tile would carry tens of thousands of tiny shapes: it carries
# clusters (one point per occupied cell, with a count) instead.
FULL_DETAIL_ZOOM = 12
CLUSTER_CELL_PX = 16  # of a 256 px display tile
WORLD_M = 40075016.685578488

FEATURE_LAYER = """
WITH tile AS (
  SELECT ST_TileEnvelope({z}, {x}, {y}) AS env,
         ST_Transform(ST_TileEnvelope({z}, {x}, {y}, margin => {margin}), 4326) AS search
), rows AS (
  SELECT ST_AsMVTGeom(ST_Transform(m.geom, 3857), tile.env, {extent}, {buffer}, true) AS geom,
         m.id::text AS id, m.type, m.status, m.title, m.municipality,
         round(m.area_m2::numeric, 1)::float8 AS area_m2, m.completed_on::text AS completed_on
    FROM measures m, tile
   WHERE m.geom && tile.search AND {where}
)
SELECT ST_AsMVT(rows.*, 'measures', {extent}, 'geom') FROM rows WHERE geom IS NOT NULL
"""

CLUSTER_LAYER = """
WITH tile AS (
  SELECT ST_TileEnvelope({z}, {x}, {y}) AS env,
         ST_Transform(ST_TileEnvelope({z}, {x}, {y}), 4326) AS search
), points AS (
  SELECT ST_Transform(ST_PointOnSurface(m.geom), 3857) AS p, m.type
    FROM measures m, tile
   WHERE m.geom && tile.search AND {where}
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


async def select_tile(
    conn: asyncpg.Connection, z: int, x: int, y: int, query: MeasureQuery
) -> bytes:
    """The MVT bytes of one tile (empty bytes when nothing is in it)."""
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
    data = await conn.fetchval(sql, *where.values)
    return bytes(data or b"")
