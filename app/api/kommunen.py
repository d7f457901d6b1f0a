"""`/kommunen`: the 17 cities side by side, ranked, and `/kommunen/{ags}`, one city's
report as a council paper (German HTML, `f=json`, `f=csv` each).

The figures are those of `/statistics` (achieved = completed and published, the same
for every caller), arranged by `domain.comparison` and `domain.report`; the pages sort
and draw in the browser without a rule of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import PoolDep, ResponseCacheDep
from app.api.html import LANG_PARAMETER, page_lang, render
from app.api.http_cache import cache_headers, content_etag, matches, not_modified
from app.api.pages import not_found_page
from app.db.session import connection
from app.domain import comparison, report
from app.domain import statistics as stats
from app.domain.catalogue import load_catalogue
from app.domain.local_time import local_time, today
from app.errors import InvalidParameter, NotFound
from app.http.query import query_of
from app.ogc import params
from app.ogc.openapi import CSV, HTML, responses
from app.ogc.openapi import JSON as JSON_MEDIA
from app.query.measure import MeasureQuery, Visibility
from app.sql import municipalities, response_cache, statistics

router = APIRouter(tags=["statistics"])
FORMATS = ("html", "json", "csv")
PARAMETERS = [
    {
        "name": "f",
        "in": "query",
        "required": False,
        "description": "html (default for browsers), json or csv",
        "schema": {"type": "string", "enum": list(FORMATS)},
    },
    LANG_PARAMETER,
]
ALLOWED = frozenset(p["name"] for p in PARAMETERS)
# Everyone sees the same table: the published measures only.
PUBLIC = MeasureQuery(visibility=Visibility())


def _format(request: Request) -> str:
    f = query_of(request.scope).get("f")
    if f is not None:
        if f not in FORMATS:
            raise InvalidParameter(f"f must be one of {', '.join(FORMATS)}, got {f!r}")
        return f
    accept = request.headers.get("accept", "")
    return "json" if accept.startswith("application/json") else "html"


@dataclass
class Snapshot:
    """What both pages are made of, read in one transaction."""

    version: int
    targets: dict[str, Any]
    comparison: dict[str, Any]
    grouped: list[asyncpg.Record]
    stand: str | None
    stand_local: str | None


async def _snapshot(conn: Any) -> Snapshot:
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        version = await response_cache.current_version(conn)
        baselines = await statistics.select_baselines(conn)
        achieved = await statistics.select_achieved(conn)
        grouped = await statistics.select_grouped(conn, PUBLIC)
        stand = await conn.fetchval("SELECT max(updated_at) FROM measures")
    targets = stats.targets(baselines, achieved, [], None)
    names = {b["ags"]: b["name"] for b in baselines}
    compared = comparison.compare(targets, names, grouped, today().year)
    iso = stand.isoformat(timespec="minutes") if stand else None
    return Snapshot(version, targets, compared, grouped, iso, local_time(stand))


async def _document(conn: Any) -> tuple[int, bytes]:
    snap = await _snapshot(conn)
    doc = {
        **snap.comparison,
        "stand": snap.stand,
        "stand_local": snap.stand_local,
        "region": {
            key: snap.targets.get(key) for key in ("sealed_area_m2", "disconnection", "evaporation")
        },
    }
    return snap.version, orjson.dumps(doc)


def _report_maker(ags: str) -> Any:
    async def make(conn: Any) -> tuple[int, bytes]:
        snap = await _snapshot(conn)
        places = {p["ags"]: p for p in snap.targets.get("by_municipality", [])}
        if ags not in places:
            return snap.version, orjson.dumps(None)
        doc = report.report(
            places[ags],
            snap.comparison,
            snap.grouped,
            load_catalogue(),
            snap.stand,
            snap.stand_local,
            snap.targets,
        )
        return snap.version, orjson.dumps(doc)

    return make


@router.get(
    "/kommunen",
    summary="The 17 cities side by side: progress towards both targets, ranked",
    response_class=Response,
    responses=responses(200, HTML, JSON_MEDIA, CSV, problems=(400,)),
    openapi_extra={"parameters": PARAMETERS},
)
async def list_kommunen(request: Request, pool: PoolDep, cache: ResponseCacheDep) -> Response:
    """One row per city: baseline, disconnected area (ha, % of sealed area, % of the
    25 % target), evaporation gain (pp, % of the +10 pp target), measures achieved and
    planned, achieved measures per km² sealed and the last three years' hectares."""
    params.check_unknown(query_of(request.scope).names(), ALLOWED)
    fmt = _format(request)
    lang = page_lang(request)
    async with connection(pool) as conn:
        version = await response_cache.current_version(conn)
        entry = await cache.get(conn, "kommunen", version, _document)
    # From the content, so that the tag tells nothing of how many writes there were.
    etag = content_etag(entry.body, request, fmt, lang)
    headers = cache_headers(request, etag, languages=fmt == "html")
    if matches(request, etag):
        return not_modified(headers)
    doc = orjson.loads(entry.body)
    if fmt == "csv":
        headers["Content-Disposition"] = 'attachment; filename="kommunen.csv"'
        return Response(
            comparison.as_csv(doc).encode(), media_type="text/csv; charset=utf-8", headers=headers
        )
    if fmt == "json":
        return Response(entry.body, media_type="application/json", headers=headers)
    response = render(
        request, "kommunen.html", doc, columns=comparison.COLUMNS, english=lang == "en"
    )
    response.headers.update(headers)
    return response


def _report_responses() -> dict[int | str, dict]:
    declared = responses(200, HTML, JSON_MEDIA, CSV, problems=(400, 404))
    # A browser gets a page for an unknown municipality, a client a problem document.
    declared[404]["content"][HTML] = {}
    return declared


@router.get(
    "/kommunen/{ags}",
    summary="A municipality's report: progress, rank, tables and charts, printable",
    response_class=Response,
    responses=_report_responses(),
    openapi_extra={"parameters": PARAMETERS},
)
async def get_municipality_report(
    ags: str, request: Request, pool: PoolDep, cache: ResponseCacheDep
) -> Response:
    """The council paper of one city (German; English with `lang=en`): Stand, both
    targets in the city's figures, rank among the cities, the cumulative path and the
    breakdowns as tables; `f=json` and `f=csv` give the same figures."""
    params.check_unknown(query_of(request.scope).names(), ALLOWED)
    fmt = _format(request)
    lang = page_lang(request)
    async with connection(pool) as conn:
        cities = {row["ags"]: row["name"] for row in await municipalities.select_areas(conn)}
        if ags not in cities:
            if fmt == "html":
                return not_found_page(request, lang, f"Keine Kommune mit dem Schlüssel {ags}.")
            raise NotFound(f"no municipality {ags}")
        version = await response_cache.current_version(conn)
        entry = await cache.get(conn, f"kommunen/{ags}", version, _report_maker(ags))
    etag = content_etag(entry.body, request, fmt, lang)
    headers = cache_headers(request, etag, languages=fmt == "html")
    if matches(request, etag):
        return not_modified(headers)
    doc = orjson.loads(entry.body)
    if fmt == "csv":
        if doc is None:
            raise NotFound(f"municipality {ags} has no baseline: no figures to list")
        headers["Content-Disposition"] = f'attachment; filename="kommune-{ags}.csv"'
        body = report.as_csv(doc).encode()
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "json":
        return Response(entry.body, media_type="application/json", headers=headers)
    response = render(
        request,
        "municipality.html",
        doc or {},
        ags=ags,
        name=cities[ags],
        english=lang == "en",
        page_url=str(request.url.remove_query_params(["f"])),
    )
    response.headers.update(headers)
    return response
