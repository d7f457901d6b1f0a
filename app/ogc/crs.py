"""Coordinate reference systems offered by the API (OGC API - Features Part 2)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from app.errors import InvalidParameter
from app.query.crs import CRS84, EPSG_3857, EPSG_25832, SUPPORTED, Crs

_ALIASES: dict[str, Crs] = {}
for _crs in SUPPORTED:
    _code = _crs.uri.rsplit("/", 1)[-1]
    _authority = "OGC" if _code == "CRS84" else "EPSG"
    for _alias in (
        _crs.uri,
        f"{_authority}:{_code}",
        f"[{_authority}:{_code}]",
        _crs.uri.replace("http://", "https://"),
    ):
        _ALIASES[_alias.lower()] = _crs


def parse_crs(raw: str | None, parameter: str = "crs") -> Crs:
    """The CRS named by a URI (or `EPSG:n` / `[EPSG:n]`); CRS84 when absent."""
    if raw is None or raw == "":
        return CRS84
    crs = _ALIASES.get(raw.strip().strip("<>").lower())
    if crs is None:
        raise InvalidParameter(
            f"{parameter} {raw!r} is not supported; use one of "
            f"{', '.join(c.uri for c in SUPPORTED)}"
        )
    return crs


def bbox_to_storage(bbox: tuple[float, float, float, float], crs: Crs) -> tuple[float, ...]:
    """Put a bbox given in `crs` axis order into x/y (lon/lat or easting/northing) order."""
    if crs.lat_lon:
        miny, minx, maxy, maxx = bbox
        return minx, miny, maxx, maxy
    return bbox


# Where coordinates of each projected CRS can lie (x and y, metres). Outside, PROJ
# refuses to transform them ("point outside of projection domain"): UTM beyond
# 10,000 km from its origin is not on the Earth; Web Mercator ends at its square.
PROJECTED_EXTENTS = {
    25832: (-1e7, -1e7, 1e7, 1e7),
    3857: (-20037508.3428, -20048966.1041, 20037508.3428, 20048966.1041),
}


def check_in_extent(bounds: tuple[float, ...], srid: int, what: str) -> None:
    """Projected coordinates must lie inside the CRS's domain (a 400 naming it otherwise)."""
    extent = PROJECTED_EXTENTS.get(srid)
    if extent is None:
        return
    minx, miny, maxx, maxy = bounds
    if minx < extent[0] or miny < extent[1] or maxx > extent[2] or maxy > extent[3]:
        raise InvalidParameter(
            f"{what} lies outside the extent of EPSG:{srid} "
            f"(x {extent[0]:.0f}..{extent[2]:.0f}, y {extent[1]:.0f}..{extent[3]:.0f})"
        )


def content_crs_header(crs: Crs) -> str:
    """The `Content-Crs` header value."""
    return f"<{crs.uri}>"


GeometryTransform = Callable[[BaseGeometry], BaseGeometry]


@lru_cache(maxsize=1)
def _utm_to_lon_lat() -> Transformer:
    # Built on first use: creating a transformer reads the PROJ database.
    return Transformer.from_crs(EPSG_25832.srid, CRS84.srid, always_xy=True)


def content_crs_transform(raw: str | None) -> GeometryTransform | None:
    """How to bring a request body's coordinates to lon/lat (Content-Crs; None: CRS84)."""
    crs = parse_crs(raw, "Content-Crs")
    if crs.srid == EPSG_3857.srid:
        raise InvalidParameter("Content-Crs must be CRS84, EPSG:4326 or EPSG:25832")
    if crs.lat_lon:
        return lambda g: shapely.transform(g, lambda c: c[:, ::-1])
    if crs.srid == EPSG_25832.srid:
        return lambda g: shapely.transform(
            g, lambda c: np.column_stack(_utm_to_lon_lat().transform(c[:, 0], c[:, 1]))
        )
    return None
