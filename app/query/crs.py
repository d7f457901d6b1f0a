"""The CRSs a query may ask for output, bbox and filter geometries in (values only;
parsing their names is `app/ogc/crs.py`)."""

from __future__ import annotations

from dataclasses import dataclass

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
