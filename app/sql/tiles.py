"""SQL for Mapbox Vector Tiles of measures (WebMercatorQuad): ST_AsMVT, kept per process."""

from __future__ import annotations

import hashlib

import asyncpg

from app.domain.tiling import FULL_DETAIL_ZOOM
from app.query.measure import MeasureQuery
from app.sql.measures import measure_where
from app.sql.response_cache import Entry, ResponseCache, current_version

EXTENT = 4096
BUFFER = 64
# One cluster per cell of this many display pixels (of a 256 px tile): big enough that
# the count fits in the circle and circles do not merge into a carpet.
CLUSTER_CELL_PX = 64
# A shape smaller than this many display pixels is drawn as a point symbol (its bbox
# centre): a 20 m roof at zoom 12-14 would otherwise be a 1-3 px speck beside 8 px
# points, and its vertices would weigh on the tile for nothing.
MIN_SHAPE_PX = 4
WORLD_M = 40075016.685578488

# Tiles carry what the map draws and what a click needs: the id (as 22 characters of
# base64url, not 36 of text: on dense zoom-12 tiles the ids are most of the bytes), the
# type (colour) and the review state (outline). The popup fetches the rest.
FEATURE_LAYER = """
WITH tile AS (
  SELECT ST_TileEnvelope({z}, {x}, {y}) AS env,
         ST_TileEnvelope({z}, {x}, {y}, margin => {margin}) AS search
), rows AS MATERIALIZED (  -- ST_AsMVTGeom once per row, not again in the filter
  SELECT ST_AsMVTGeom(
           CASE WHEN greatest(ST_XMax(m.geom_3857) - ST_XMin(m.geom_3857),
                              ST_YMax(m.geom_3857) - ST_YMin(m.geom_3857)) < {min_shape_m}
                THEN ST_Centroid(Box2D(m.geom_3857)::geometry)
                ELSE m.geom_3857 END,
           tile.env, {extent}, {buffer}, true) AS geom,
         rtrim(translate(encode(uuid_send(m.id), 'base64'), '+/', '-_'), '=') AS id,
         m.type, m.status, m.review_state
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


def pixel_m(z: int) -> float:
    """Metres (EPSG:3857) of one display pixel of a 256 px tile at zoom z."""
    return WORLD_M / (1 << z) / 256


# The tile and the data version come from one snapshot: the version kept with a tile
# is the one its data had.
MAKE = """
SELECT (SELECT version FROM data_version WHERE id = 1) AS version,
       coalesce(({tile_sql}), ''::bytea) AS tile
"""


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
            min_shape_m=where.param(pixel_m(z) * MIN_SHAPE_PX),
            where=where.sql(),
        )
    else:
        cell = pixel_m(z) * CLUSTER_CELL_PX
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
    conn: asyncpg.Connection, cache: ResponseCache, z: int, x: int, y: int, query: MeasureQuery
) -> Entry:
    """One tile (empty bytes when no feature is in it), kept while no data changes."""
    sql, values = _tile_sql(z, x, y, query)
    statement = MAKE.format(tile_sql=sql.strip().rstrip(";"))

    async def make(conn: asyncpg.Connection) -> tuple[int, bytes]:
        row = await conn.fetchrow(statement, *values)
        return int(row["version"]), bytes(row["tile"])

    version = await current_version(conn)
    return await cache.get(conn, _key(z, x, y, sql, values), version, make)
