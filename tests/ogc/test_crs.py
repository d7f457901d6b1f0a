"""Content-Crs: bodies in EPSG:4326 or 25832 come out in lon/lat; 3857 is refused."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from app.errors import InvalidParameter
from app.ogc.crs import content_crs_transform

# Essen town hall: lon/lat and its EPSG:25832 easting/northing.
LON, LAT = 7.0137, 51.4556
EASTING, NORTHING = 361_997.7, 5_702_362.6


def test_crs84_needs_no_transform() -> None:
    assert content_crs_transform(None) is None
    assert content_crs_transform("http://www.opengis.net/def/crs/OGC/1.3/CRS84") is None


def test_epsg_4326_swaps_the_axes() -> None:
    transform = content_crs_transform("http://www.opengis.net/def/crs/EPSG/0/4326")
    assert transform is not None
    assert transform(Point(LAT, LON)).equals(Point(LON, LAT))


def test_epsg_25832_is_projected_to_lon_lat() -> None:
    transform = content_crs_transform("EPSG:25832")
    assert transform is not None
    point = transform(Point(EASTING, NORTHING))
    assert point.x == pytest.approx(LON, abs=1e-5)
    assert point.y == pytest.approx(LAT, abs=1e-5)


def test_web_mercator_bodies_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="Content-Crs"):
        content_crs_transform("http://www.opengis.net/def/crs/EPSG/0/3857")
