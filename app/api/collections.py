"""`/collections` and `/collections/{collectionId}`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import PoolDep
from app.api.html import render, wants_html
from app.api.http_cache import with_validators
from app.api.landing import base_url
from app.api.measure_query import measure_queryables
from app.api.render import json_response
from app.db.session import connection
from app.errors import NotFound
from app.ogc.collections import COLLECTIONS, describe_collection
from app.ogc.links import JSON, link
from app.ogc.openapi import HTML, SCHEMA_JSON, responses
from app.ogc.queryables import queryables_schema
from app.sql import measures, municipalities

router = APIRouter(tags=["collections"])


async def _describe_all(request: Request, pool: PoolDep) -> dict[str, dict]:
    base = base_url(request)
    async with connection(pool) as conn:
        extent = await municipalities.select_extent(conn)
        dates = await measures.select_temporal_extent(conn)
    bbox = None
    if extent and extent["minx"] is not None:
        bbox = [extent["minx"], extent["miny"], extent["maxx"], extent["maxy"]]
    interval = None
    if dates and dates["first"]:
        interval = [dates["first"].isoformat(), dates["last"].isoformat()]
    return {
        "measures": describe_collection("measures", base, bbox, interval),
        "municipalities": describe_collection("municipalities", base, bbox),
    }


@router.get(
    "/collections",
    summary="The collections",
    responses=responses(200, JSON, HTML, problems=(400,)),
)
async def list_collections(request: Request, pool: PoolDep) -> Response:
    """Both collections with their extents."""
    described = await _describe_all(request, pool)
    base = base_url(request)
    doc = {
        "links": [link(f"{base}/collections", "self", JSON, "this document")],
        "collections": [described[c] for c in COLLECTIONS],
    }
    if wants_html(request):
        return with_validators(request, render(request, "collections.html", doc))
    return with_validators(request, json_response(doc))


@router.get(
    "/collections/{collection_id}",
    summary="One collection",
    responses=responses(200, JSON, HTML, problems=(400, 404)),
)
async def get_collection(collection_id: str, request: Request, pool: PoolDep) -> Response:
    """The description of `measures` or `municipalities`."""
    if collection_id not in COLLECTIONS:
        raise NotFound(f"there is no collection {collection_id!r}; try {', '.join(COLLECTIONS)}")
    described = await _describe_all(request, pool)
    if wants_html(request):
        return with_validators(
            request, render(request, "collection.html", described[collection_id])
        )
    return with_validators(request, json_response(described[collection_id]))


@router.get(
    "/collections/measures/queryables",
    summary="Queryables of measures",
    responses=responses(200, SCHEMA_JSON),
)
async def get_measure_queryables(request: Request) -> Response:
    """JSON Schema of the properties `filter`, `sortby` and `properties` may name."""
    schema_id = f"{base_url(request)}/collections/measures/queryables"
    return with_validators(
        request,
        json_response(
            queryables_schema(measure_queryables(), schema_id), media_type="application/schema+json"
        ),
    )


@router.get(
    "/collections/measures/sortables",
    summary="Sortables of measures",
    responses=responses(200, SCHEMA_JSON),
)
async def get_measure_sortables(request: Request) -> Response:
    """JSON Schema of the properties `sortby` may name (OGC API - Features Part 5)."""
    schema_id = f"{base_url(request)}/collections/measures/sortables"
    sortable = {n: q for n, q in measure_queryables().items() if q.sortable}
    return json_response(
        queryables_schema(sortable, schema_id), media_type="application/schema+json"
    )


@router.get(
    "/collections/municipalities/queryables",
    summary="Queryables of municipalities",
    responses=responses(200, SCHEMA_JSON),
)
async def get_municipality_queryables(request: Request) -> Response:
    """JSON Schema of the municipality properties."""
    return with_validators(
        request,
        json_response(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": f"{base_url(request)}/collections/municipalities/queryables",
                "type": "object",
                "title": "municipalities",
                "properties": {
                    "ags": {"type": "string", "title": "8-digit AGS"},
                    "name": {"type": "string"},
                    "area_m2": {"type": "number"},
                    "geometry": {"$ref": "https://geojson.org/schema/MultiPolygon.json"},
                },
                "additionalProperties": False,
            },
            media_type="application/schema+json",
        ),
    )
