"""The region box of validation holds every municipality as the database has it."""

from __future__ import annotations

import asyncpg
from shapely.geometry import box

from app.domain.region import REGION


async def test_the_region_holds_every_municipality(conn: asyncpg.Connection) -> None:
    row = await conn.fetchrow(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)"
        " FROM (SELECT ST_Extent(geom) AS e FROM municipalities) x"
    )
    assert REGION.contains(box(*row))
