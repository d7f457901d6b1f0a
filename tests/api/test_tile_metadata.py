"""Tile metadata: the region and the zooms it declares are those the tiles have."""

from __future__ import annotations

import httpx
import mapbox_vector_tile
import pytest

from app.domain.region import REGION
from app.domain.tiling import CLUSTERS_LAYER, MAX_ZOOM, MEASURES_LAYER, MIN_ZOOM
from tests.api.test_tiles import busiest_tile, tile_url

pytestmark = pytest.mark.usefixtures("demo")


async def test_tilejson_declares_the_tiling_zooms(client: httpx.AsyncClient) -> None:
    tilejson = (
        await client.get("/collections/measures/tiles/WebMercatorQuad/tilejson.json")
    ).json()
    assert (tilejson["minzoom"], tilejson["maxzoom"]) == (MIN_ZOOM, MAX_ZOOM)
    declared = {(v["id"], v["minzoom"], v["maxzoom"]) for v in tilejson["vector_layers"]}
    tileset = (await client.get("/collections/measures/tiles/WebMercatorQuad")).json()
    listed = {
        (v["id"], int(v["minTileMatrix"]), int(v["maxTileMatrix"])) for v in tileset["layers"]
    }
    layers = {
        (layer.id, layer.min_zoom, layer.max_zoom) for layer in (MEASURES_LAYER, CLUSTERS_LAYER)
    }
    assert declared == listed == layers


@pytest.mark.parametrize(
    ("z", "layer"),
    [
        (CLUSTERS_LAYER.max_zoom, CLUSTERS_LAYER.id),
        (MEASURES_LAYER.min_zoom, MEASURES_LAYER.id),
    ],
)
async def test_a_tile_carries_the_layer_declared_for_its_zoom(
    client: httpx.AsyncClient, z: int, layer: str
) -> None:
    tile = busiest_tile(z)
    response = await client.get(tile_url(tile.z, tile.x, tile.y))
    assert set(mapbox_vector_tile.decode(response.content)) == {layer}


async def test_tilejson_serves_the_region(client: httpx.AsyncClient) -> None:
    tilejson = await client.get("/collections/measures/tiles/WebMercatorQuad/tilejson.json")
    assert tilejson.json()["bounds"] == list(REGION.bounds)
