"""`/api`: an OpenAPI 3.0.3 document with the OGC parameters as the standards define them."""

from __future__ import annotations

import json
from typing import Any

import httpx


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def parameter(doc: dict, path: str, name: str) -> dict:
    return next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)


async def test_api_is_openapi_303_and_self_contained(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api")).json()
    assert doc["openapi"] == "3.0.3"
    assert all(r.startswith("#/components/") for r in refs(doc)), set(refs(doc))
    text = json.dumps(doc)
    # JSON Schema 2020-12 constructs that OpenAPI 3.0 does not know.
    assert '"type": "null"' not in text
    assert '"examples"' not in text and '"const"' not in text
    assert "HTTPValidationError" not in text


async def test_ogc_parameters_as_part_1_defines_them(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api")).json()
    items = "/collections/measures/items"
    bbox = parameter(doc, items, "bbox")
    assert bbox["schema"] == {
        "type": "array",
        "minItems": 4,
        "maxItems": 6,
        "items": {"type": "number"},
    }
    assert (bbox["style"], bbox["explode"], bbox["required"]) == ("form", False, False)
    limit = parameter(doc, items, "limit")["schema"]
    assert limit == {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}
    datetime = parameter(doc, items, "datetime")
    assert datetime["schema"] == {"type": "string"} and not datetime["required"]
    assert parameter(doc, items, "crs")["schema"]["format"] == "uri"


async def test_declared_responses_of_the_items_path(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api")).json()
    answers = doc["paths"]["/collections/measures/items"]["get"]["responses"]
    assert {"application/geo+json", "text/html", "text/csv"} <= set(answers["200"]["content"])
    assert "application/geopackage+sqlite3" in answers["200"]["content"]
    for status in ("400", "429", "503"):
        assert list(answers[status]["content"]) == ["application/problem+json"]
    writes = doc["paths"]["/collections/measures/items/{measure_id}"]["patch"]["responses"]
    assert {"412", "422", "428"} <= set(writes)


async def test_sortables_name_the_sortable_queryables(client: httpx.AsyncClient) -> None:
    response = await client.get("/collections/measures/sortables")
    assert response.headers["content-type"] == "application/schema+json"
    names = set(response.json()["properties"])
    assert {"title", "area_m2", "completed_on"} <= names
    assert not names & {"geometry", "description", "review_note"}
    collection = (await client.get("/collections/measures")).json()
    rels = {link["rel"] for link in collection["links"]}
    assert "http://www.opengis.net/def/rel/ogc/1.0/sortables" in rels


async def test_pages_declare_their_html_answers_and_lang(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/api")).json()
    paths = doc["paths"]
    city = paths["/kommunen/{ags}"]["get"]
    formats = ["text/html", "application/json", "text/csv"]
    assert list(city["responses"]["200"]["content"]) == formats
    assert set(city["responses"]["404"]["content"]) == {"application/problem+json", "text/html"}
    assert list(paths["/docs"]["get"]["responses"]["200"]["content"]) == ["text/html"]
    item = paths["/collections/measures/items/{measure_id}"]["get"]
    assert set(item["responses"]["404"]["content"]) == {"application/problem+json", "text/html"}
    for operation in (city, item, paths["/docs"]["get"]):
        assert parameter(
            doc, next(p for p, o in paths.items() if o.get("get") is operation), "lang"
        )
    items_formats = parameter(doc, "/collections/measures/items", "f")["schema"]["enum"]
    assert "geojson-file" in items_formats
