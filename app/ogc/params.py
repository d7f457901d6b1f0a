"""Parsing and checking OGC query parameters; pure functions, errors name the parameter."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from app.errors import InvalidParameter
from app.http.numbers import parse_number, parse_whole
from app.query.measure import BBox

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
# `f` of the measures: pages (JSON/GeoJSON, HTML for browsers) and exports, which
# download every match as a file and take an export slot (`app/guards/slots.py`).
EXPORT_FORMATS = frozenset({"csv", "csv-de", "gpkg", "geojson-file"})
FORMATS = frozenset({"json", "geojson", "html"}) | EXPORT_FORMATS


def check_format(f: str | None) -> str | None:
    """`f` when it is one of `FORMATS` (None when not given); else a 400."""
    if f is not None and f not in FORMATS:
        raise InvalidParameter(f"f must be one of {', '.join(sorted(FORMATS))}, got {f!r}")
    return f


def parse_bbox(raw: str | None) -> BBox | None:
    """`minx,miny,maxx,maxy` (a 6-number 3D bbox is accepted and its heights dropped)."""
    if raw is None:
        return None
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise InvalidParameter(
            f"bbox must have 4 numbers (minx,miny,maxx,maxy) or 6 for 3D, got {len(parts)}"
        )
    numbers = [float(parse_number("bbox", p, whole=False, signed=True)) for p in parts]
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if minx > maxx or miny > maxy:
        raise InvalidParameter(
            f"bbox minimum must not exceed maximum: got x {minx}..{maxx}, y {miny}..{maxy}"
        )
    return minx, miny, maxx, maxy


def check_bbox_in_wgs84(bbox: BBox) -> None:
    """A lon/lat bbox must lie on the globe (catches metres sent without bbox-crs)."""
    minx, miny, maxx, maxy = bbox
    if not (
        -180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90
    ):
        raise InvalidParameter(
            "bbox is outside longitude -180..180 / latitude -90..90; "
            "for projected coordinates pass bbox-crs"
        )


def parse_limit(raw: str | None) -> int:
    """1..10,000, default 100."""
    if raw is None:
        return DEFAULT_LIMIT
    return parse_whole("limit", raw, 1, MAX_LIMIT)


def parse_choices(name: str, raw: str | None, allowed: set[str] | frozenset[str]) -> list[str]:
    """A comma-separated list of values, each one of `allowed`."""
    if raw is None:
        return []
    values = [v.strip() for v in raw.split(",")]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        shown = ", ".join(sorted(allowed)) if len(allowed) <= 20 else f"{len(allowed)} known values"
        raise InvalidParameter(
            f"unknown {name} {', '.join(repr(u) for u in unknown)}; expected one of: {shown}"
        )
    return values


def parse_uuid(raw: str) -> uuid.UUID:
    """A measure id; anything else is a 400 naming it."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidParameter(f"measure ids are UUIDs, got {raw!r}") from None


def check_unknown(params: Collection[str], known: frozenset[str]) -> None:
    """OGC API - Features: a query parameter the API does not define is a 400."""
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidParameter(
            f"unknown query parameter(s): {', '.join(unknown)}; "
            f"this endpoint takes {', '.join(sorted(known))}"
        )


def _date_bound(raw: str) -> dt.date | None:
    if raw in ("", ".."):
        return None
    try:
        if "T" in raw or " " in raw:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(f"datetime {raw!r} is not an RFC 3339 date or date-time") from None


def parse_datetime(raw: str | None) -> tuple[dt.date | None, dt.date | None] | None:
    """An instant or an interval (`start/end`, either side `..`), as inclusive dates."""
    if raw is None:
        return None
    if "/" in raw:
        start_raw, _, end_raw = raw.partition("/")
        start, end = _date_bound(start_raw), _date_bound(end_raw)
        if start is None and end is None:
            raise InvalidParameter("datetime interval needs at least one bound, got '../..'")
        if start and end and start > end:
            raise InvalidParameter(f"datetime interval starts after it ends: {raw!r}")
        return start, end
    instant = _date_bound(raw)
    if instant is None:
        raise InvalidParameter("datetime must be a date, a date-time or an interval")
    return instant, instant


def parse_sortby(raw: str | None, sortable: set[str]) -> list[tuple[str, bool]]:
    """`sortby=+a,-b`: names with a descending flag, each one of `sortable`."""
    if raw is None:
        return []
    keys = []
    for item in raw.split(","):
        item = item.strip()
        descending = item.startswith("-")
        name = item.lstrip("+-").strip()
        if name not in sortable:
            raise InvalidParameter(
                f"cannot sort by {name!r}; sortable are {', '.join(sorted(sortable))}"
            )
        keys.append((name, descending))
    return keys


def parse_properties(raw: str | None, known: set[str]) -> set[str] | None:
    """`properties=a,b`: the subset of properties to return (None: all)."""
    if raw is None:
        return None
    names = {n.strip() for n in raw.split(",") if n.strip()}
    unknown = sorted(names - known)
    if unknown:
        raise InvalidParameter(
            f"unknown propert{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
            f"known are {', '.join(sorted(known))}"
        )
    return names
