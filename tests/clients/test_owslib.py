"""OWSLib's OGC API - Features client: collections, items with bbox and CQL2."""

from __future__ import annotations

import httpx
import pytest
from owslib.ogcapi.features import Features

pytestmark = pytest.mark.usefixtures("demo")


def test_owslib_lists_collections_and_conformance(live_server: str) -> None:
    api = Features(live_server)
    ids = [c["id"] for c in api.collections()["collections"]]
    assert ids == ["measures", "municipalities"]
    assert any("ogcapi-features-3" in c for c in api.conformance()["conformsTo"])
    queryables = api.collection_queryables("measures")
    assert "area_m2" in queryables["properties"]


def test_owslib_items_with_bbox(live_server: str) -> None:
    api = Features(live_server)
    bbox = [6.98, 51.42, 7.05, 51.47]
    items = api.collection_items("measures", bbox=bbox, limit=1000)
    reference = httpx.get(
        f"{live_server}/collections/measures/items",
        params={"bbox": ",".join(map(str, bbox)), "limit": 1},
    ).json()
    assert items["numberMatched"] == reference["numberMatched"] > 0
    assert len(items["features"]) == min(1000, reference["numberMatched"])


def test_owslib_items_with_cql2(live_server: str) -> None:
    api = Features(live_server)
    items = api.collection_items(
        "measures",
        filter="type = 'swale' AND area_m2 > 50",
        limit=1000,
        **{"filter-lang": "cql2-text"},
    )
    assert items["features"]
    for feature in items["features"]:
        assert feature["properties"]["type"] == "swale"
        assert feature["properties"]["area_m2"] > 50


def test_owslib_single_item(live_server: str) -> None:
    api = Features(live_server)
    first = api.collection_items("measures", limit=1)["features"][0]
    item = api.collection_item("measures", first["id"])
    assert item["id"] == first["id"]
