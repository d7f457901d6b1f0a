"""`/kommunen`: the 17 cities side by side, ranked (German HTML, `f=json`, `f=csv`).

The figures are those of `/statistics` (achieved = completed and published, the same
for every caller), arranged by `domain.comparison`; the page sorts its table in the
browser without asking again.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import PoolDep, ResponseCacheDep
from app.api.html import LANG_PARAMETER, page_lang, render
from app.api.http_cache import cache_headers, matches, not_modified, representation_etag
from app.db.session import connection
from app.domain import comparison
from app.domain import statistics as stats
from app.domain.local_time import local_time, today
from app.errors import InvalidParameter
from app.ogc import params
from app.ogc.openapi import CSV, HTML, responses
from app.ogc.openapi import JSON as JSON_MEDIA
from app.query.measure import MeasureQuery, Visibility
from app.sql import response_cache, statistics

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
    values = request.query_params.getlist("f")
    if len(values) > 1:
        raise InvalidParameter("f is given more than once")
    if values:
        if values[0] not in FORMATS:
            raise InvalidParameter(f"f must be one of {', '.join(FORMATS)}, got {values[0]!r}")
        return values[0]
    accept = request.headers.get("accept", "")
    return "json" if accept.startswith("application/json") else "html"


async def _document(conn: Any) -> tuple[int, bytes]:
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        version = await response_cache.current_version(conn)
        baselines = await statistics.select_baselines(conn)
        achieved = await statistics.select_achieved(conn)
        grouped = await statistics.select_grouped(conn, PUBLIC)
        stand = await conn.fetchval("SELECT max(updated_at) FROM measures")
    targets = stats.targets(baselines, achieved, [], None)
    names = {b["ags"]: b["name"] for b in baselines}
    doc = comparison.compare(targets, names, grouped, today().year)
    doc["stand"] = stand.isoformat(timespec="minutes") if stand else None
    doc["stand_local"] = local_time(stand)
    doc["region"] = {
        key: targets.get(key) for key in ("sealed_area_m2", "disconnection", "evaporation")
    }
    return version, orjson.dumps(doc)


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
    params.check_unknown(dict(request.query_params), ALLOWED)
    fmt = _format(request)
    lang = page_lang(request)
    async with connection(pool) as conn:
        version = await response_cache.current_version(conn)
        etag = representation_etag(version, request, fmt, lang)
        headers = cache_headers(request, etag, languages=fmt == "html")
        if matches(request, etag):
            return not_modified(headers)
        entry = await cache.get(conn, "kommunen", version, _document)
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
