"""The pages beside the map: German landing page, /docs, municipality pages, friendly 404."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from app.domain.validation import TEXT_LIMITS

pytestmark = pytest.mark.usefixtures("demo")
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def test_the_landing_page_is_german_and_links_map_cities_api_and_docs(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/", headers=BROWSER)).text
    assert '<html lang="de">' in page and "Maßnahmenregister" in page
    for href in ('href="/map"', 'href="/docs"', 'href="/api"', 'href="/kommunen/05513000"'):
        assert href in page
    english = (await client.get("/", headers={**BROWSER, "Accept-Language": "en-GB,en"})).text
    assert '<html lang="en">' in english and "Measure registry" in english


@pytest.mark.parametrize(
    ("params", "headers"), [({}, {"Accept": "application/json"}), ({"f": "json"}, BROWSER)]
)
async def test_ogc_clients_keep_the_json_landing_page(
    client: httpx.AsyncClient, params: dict, headers: dict
) -> None:
    answer = await client.get("/", params=params, headers=headers)
    assert answer.headers["content-type"].startswith("application/json")
    assert {"service-desc", "conformance", "data"} <= {
        link["rel"] for link in answer.json()["links"]
    }


async def test_docs_load_swagger_ui_from_the_apps_own_files(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text
    bundle = re.search(r'"(/assets/[0-9a-f]{16}/vendor/swagger-ui/swagger-ui-bundle\.js)"', page)
    # Every asset from this server: no absolute URL in the page at all.
    assert "http://" not in page and "https://" not in page
    assert bundle and (await client.get(bundle.group(1))).status_code == 200


async def test_a_municipality_page_and_an_unknown_one(client: httpx.AsyncClient) -> None:
    page = await client.get("/kommunen/05513000")
    assert page.status_code == 200 and "<h1>Gelsenkirchen: Fortschritt" in page.text
    assert re.search(r"/assets/[0-9a-f]{16}/vendor/chartjs/chart\.umd\.min\.js", page.text)
    missing = await client.get("/kommunen/99999999")
    assert missing.status_code == 404 and "Nicht gefunden" in missing.text


async def test_a_missing_measure_is_a_page_for_browsers_and_a_problem_for_clients(
    client: httpx.AsyncClient,
) -> None:
    path = f"/collections/measures/items/{uuid.uuid4()}"
    page = await client.get(path, headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Nicht gefunden" in page.text
    problem = await client.get(path)
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"


async def test_the_table_offers_its_selection_as_downloads(client: httpx.AsyncClient) -> None:
    page = await client.get(
        "/collections/measures/items", params={"f": "html", "type": "cistern", "limit": 5}
    )
    hrefs = re.findall(r'href="([^"]*f=(?:csv|gpkg|geojson-file)[^"]*)"', page.text)
    assert len(hrefs) == 3
    for href in hrefs:
        assert "type=cistern" in href and "limit=" not in href


async def test_the_catalogue_states_the_text_limits_the_form_uses(
    client: httpx.AsyncClient,
) -> None:
    catalogue = (await client.get("/measure-types")).json()
    assert catalogue["text_limits"] == TEXT_LIMITS
    page = (await client.get("/map")).text
    # The form takes its limits from there; the page types none of its own.
    assert "maxlength" not in page.lower()
