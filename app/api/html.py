"""HTML pages for browsers: negotiation (`f=html` or `Accept: text/html`) and rendering."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import orjson
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, Response

from app.api.assets import static_base
from app.domain.messages import text
from app.errors import request_lang
from app.http.query import query_of
from app.ogc.collections import ATTRIBUTION
from app.services.worker_processes import WorkerProcesses

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "web" / "templates")
# Scripts, styles and icons are linked under their content hash (app/api/assets.py).
TEMPLATES.env.globals["static"] = static_base


def number(value: Any, lang: str, digits: int = 0) -> str:
    """A number as the page's language writes it: 1.068,5 in German, 1,068.5 in English."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    english = f"{value:,.{digits}f}"
    return english if lang == "en" else english.translate(str.maketrans(",.", ".,"))


def day(value: Any, lang: str) -> str:
    """An ISO date as the page's language writes it (30.06.2025; 2025-06-30 in English)."""
    text_value = "" if value is None else str(value)
    if lang == "en" or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text_value):
        return text_value
    year, month, date = text_value.split("-")
    return f"{date}.{month}.{year}"


# Pages say their texts through the one catalogue: `{{ msg('page.next', lang) }}`.
TEMPLATES.env.globals["msg"] = text
TEMPLATES.env.filters["number"] = number
TEMPLATES.env.filters["day"] = day


def wants_html(request: Request) -> bool:
    """An explicit `f=html`, or a browser that asks for HTML without `f`."""
    f = query_of(request.scope).get("f")
    if f is not None:
        return f == "html"
    accept = request.headers.get("accept", "")
    # Browsers list text/html first; API clients ask for JSON first or */* only.
    return accept.startswith("text/html")


# `lang` of the pages, for `/api`: an unknown value is German, like no value at all.
LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "language of the HTML page (default: the browser's, else German)",
    "schema": {"type": "string", "enum": ["de", "en"]},
}


def page_lang(request: Request) -> str:
    """German unless `lang=en` or the browser prefers English (Accept-Language)."""
    return request_lang(request)


def render(
    request: Request, template: str, doc: dict[str, Any], status_code: int = 200, **extra: Any
) -> Response:
    """Render `doc` (the JSON document of the same URL) with a page template."""
    json_href = str(request.url.include_query_params(f="json"))
    context = {
        "doc": doc,
        "json_href": json_href,
        "attribution": ATTRIBUTION,
        "lang": page_lang(request),
        **extra,
    }
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    # Caches must tell the languages apart (`with_validators` adds Accept-Language to Vary).
    response.headers["Content-Language"] = context["lang"]
    return response


# A worker process cannot resolve routes: its `url_for` writes a marker that the app
# replaces with the real URL afterwards (a handful per page, one pass over the text).
URL_MARK = re.compile("\x1eurl:([^\x1e]*)\x1e")


class _MarkingRequest:
    """Stands in for the request in a worker process: `url_for` leaves a marker."""

    def url_for(self, name: str, /, **params: Any) -> str:
        # Base64: the marker passes the template's HTML escaping unchanged.
        return "\x1eurl:" + base64.urlsafe_b64encode(orjson.dumps([name, params])).decode() + "\x1e"


def render_page(template: str, body: bytes, extra: dict[str, Any]) -> str:
    """The HTML of a page from its JSON document (runs in a worker process)."""
    context = {"request": _MarkingRequest(), "doc": orjson.loads(body), **extra}
    return TEMPLATES.get_template(template).render(context)


async def render_in_worker(
    workers: WorkerProcesses, request: Request, template: str, body: bytes, **extra: Any
) -> Response:
    """Like `render`, for big pages: templating 10,000 rows takes seconds of CPU."""
    extra["json_href"] = str(request.url.include_query_params(f="json"))
    extra["attribution"] = ATTRIBUTION
    extra["lang"] = page_lang(request)
    html = await workers.run(render_page, template, body, extra)

    def resolve(mark: re.Match[str]) -> str:
        name, params = orjson.loads(base64.urlsafe_b64decode(mark.group(1)))
        return str(request.url_for(name, **params))

    response = HTMLResponse(URL_MARK.sub(resolve, html))
    response.headers["Content-Language"] = extra["lang"]
    return response
