"""`/statistics`: how much has been done, what it does for the water balance, and how
far each city (or the region) is from the Klima.Werk targets. JSON or CSV (`f=csv`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from app.api.body import read_json
from app.api.deps import CallerDep, KnownMunicipalitiesDep, PoolDep, ResponseCacheDep
from app.api.http_cache import cache_headers, content_etag, matches, not_modified
from app.api.measure_query import FILTER_PARAMETERS, doc_parameter, parse_measure_query
from app.db.session import connection
from app.domain import access
from app.domain import statistics as stats
from app.domain.catalogue import load_catalogue
from app.errors import Forbidden, InvalidMeasure, InvalidParameter, Unauthorized
from app.http.numbers import parse_whole
from app.http.query import query_of
from app.ogc import params
from app.ogc.openapi import CSV, model_body, responses
from app.ogc.openapi import JSON as JSON_MEDIA
from app.schemas.baseline import BaselineInput
from app.services import baselines
from app.sql import response_cache, statistics

router = APIRouter(tags=["statistics"])

PARAMETERS = [
    *(
        p
        for p in FILTER_PARAMETERS
        if p["name"]
        in ("q", "municipality", "type", "status", "review_state", "filter", "filter-lang")
    ),
    doc_parameter("year", "completion year, e.g. 2024 (only completed measures with that date)"),
    doc_parameter("f", "json (default) or csv", {"type": "string", "enum": ["json", "csv"]}),
]
ALLOWED = frozenset(p["name"] for p in PARAMETERS)
# The years a `year` filter may name.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _year(raw: str | None) -> tuple[dt.date, dt.date] | None:
    if raw is None:
        return None
    year = parse_whole("year", raw, FIRST_YEAR, LAST_YEAR)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@router.get(
    "/statistics",
    summary="Statistics and progress towards the targets",
    responses=responses(200, JSON_MEDIA, CSV, problems=(400, 401)),
    openapi_extra={"parameters": PARAMETERS},
)
async def get_statistics(
    request: Request,
    pool: PoolDep,
    caller: CallerDep,
    known_municipalities: KnownMunicipalitiesDep,
    cache: ResponseCacheDep,
) -> Response:
    """Counts, areas and water-balance volumes by type, status, year and municipality;
    disconnected share against 25 % and evaporation change against +10 pp."""
    # `f` (json/csv) and `year` are this endpoint's own; the rest are the items filters.
    given = query_of(request.scope)
    params.check_unknown(given.names(), ALLOWED)
    filters = given.without("f", "year")
    query = parse_measure_query(filters, caller.visibility, known_municipalities, allowed=ALLOWED)
    year = given.get("year")
    years = _year(year)
    if years:
        query.completed = years
    fmt = given.get("f", "json")
    if fmt not in ("json", "csv"):
        raise InvalidParameter(f"f must be json or csv, got {fmt!r}")

    async def make(conn: Any) -> tuple[int, bytes]:
        # One snapshot: the version kept with the body is the one its data had.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            version = await response_cache.current_version(conn)
            rows = await statistics.select_grouped(conn, query)
            baselines = await statistics.select_baselines(conn)
            achieved = await statistics.select_achieved(conn)
            unpublished = []
            if not caller.visibility.anonymous:
                unpublished = await statistics.select_unpublished(conn, caller.visibility)
        doc = stats.document(
            rows, baselines, achieved, unpublished, query.municipality, load_catalogue()
        )
        return version, stats.as_csv(doc).encode() if fmt == "csv" else orjson.dumps(doc)

    # Statistics change only when measures or baselines do: kept like tiles.
    key = (
        "statistics/"
        + hashlib.blake2b(
            repr(
                (
                    sorted(filters.multi_items()),
                    year,
                    query.visibility,
                    fmt,
                )
            ).encode(),
            digest_size=16,
        ).hexdigest()
    )
    async with connection(pool) as conn:
        version = await response_cache.current_version(conn)
        entry = await cache.get(conn, key, version, make)
    body = entry.body
    etag = content_etag(body, request, query.visibility)
    headers = cache_headers(request, etag, visibility=query.visibility)
    if matches(request, etag):
        return not_modified(headers)
    if fmt == "csv":
        headers["Content-Disposition"] = 'attachment; filename="statistics.csv"'
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/statistics/baselines", summary="Baselines of the municipalities")
async def list_baselines(pool: PoolDep) -> Response:
    """Sealed area, evaporation and precipitation per municipality, with their sources."""
    async with connection(pool) as conn:
        rows = await statistics.select_baselines(conn)
    return Response(
        orjson.dumps({"baselines": [{**dict(r), **stats.baseline_summary(r)} for r in rows]}),
        media_type="application/json",
    )


@router.put(
    "/statistics/baselines/{ags}",
    summary="Set a municipality's baseline (admins)",
    responses=responses(200, problems=(401, 403, 404, 413, 422)),
    openapi_extra=model_body(BaselineInput),
)
async def put_baseline(ags: str, request: Request, pool: PoolDep, caller: CallerDep) -> Response:
    """Set (parts of) the baseline; fields not sent stay as they are."""
    if not access.identified(caller):
        raise Unauthorized("setting baselines needs an admin key")
    if not access.may_set_baselines(caller):
        raise Forbidden("only admins set baselines")
    try:
        baseline = BaselineInput.model_validate(await read_json(request))
    except ValidationError as exc:
        errors = [
            {"where": "/" + "/".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in exc.errors()
        ]
        raise InvalidMeasure("the baseline was not stored", errors=errors) from None
    async with connection(pool) as conn:
        row = await baselines.set_baseline(conn, ags, baseline)
    return Response(orjson.dumps(row), media_type="application/json")
