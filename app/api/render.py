"""Response helpers: JSON via orjson, GeoJSON assembled from database text."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

JSON_MEDIA_TYPE = "application/json"
GEOJSON_MEDIA_TYPE = "application/geo+json"


def json_response(
    data: Any, *, media_type: str = JSON_MEDIA_TYPE, headers: dict[str, str] | None = None
) -> Response:
    """Serialise `data` with orjson."""
    return Response(orjson.dumps(data), media_type=media_type, headers=headers)


def feature_collection(
    features: list[bytes], *, matched: int, links: list[dict[str, Any]], time_stamp: str
) -> bytes:
    """A FeatureCollection from Feature JSON (UTF-8 bytes), without re-parsing them."""
    head = orjson.dumps(
        {
            "type": "FeatureCollection",
            "numberMatched": matched,
            "numberReturned": len(features),
            "timeStamp": time_stamp,
            "links": links,
        }
    )
    return b"".join((head[:-1], b',"features":[', b",".join(features), b"]}"))


def feature_with_links(
    feature: bytes, links: list[dict[str, Any]], members: dict[str, Any] | None = None
) -> bytes:
    """A Feature (UTF-8 JSON bytes) with a `links` member (and any `members`) appended."""
    extra = b"".join(
        b',"' + k.encode() + b'":' + orjson.dumps(v) for k, v in (members or {}).items()
    )
    return feature[:-1] + b',"links":' + orjson.dumps(links) + extra + b"}"
