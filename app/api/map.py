"""`/map`: the Leaflet map page. Its scripts and styles are static files (app/api/assets.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.assets import STATIC_DIR
from app.api.html import TEMPLATES, page_lang
from app.config import Settings
from app.domain.messages import negotiate
from app.errors import Unavailable
from app.ogc.openapi import HTML, responses

router = APIRouter(tags=["map"])

# The short form of the boundaries' attribution (app.ogc.collections.ATTRIBUTION) for
# the map's attribution line; the licence asks for source, year and licence name.
BOUNDARY_ATTRIBUTION = (
    'Grenzen &copy; <a href="https://www.bkg.bund.de">GeoBasis-DE / BKG</a> (2017), '
    '<a href="https://www.govdata.de/dl-de/by-2-0">dl-de/by-2.0</a>'
)

# Copied from node_modules by `make assets`; one file stands for the whole set.
VENDOR_MARKER = STATIC_DIR / "vendor" / "leaflet" / "leaflet.js"


def map_config(settings: Settings) -> dict[str, str | None]:
    """What the page's script needs to know: the base map (None: no base map)."""
    return {
        "basemapUrl": settings.basemap_url.strip() or None,
        "basemapAttribution": settings.basemap_attribution,
        "dataAttribution": BOUNDARY_ATTRIBUTION,
    }


@router.get(
    "/map",
    summary="The map of measures",
    response_class=Response,
    responses=responses(200, HTML),
)
async def get_map(request: Request) -> Response:
    """The interactive map: boundaries, measures, filters, statistics and submission."""
    if not VENDOR_MARKER.is_file():
        raise Unavailable(
            "the map's front-end libraries are not installed; run `make assets` "
            "(npm ci and a copy into app/web/static/vendor)"
        )
    lang = page_lang(request)
    response = TEMPLATES.TemplateResponse(
        request,
        "map.html",
        {
            "config": map_config(request.app.state.settings),
            "lang": lang,
            "browser_lang": negotiate(None, request.headers.get("accept-language")),
        },
    )
    # The page's language follows Accept-Language: caches must keep them apart.
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return response
