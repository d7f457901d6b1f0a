"""Building the links of OGC responses from the request URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import URL, QueryParams

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"


def link(href: str, rel: str, type_: str = JSON, title: str | None = None) -> dict[str, Any]:
    """One link object."""
    out: dict[str, Any] = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    return out


def with_query(url: URL, **changes: str | None) -> str:
    """The URL with query parameters replaced (None removes one); `_` in a name is `-`."""
    params = dict(QueryParams(url.query))
    for key, value in changes.items():
        name = key.replace("_", "-")
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return str(url.replace(query=urlencode(params)))
