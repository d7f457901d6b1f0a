"""`/collections/measures/tiles…`: vector tiles (MVT) and their metadata."""

from __future__ import annotations

import hashlib
from typing import Annotated

import morecantile
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.deps import PoolDep
from app.api.landing import base_url
from app.api.measure_query import FILTER_PARAMETERS, measure_query
from app.api.render import json_response
from app.db.session import connection
from app.errors import InvalidParameter, NotFound
from app.ogc.links import JSON, link
from app.sql import measures, tiles

router = APIRouter(tags=["tiles"])

MVT = "application/vnd.mapbox-vector-tile"
TMS_ID = "WebMercatorQuad"
MIN_ZOOM, MAX_ZOOM = 0, 22
TILE_TEMPLATE = "/collections/measures/tiles/WebMercatorQuad/{z}/{x}/{y}"
# Tiles change when measures do; a minute of caching spares the database while a map
# pans, and the ETag lets caches revalidate cheaply after that.
CACHE_CONTROL = "public, max-age=60"


def _tms() -> morecantile.TileMatrixSet:
    return morecantile.tms.get(TMS_ID)


async def tile_query(
    query: Annotated[measures.MeasureQuery, Depends(measure_query)],
) -> measures.MeasureQuery:
    """The items query, used as the tile filter (paging and output options do not apply)."""
    if query.bbox or query.sortby or query.drop_properties or not query.crs.is_default:
        raise InvalidParameter("tiles take filters only (no bbox, crs, sortby or properties)")
    return query


@router.get(
    TILE_TEMPLATE,
    summary="A vector tile of measures",
    openapi_extra={"parameters": FILTER_PARAMETERS},
    response_class=Response,
    responses={200: {"content": {MVT: {}}}, 204: {}},
)
async def get_measure_tile(
    z: int,
    x: int,
    y: int,
    request: Request,
    pool: PoolDep,
    query: Annotated[measures.MeasureQuery, Depends(tile_query)],
) -> Response:
    """Mapbox Vector Tile; layer `measures` from zoom 12, `clusters` below; 204 when empty."""
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise NotFound(f"zoom {z} is outside {MIN_ZOOM}..{MAX_ZOOM}")
    if not (0 <= x < 1 << z and 0 <= y < 1 << z):
        raise NotFound(f"tile {z}/{x}/{y} does not exist in WebMercatorQuad")
    async with connection(pool) as conn:
        tile = await tiles.select_tile(conn, z, x, y, query)
    visibility = "public" if query.visibility.anonymous else "private"
    # The same URL answers differently with a key: caches must keep them apart.
    headers = {
        "Cache-Control": CACHE_CONTROL.replace("public", visibility),
        "Vary": "Authorization, X-API-Key",
    }
    if not tile.data:
        return Response(status_code=204, headers=headers)
    etag = '"' + hashlib.blake2b(tile.data, digest_size=12).hexdigest() + '"'
    headers["ETag"] = etag
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(tile.data, media_type=MVT, headers=headers)


def _tileset(base: str) -> dict:
    tms = _tms()
    return {
        "title": "Klima.Werk measures",
        "dataType": "vector",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "tileMatrixSetURI": "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad",
        "links": [
            link(f"{base}/collections/measures/tiles/{TMS_ID}", "self", JSON, "this tileset"),
            link(
                f"{base}/tileMatrixSets/{TMS_ID}",
                "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                JSON,
                tms.id,
            ),
            {
                "href": f"{base}{TILE_TEMPLATE}".replace("{z}", "{tileMatrix}")
                .replace("{y}", "{tileRow}")
                .replace("{x}", "{tileCol}"),
                "rel": "item",
                "type": MVT,
                "templated": True,
                "title": "tiles",
            },
        ],
        "layers": [
            {
                "id": "measures",
                "dataType": "vector",
                "minTileMatrix": "12",
                "maxTileMatrix": str(MAX_ZOOM),
                "geometryType": "geometry",
            },
            {
                "id": "clusters",
                "dataType": "vector",
                "minTileMatrix": "0",
                "maxTileMatrix": "11",
                "geometryType": "points",
            },
        ],
    }


@router.get("/collections/measures/tiles", summary="Tilesets of measures")
async def list_measure_tilesets(request: Request) -> Response:
    """The tilesets of the measures collection (one: WebMercatorQuad)."""
    base = base_url(request)
    return json_response(
        {
            "links": [link(f"{base}/collections/measures/tiles", "self", JSON)],
            "tilesets": [_tileset(base)],
        }
    )


@router.get("/collections/measures/tiles/WebMercatorQuad", summary="Tileset metadata")
async def get_measure_tileset(request: Request) -> Response:
    """OGC tileset metadata of the WebMercatorQuad vector tiles."""
    return json_response(_tileset(base_url(request)))


@router.get("/collections/measures/tiles/WebMercatorQuad/tilejson.json", summary="TileJSON")
async def get_measure_tilejson(request: Request) -> Response:
    """TileJSON 3.0 for map clients (MapLibre, Leaflet.VectorGrid)."""
    base = base_url(request)
    query = request.url.query
    return json_response(
        {
            "tilejson": "3.0.0",
            "name": "Klima.Werk measures",
            "tiles": [f"{base}{TILE_TEMPLATE}" + (f"?{query}" if query else "")],
            "minzoom": MIN_ZOOM,
            "maxzoom": MAX_ZOOM,
            "bounds": [6.6, 51.3, 7.8, 51.8],
            "vector_layers": [
                {
                    "id": "measures",
                    "minzoom": tiles.FULL_DETAIL_ZOOM,
                    "maxzoom": MAX_ZOOM,
                    # id: the UUID's 16 bytes as base64url (22 characters).
                    "fields": {"id": "String", "type": "String", "review_state": "String"},
                },
                {
                    "id": "clusters",
                    "minzoom": MIN_ZOOM,
                    "maxzoom": tiles.FULL_DETAIL_ZOOM - 1,
                    "fields": {"count": "Number", "type": "String"},
                },
            ],
        }
    )


@router.get("/tileMatrixSets/WebMercatorQuad", summary="The WebMercatorQuad tile matrix set")
async def get_tile_matrix_set() -> Response:
    """The tile matrix set definition (from morecantile)."""
    return Response(_tms().model_dump_json(exclude_none=True, by_alias=True), media_type=JSON)
