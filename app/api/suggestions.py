"""`/collections/measures/suggestions`: what a search box offers while someone types:
the best measures for `q` under the usual filters, and the municipalities it names."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import CallerDep, KnownMunicipalitiesDep, PoolDep
from app.api.measure_query import FILTER_PARAMETERS, doc_parameter, parse_measure_query
from app.api.render import json_response
from app.db.session import connection
from app.errors import InvalidParameter
from app.http.query import query_of
from app.ogc.openapi import JSON, responses
from app.sql import search
from app.sql.measures import measure_where

router = APIRouter(tags=["data"])

MAX_SUGGESTIONS = 10
PARAMETERS = [
    *(p for p in FILTER_PARAMETERS if p["name"] != "q"),
    doc_parameter(
        "limit",
        f"suggestions in all (municipalities first), 1..{MAX_SUGGESTIONS}",
        {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": MAX_SUGGESTIONS},
    ),
]
Q_PARAMETER = {**next(p for p in FILTER_PARAMETERS if p["name"] == "q"), "required": True}
ALLOWED = frozenset(p["name"] for p in PARAMETERS) | {"q"}


@router.get(
    "/collections/measures/suggestions",
    summary="Suggestions for a search box",
    responses=responses(200, JSON, problems=(400, 401)),
    openapi_extra={"parameters": [Q_PARAMETER, *PARAMETERS]},
)
async def list_suggestions(
    request: Request,
    pool: PoolDep,
    caller: CallerDep,
    known_municipalities: KnownMunicipalitiesDep,
) -> Response:
    """Municipalities whose names match `q`, then the measures it finds best (at most
    `limit` in all), each with its bounding box for the map to fly to."""
    raw = query_of(request.scope)
    query = parse_measure_query(raw, caller.visibility, known_municipalities, allowed=ALLOWED)
    if not query.search:
        raise InvalidParameter("q is required: the text typed into the search box")
    if "limit" not in raw.names():
        query.limit = MAX_SUGGESTIONS
    elif query.limit > MAX_SUGGESTIONS:
        raise InvalidParameter(f"limit must be between 1 and {MAX_SUGGESTIONS}, got {query.limit}")
    where = measure_where(dataclasses.replace(query, search=()))
    async with connection(pool) as conn:
        places = (await search.select_municipality_suggestions(conn, query.search))[: query.limit]
        found = []
        if len(places) < query.limit:
            found = await search.select_suggestions(conn, query, where, query.limit - len(places))
    return json_response(
        {
            "municipalities": [
                {"ags": r["ags"], "name": r["name"], "bbox": list(r["box"])} for r in places
            ],
            "measures": [search.suggestion_json(r) for r in found],
        }
    )
