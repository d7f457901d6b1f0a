"""Landing page, conformance, collections, municipalities, health."""

from __future__ import annotations

import httpx
from shapely.geometry import shape

from tests.geo import boundaries


async def test_landing_links(client: httpx.AsyncClient) -> None:
    body = (await client.get("/")).json()
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= rels
    assert "GeoBasis-DE / BKG" in body["attribution"]


async def test_openapi_and_docs(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api")).json()
    assert spec["openapi"].startswith("3.")
    assert "/collections/measures/items" in spec["paths"]
    assert (await client.get("/docs")).status_code == 200


async def test_conformance(client: httpx.AsyncClient) -> None:
    body = (await client.get("/conformance")).json()
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in body["conformsTo"]


async def test_collections_list_both(client: httpx.AsyncClient) -> None:
    body = (await client.get("/collections")).json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == ["measures", "municipalities"]
    bbox = body["collections"][0]["extent"]["spatial"]["bbox"][0]
    assert 6.6 < bbox[0] < bbox[2] < 7.8 and 51.3 < bbox[1] < bbox[3] < 51.9


async def test_unknown_collection_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/trees")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_municipalities_are_the_boundary_file(client: httpx.AsyncClient) -> None:
    body = (await client.get("/collections/municipalities/items")).json()
    assert body["numberMatched"] == body["numberReturned"] == 17
    reference = boundaries()
    for feature in body["features"]:
        name, geometry = reference[feature["id"]]
        assert feature["properties"]["name"] == name
        # equal up to the 7-decimal rounding of the output (about 1 cm)
        assert shape(feature["geometry"]).symmetric_difference(geometry).area < 1e-5 * geometry.area


async def test_municipality_paging_and_item(client: httpx.AsyncClient) -> None:
    first = (await client.get("/collections/municipalities/items?limit=10")).json()
    assert first["numberReturned"] == 10
    nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = (await client.get(nxt)).json()
    assert second["numberReturned"] == 7
    ids = [f["id"] for f in first["features"] + second["features"]]
    assert ids == sorted(boundaries())
    one = (await client.get("/collections/municipalities/items/05513000")).json()
    assert one["properties"]["name"] == "Gelsenkirchen"
    assert (await client.get("/collections/municipalities/items/99999999")).status_code == 404


async def test_health(client: httpx.AsyncClient) -> None:
    body = (await client.get("/health")).json()
    assert body["status"] == "ok" and body["municipalities"] == 17


async def test_measure_type_catalogue(client: httpx.AsyncClient) -> None:
    body = (await client.get("/measure-types")).json()
    types = {t["id"]: t for t in body["types"]}
    assert len(types) == 15
    assert types["swale"]["label_de"] == "Versickerungsmulde"
    assert types["cistern"]["geometry_types"] == ["Point"]
    balance = types["green_roof_extensive"]["water_balance"]
    assert balance["element"] == "green_roof"
    assert balance["defaults"]["surface_before"] == "flat_roof_rough"
    assert "no element of DWA-M 102-4" in types["facade_greening"]["water_balance"]["reason"]
    green = {e["id"]: e for e in body["elements"]["surfaces"]}["green_roof"]
    assert green["coefficients"]["c_invE"] == 236.1 and "Gründach" in green["source"]
    one = await client.get("/measure-types/swale")
    assert one.json()["label_en"] == types["swale"]["label_en"]
    missing = await client.get("/measure-types/pond")
    assert missing.status_code == 404 and "see /measure-types" in missing.json()["detail"]
