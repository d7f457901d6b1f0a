"""`/collections/measures/tiles…`: vector tiles (MVT) and their metadata."""

from __future__ import annotations

from typing import Annotated

import morecantile
from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from app.api.deps import PoolDep, ResponseCacheDep
from app.api.http_cache import cache_headers, matches, not_modified, with_validators
from app.api.landing import base_url
from app.api.measure_query import FILTER_PARAMETERS, measure_query
from app.api.render import json_response
from app.db.session import connection
from app.domain.region import REGION
from app.domain.tiling import CLUSTERS_LAYER, MAX_ZOOM, MEASURES_LAYER, MIN_ZOOM
from app.errors import InvalidParameter, NotFound
from app.http.numbers import parse_number, parse_whole
from app.ogc.links import JSON, link
from app.ogc.openapi import NOT_MODIFIED, responses
from app.query.measure import MeasureQuery
from app.sql import tiles

router = APIRouter(tags=["tiles"])

MVT = "application/vnd.mapbox-vector-tile"
TMS_ID = "WebMercatorQuad"
TILE_TEMPLATE = "/collections/measures/tiles/WebMercatorQuad/{z}/{x}/{y}"


def _tms() -> morecantile.TileMatrixSet:
    return morecantile.tms.get(TMS_ID)


async def tile_query(
    query: Annotated[MeasureQuery, Depends(measure_query)],
) -> MeasureQuery:
    """The items query, used as the tile filter (paging and output options do not apply)."""
    if query.bbox or query.sortby or query.drop_properties or not query.crs.is_default:
        raise InvalidParameter("tiles take filters only (no bbox, crs, sortby or properties)")
    return query


@router.get(
    TILE_TEMPLATE,
    summary="A vector tile of measures",
    openapi_extra={"parameters": FILTER_PARAMETERS},
    response_class=Response,
    responses=responses(
        200, MVT, problems=(400, 401, 404), also={204: "No measure in this tile", **NOT_MODIFIED}
    ),
)
async def get_measure_tile(
    z_raw: Annotated[str, Path(alias="z")],
    x_raw: Annotated[str, Path(alias="x")],
    y_raw: Annotated[str, Path(alias="y")],
    request: Request,
    pool: PoolDep,
    cache: ResponseCacheDep,
    query: Annotated[MeasureQuery, Depends(tile_query)],
) -> Response:
    """Mapbox Vector Tile; layer `measures` from zoom 12, `clusters` below; 204 when empty."""
    # Read as the tile slot guard reads the zoom: ASCII digits only (a column or row of
    # -1 is a tile outside the matrix, a 404 below).
    z = parse_whole("z", z_raw)
    x, y = (int(parse_number(name, raw, signed=True)) for name, raw in (("x", x_raw), ("y", y_raw)))
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise NotFound(f"zoom {z} is outside {MIN_ZOOM}..{MAX_ZOOM}")
    if not (0 <= x < 1 << z and 0 <= y < 1 << z):
        raise NotFound(f"tile {z}/{x}/{y} does not exist in WebMercatorQuad")
    async with connection(pool) as conn:
        tile = await tiles.select_tile(conn, cache, z, x, y, query)
    # The ETag hashes the tile's bytes: it changes exactly when the tile does, so a
    # cache revalidating after max-age gets a 304 for every tile a write did not touch.
    headers = cache_headers(request, tile.etag, visibility=query.visibility, negotiated=False)
    if matches(request, tile.etag):
        return not_modified(headers)
    if not tile.body:
        return Response(status_code=204, headers=headers)
    return Response(tile.body, media_type=MVT, headers=headers)


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
                "id": MEASURES_LAYER.id,
                "dataType": "vector",
                "minTileMatrix": str(MEASURES_LAYER.min_zoom),
                "maxTileMatrix": str(MEASURES_LAYER.max_zoom),
                "geometryType": "geometry",
            },
            {
                "id": CLUSTERS_LAYER.id,
                "dataType": "vector",
                "minTileMatrix": str(CLUSTERS_LAYER.min_zoom),
                "maxTileMatrix": str(CLUSTERS_LAYER.max_zoom),
                "geometryType": "points",
            },
        ],
    }


@router.get("/collections/measures/tiles", summary="Tilesets of measures")
async def list_measure_tilesets(request: Request) -> Response:
    """The tilesets of the measures collection (one: WebMercatorQuad)."""
    base = base_url(request)
    doc = {
        "links": [link(f"{base}/collections/measures/tiles", "self", JSON)],
        "tilesets": [_tileset(base)],
    }
    return with_validators(request, json_response(doc))


@router.get("/collections/measures/tiles/WebMercatorQuad", summary="Tileset metadata")
async def get_measure_tileset(request: Request) -> Response:
    """OGC tileset metadata of the WebMercatorQuad vector tiles."""
    return with_validators(request, json_response(_tileset(base_url(request))))


@router.get("/collections/measures/tiles/WebMercatorQuad/tilejson.json", summary="TileJSON")
async def get_measure_tilejson(request: Request) -> Response:
    """TileJSON 3.0 for map clients (MapLibre, Leaflet.VectorGrid)."""
    base = base_url(request)
    query = request.url.query
    doc = {
        "tilejson": "3.0.0",
        "name": "Klima.Werk measures",
        "tiles": [f"{base}{TILE_TEMPLATE}" + (f"?{query}" if query else "")],
        "minzoom": MIN_ZOOM,
        "maxzoom": MAX_ZOOM,
        "bounds": list(REGION.bounds),
        "vector_layers": [
            {
                "id": MEASURES_LAYER.id,
                "minzoom": MEASURES_LAYER.min_zoom,
                "maxzoom": MEASURES_LAYER.max_zoom,
                # id: the UUID's 16 bytes as base64url (22 characters).
                "fields": {"id": "String", "type": "String", "review_state": "String"},
            },
            {
                "id": CLUSTERS_LAYER.id,
                "minzoom": CLUSTERS_LAYER.min_zoom,
                "maxzoom": CLUSTERS_LAYER.max_zoom,
                "fields": {"count": "Number", "type": "String"},
            },
        ],
    }
    return with_validators(request, json_response(doc))


@router.get("/tileMatrixSets/WebMercatorQuad", summary="The WebMercatorQuad tile matrix set")
async def get_tile_matrix_set(request: Request) -> Response:
    """The tile matrix set definition (from morecantile)."""
    body = _tms().model_dump_json(exclude_none=True, by_alias=True)
    return with_validators(request, Response(body, media_type=JSON))
