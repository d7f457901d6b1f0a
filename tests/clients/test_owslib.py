"""OWSLib's OGC API - Features client: collections, items with bbox and CQL2."""

from __future__ import annotations

import httpx
import owslib.ogcapi
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


# A green roof in Gelsenkirchen, as a partner script would send it.
ROOF = {
    "type": "Feature",
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [[7.1, 51.52], [7.1003, 51.52], [7.1003, 51.5202], [7.1, 51.5202], [7.1, 51.52]]
        ],
    },
    "properties": {
        "type": "green_roof_extensive",
        "title": "Gründach per OWSLib",
        "status": "planned",
    },
}


async def test_owslib_creates_reads_updates_and_deletes_with_a_partner_key(
    default_server: str, partner_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The five lines of the README's partner guide, at the default settings: OWSLib
    sends no If-Match, and its PUT is the last writer's change."""
    # OWSLib adds `headers` to its module-wide defaults: keep the key out of other tests.
    monkeypatch.setattr(owslib.ogcapi, "REQUEST_HEADERS", dict(owslib.ogcapi.REQUEST_HEADERS))
    api = Features(default_server, headers={"X-API-Key": partner_key})
    assert api.collection_item_create("measures", ROOF)
    measure_id = api.response_headers["Location"].rsplit("/items/", 1)[1]

    read = api.collection_item("measures", measure_id)
    assert read["properties"]["title"] == "Gründach per OWSLib"
    assert read["properties"]["review_state"] == "submitted"
    assert read["properties"]["partner"] == "Vivawest"

    read["properties"]["title"] = "Gründach per OWSLib, geändert"
    read["properties"]["cost_eur"] = 18000.0
    assert api.collection_item_update("measures", measure_id, read)
    changed = api.collection_item("measures", measure_id)
    assert changed["properties"]["title"] == "Gründach per OWSLib, geändert"
    assert changed["properties"]["version"] == 2

    history = httpx.get(
        f"{default_server}/collections/measures/items/{measure_id}/history",
        headers={"X-API-Key": partner_key},
    ).json()["versions"]
    assert [(v["version"], v["last_writer"]) for v in history] == [(2, True), (1, False)]

    assert api.collection_item_delete("measures", measure_id)
    gone = httpx.get(
        f"{default_server}/collections/measures/items/{measure_id}",
        headers={"X-API-Key": partner_key},
    )
    assert gone.status_code == 404
