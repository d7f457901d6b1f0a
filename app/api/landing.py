"""`/` and `/conformance`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import PoolDep
from app.api.html import render, wants_html
from app.api.http_cache import with_validators
from app.api.render import json_response
from app.db.session import connection
from app.ogc.collections import ATTRIBUTION, CONFORMANCE
from app.ogc.links import GEOJSON, HTML, JSON, link
from app.ogc.openapi import responses
from app.sql import municipalities

router = APIRouter(tags=["service"])


def base_url(request: Request) -> str:
    """The service root as the caller sees it (no trailing slash)."""
    return str(request.base_url).rstrip("/")


@router.get("/", summary="Landing page", responses=responses(200, JSON, HTML, problems=(400,)))
async def get_landing(request: Request, pool: PoolDep) -> Response:
    """Links to the API definition, conformance, collections and the map."""
    base = base_url(request)
    doc = {
        "title": "Klima.Werk measure registry",
        "description": (
            "Sponge-city measures of the Zukunftsinitiative Klima.Werk (Emscher-Lippe "
            "region) as OGC API - Features"
        ),
        "attribution": ATTRIBUTION,
        "links": [
            link(f"{base}/", "self", JSON, "this document"),
            link(
                f"{base}/api",
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.0",
                "the API definition",
            ),
            link(f"{base}/docs", "service-doc", HTML, "the API documentation"),
            link(f"{base}/conformance", "conformance", JSON, "conformance classes"),
            link(f"{base}/collections", "data", JSON, "the collections"),
            link(f"{base}/collections/measures/items", "items", GEOJSON, "the measures"),
            link(f"{base}/measure-types", "describedby", JSON, "the measure-type catalogue"),
            link(f"{base}/map", "alternate", HTML, "the map of measures"),
        ],
    }
    if wants_html(request):
        async with connection(pool) as conn:
            cities = await municipalities.select_areas(conn)
        return with_validators(request, render(request, "landing.html", doc, cities=cities))
    return with_validators(request, json_response(doc))


@router.get("/conformance", summary="Conformance classes", responses=responses())
async def get_conformance(request: Request) -> Response:
    """The OGC conformance classes this server implements."""
    return with_validators(request, json_response({"conformsTo": CONFORMANCE}))
