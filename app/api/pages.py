"""HTML pages beside the map: `/docs` (Swagger UI) and `/kommunen/{ags}` (a city's page).

Their scripts and styles are static files of the app (no CDN, no inline script), the
figures come from the API itself (`/statistics`, items), so a page states no rule of its
own.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import PoolDep
from app.api.html import LANG_PARAMETER, TEMPLATES, page_lang
from app.db.session import connection
from app.ogc.collections import ATTRIBUTION
from app.ogc.openapi import HTML, responses
from app.sql import municipalities

router = APIRouter(tags=["pages"])
# A page for people: an unknown municipality is a page too, not a problem document.
NOT_FOUND_PAGE = {404: {"description": "No such page", "content": {HTML: {}}}}
PAGE_PARAMETERS = {"parameters": [LANG_PARAMETER]}


@router.get(
    "/docs",
    summary="API documentation (Swagger UI)",
    response_class=Response,
    responses=responses(200, HTML, problems=(400,)),
    openapi_extra=PAGE_PARAMETERS,
)
async def get_docs(request: Request) -> Response:
    """Swagger UI on /api, from the app's own static files (works offline)."""
    return TEMPLATES.TemplateResponse(request, "docs.html", {"lang": page_lang(request)})


@router.get(
    "/kommunen/{ags}",
    summary="A municipality's page: progress, charts, latest measures, map",
    response_class=Response,
    responses={**responses(200, HTML, problems=(400,)), **NOT_FOUND_PAGE},
    openapi_extra=PAGE_PARAMETERS,
)
async def get_municipality_page(ags: str, request: Request, pool: PoolDep) -> Response:
    """The printable page of one municipality (German first; English with `lang=en`)."""
    lang = page_lang(request)
    async with connection(pool) as conn:
        cities = {row["ags"]: row["name"] for row in await municipalities.select_areas(conn)}
    if ags not in cities:
        return not_found_page(request, lang, f"Keine Kommune mit dem Schlüssel {ags}.")
    return TEMPLATES.TemplateResponse(
        request,
        "municipality.html",
        {"ags": ags, "name": cities[ags], "lang": lang, "attribution": ATTRIBUTION},
    )


def not_found_page(
    request: Request, lang: str, detail: str, measure_id: str | None = None
) -> Response:
    """A friendly 404 page for browsers (API clients keep problem+json)."""
    return TEMPLATES.TemplateResponse(
        request,
        "not_found.html",
        {"lang": lang, "detail": detail, "attribution": ATTRIBUTION, "measure_id": measure_id},
        status_code=404,
    )
