"""HTML pages beside the map: `/docs` (Swagger UI) and the friendly 404 page (a city's
report is in `kommunen.py`).

Their scripts and styles are static files of the app (no CDN, no inline script), the
figures come from the API itself (`/statistics`, items), so a page states no rule of its
own.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.html import LANG_PARAMETER, TEMPLATES, page_lang
from app.ogc.collections import ATTRIBUTION
from app.ogc.openapi import HTML, responses

router = APIRouter(tags=["pages"])
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
