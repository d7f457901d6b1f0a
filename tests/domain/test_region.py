"""The region box: what validation accepts is where the municipalities are."""

from __future__ import annotations

import asyncpg
import httpx
from shapely.geometry import box

from app.domain.region import REGION


async def test_the_region_holds_every_municipality(conn: asyncpg.Connection) -> None:
    row = await conn.fetchrow(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)"
        " FROM (SELECT ST_Extent(geom) AS e FROM municipalities) x"
    )
    assert REGION.contains(box(*row))


def test_a_shape_beyond_the_box_is_outside() -> None:
    minx, miny, maxx, maxy = REGION.bounds
    assert REGION.contains(box(minx, miny, maxx, maxy))
    assert not REGION.contains(box(minx, miny, maxx, maxy + 0.01))


async def test_tilejson_serves_the_region(client: httpx.AsyncClient) -> None:
    tilejson = await client.get("/collections/measures/tiles/WebMercatorQuad/tilejson.json")
    assert tilejson.json()["bounds"] == list(REGION.bounds)
