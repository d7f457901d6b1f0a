"""Coordinate reference systems offered by the API (OGC API - Features Part 2)."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import InvalidParameter

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@dataclass(frozen=True)
class Crs:
    """A CRS by reference: its URI, PostGIS SRID, axis order and output precision."""

    uri: str
    srid: int
    lat_lon: bool  # EPSG:4326 is latitude first; CRS84 is longitude first
    precision: int

    @property
    def is_default(self) -> bool:
        return self.uri == CRS84_URI


CRS84 = Crs(CRS84_URI, 4326, False, 7)
EPSG_4326 = Crs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True, 7)
EPSG_25832 = Crs("http://www.opengis.net/def/crs/EPSG/0/25832", 25832, False, 3)
EPSG_3857 = Crs("http://www.opengis.net/def/crs/EPSG/0/3857", 3857, False, 3)

SUPPORTED = (CRS84, EPSG_4326, EPSG_25832, EPSG_3857)

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
