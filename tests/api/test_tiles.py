"""Vector tiles: the right features, filters, empty tiles, caching, metadata."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import httpx
import morecantile
import numpy as np
import pytest
from shapely import wkt
from shapely.geometry import box, shape

from tests.tile_ids import decode_tile

pytestmark = pytest.mark.usefixtures("demo")
TMS = morecantile.tms.get("WebMercatorQuad")


def tile_url(z: int, x: int, y: int) -> str:
    return f"/collections/measures/tiles/WebMercatorQuad/{z}/{x}/{y}"


def busiest_tile(zoom: int) -> morecantile.Tile:
    # Essen's city centre: the demo data is densest in the big cities.
    return TMS.tile(7.012, 51.455, zoom)


async def expected_ids(pool: asyncpg.Pool, tile: morecantile.Tile, extra: str = "") -> set[str]:
    bounds = TMS.bounds(tile)
    window = box(bounds.left, bounds.bottom, bounds.right, bounds.top)
    rows = await pool.fetch(
        "SELECT id::text, ST_AsText(geom) AS wkt, type FROM measures"
        " WHERE review_state = 'published' AND deleted_at IS NULL" + extra
    )
    return {r["id"] for r in rows if wkt.loads(r["wkt"]).intersects(window)}


def flatten(coordinates: list) -> list[float]:
    """Every number of nested GeoJSON-like coordinates."""
    if isinstance(coordinates, (int, float)):
        return [coordinates]
    return [n for part in coordinates for n in flatten(part)]


def decode(content: bytes) -> dict:
    return decode_tile(content)


async def test_z14_tile_holds_exactly_the_intersecting_measures(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    tile = busiest_tile(14)
    response = await client.get(tile_url(tile.z, tile.x, tile.y))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    layer = decode(response.content)["measures"]
    got = {f["properties"]["id"] for f in layer["features"]}
    expected = await expected_ids(pool, tile)
    assert expected
    # The tile buffer (64/4096) may add features just outside; none may be missing.
    assert expected <= got
    assert len(got - expected) <= max(2, len(expected) // 10)
    # What the map draws and a click needs; the popup fetches the rest.
    assert set(layer["features"][0]["properties"]) == {"id", "type", "status", "review_state"}


async def test_small_shapes_are_points_at_low_measure_zooms(client: httpx.AsyncClient) -> None:
    tile = busiest_tile(12)
    layer = decode((await client.get(tile_url(tile.z, tile.x, tile.y))).content)["measures"]
    # A display pixel is 4096 / 256 = 16 tile units: shapes under 4 pixels are points.
    spans = [
        max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]))
        for f in layer["features"]
        if f["geometry"]["type"] != "Point"
        for xy in [np.array(list(flatten(f["geometry"]["coordinates"]))).reshape(-1, 2)]
    ]
    points = sum(f["geometry"]["type"] == "Point" for f in layer["features"])
    assert points > 10 * len(spans)  # most demo measures are small: roofs, yards, trees
    # Clipping at the tile edge may cut a big shape to a small piece; none is 1 px whole.
    assert min(spans, default=64) >= 16
    roof = (
        await client.get(
            "/collections/measures/items", params={"type": "green_roof_extensive", "limit": 1}
        )
    ).json()["features"][0]
    centre = shape(roof["geometry"]).representative_point()
    detailed = TMS.tile(centre.x, centre.y, 18)
    answer = await client.get(tile_url(detailed.z, detailed.x, detailed.y))
    layer = decode(answer.content)["measures"]
    assert "Polygon" in {f["geometry"]["type"] for f in layer["features"]}


async def test_tile_takes_the_items_filters(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    tile = busiest_tile(12)
    kind = "green_roof_extensive"
    response = await client.get(tile_url(tile.z, tile.x, tile.y), params={"type": kind})
    layer = decode(response.content)["measures"]
    assert {f["properties"]["type"] for f in layer["features"]} == {kind}
    assert {f["properties"]["id"] for f in layer["features"]} >= await expected_ids(
        pool, tile, f" AND type = '{kind}'"
    )
    cql = await client.get(tile_url(tile.z, tile.x, tile.y), params={"filter": f"type = '{kind}'"})
    assert cql.content == response.content


async def test_low_zoom_tiles_carry_clusters_that_count_every_measure(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    tile = busiest_tile(9)
    layer = decode((await client.get(tile_url(tile.z, tile.x, tile.y))).content)["clusters"]
    total = sum(f["properties"]["count"] for f in layer["features"])
    bounds = TMS.bounds(tile)
    inside = await pool.fetchval(
        "SELECT count(*) FROM measures WHERE review_state = 'published' AND deleted_at IS NULL"
        " AND geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)",
        *bounds,
    )
    assert total == inside > 0


async def test_empty_tile_is_204(client: httpx.AsyncClient) -> None:
    response = await client.get(tile_url(14, 0, 0))
    assert response.status_code == 204
    assert response.content == b""


async def test_tile_caching_headers(client: httpx.AsyncClient) -> None:
    tile = busiest_tile(14)
    first = await client.get(tile_url(tile.z, tile.x, tile.y))
    assert "max-age" in first.headers["cache-control"]
    etag = first.headers["etag"]
    again = await client.get(tile_url(tile.z, tile.x, tile.y), headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (tile_url(23, 0, 0), 404),
        (tile_url(3, 8, 0), 404),
        (tile_url(3, -1, 0), 404),
        ("/collections/measures/tiles/WebMercatorQuad/a/b/c", 400),
    ],
)
async def test_tiles_outside_the_matrix(client: httpx.AsyncClient, path: str, status: int) -> None:
    response = await client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


async def test_tileset_metadata_and_tilejson(client: httpx.AsyncClient) -> None:
    tilesets = (await client.get("/collections/measures/tiles")).json()
    assert tilesets["tilesets"][0]["dataType"] == "vector"
    tilejson = (
        await client.get(
            "/collections/measures/tiles/WebMercatorQuad/tilejson.json", params={"type": "swale"}
        )
    ).json()
    assert tilejson["tiles"][0].endswith("/{z}/{x}/{y}?type=swale")
    assert {layer["id"] for layer in tilejson["vector_layers"]} == {"measures", "clusters"}
    tms = (await client.get("/tileMatrixSets/WebMercatorQuad")).json()
    assert tms["id"] == "WebMercatorQuad"


async def test_a_write_invalidates_cached_tiles(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    from shapely.geometry import Point

    from tests.factories import insert_measure

    tile = busiest_tile(15)
    url = tile_url(tile.z, tile.x, tile.y)
    before = await client.get(url)
    # Mark the cache's copy of the tile: the next answer carries the mark, so it came
    # from this process's cache and not from ST_AsMVT.
    entries = client._transport.app.state.response_cache._entries  # type: ignore[attr-defined]
    prefix = f"{tile.z}/{tile.x}/{tile.y}/"
    keys = [k for k, e in entries.items() if k.startswith(prefix) and e.body == before.content]
    assert keys
    mark = b"|from the cache"
    for key in keys:
        entries[key] = replace(entries[key], body=before.content + mark)
    try:
        assert (await client.get(url)).content == before.content + mark
    finally:
        for key in keys:
            entries[key] = replace(entries[key], body=before.content)
    bounds = TMS.bounds(tile)
    centre = Point((bounds.left + bounds.right) / 2, (bounds.bottom + bounds.top) / 2)
    async with pool.acquire() as conn:
        row = await insert_measure(conn, centre, type="cistern", title="Neu im Cache")
    try:
        after = decode((await client.get(url)).content)["measures"]
        assert str(row["id"]) in {f["properties"]["id"] for f in after["features"]}
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])
    gone = decode((await client.get(url)).content).get("measures", {"features": []})
    assert str(row["id"]) not in {f["properties"]["id"] for f in gone["features"]}


async def test_cached_tile_equals_a_freshly_made_one(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    tile = busiest_tile(14)
    cached = (await client.get(tile_url(tile.z, tile.x, tile.y))).content
    client._transport.app.state.response_cache.clear()  # type: ignore[attr-defined]
    fresh = (await client.get(tile_url(tile.z, tile.x, tile.y))).content
    assert cached == fresh


async def test_a_partners_tiles_show_its_submitted_measures_marked_as_such(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict[str, dict[str, str]]
) -> None:
    from shapely.geometry import Point

    from tests.api.conftest import auth
    from tests.factories import insert_measure

    tile = busiest_tile(16)
    bounds = TMS.bounds(tile)
    centre = Point((bounds.left + bounds.right) / 2, (bounds.bottom + bounds.top) / 2)
    async with pool.acquire() as conn:
        row = await insert_measure(
            conn, centre, type="cistern", review_state="submitted", partner="Vivawest"
        )
    url = tile_url(tile.z, tile.x, tile.y)
    try:
        own = decode((await client.get(url, headers=auth(roles["partner"]))).content)
        states = {
            f["properties"]["id"]: f["properties"]["review_state"]
            for f in own["measures"]["features"]
        }
        assert states[str(row["id"])] == "submitted"
        public = await client.get(url)
        public_ids = (
            {f["properties"]["id"] for f in decode(public.content)["measures"]["features"]}
            if public.status_code == 200
            else set()
        )
        assert str(row["id"]) not in public_ids
        assert public.headers["cache-control"].startswith("public")
        assert public.headers["vary"] == "Authorization, X-API-Key"
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])
