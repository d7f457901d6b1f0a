"""HTML pages for browsers: negotiated, readable, linking onward."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.usefixtures("demo")
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/collections",
        "/collections/measures",
        "/collections/measures/items",
        "/collections/municipalities/items",
        "/collections/municipalities/items/05513000",
    ],
)
async def test_browsers_get_html(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text and "GeoBasis-DE / BKG" in response.text


async def test_f_html_wins_and_f_json_too(client: httpx.AsyncClient) -> None:
    html = await client.get("/collections/measures/items", params={"f": "html", "limit": 5})
    assert html.headers["content-type"].startswith("text/html")
    as_json = await client.get("/collections/measures/items", params={"f": "json"}, headers=BROWSER)
    assert as_json.headers["content-type"] == "application/geo+json"
    api_client = await client.get("/collections/measures/items")
    assert api_client.headers["content-type"] == "application/geo+json"


async def test_items_page_lists_features_and_pages_onward(client: httpx.AsyncClient) -> None:
    page = (await client.get("/collections/measures/items", params={"f": "html", "limit": 5})).text
    item_links = [h for h in links(page) if "/collections/measures/items/" in h]
    assert len(item_links) == 5
    next_link = next(h for h in links(page) if "cursor=" in h)
    assert "f=html" in next_link
    item = await client.get(item_links[0].replace("&amp;", "&"))
    assert item.status_code == 200 and "area_m2" in item.text


async def test_html_escapes_user_text(client: httpx.AsyncClient, pool) -> None:
    from shapely.geometry import Point

    from tests.factories import insert_measure

    async with pool.acquire() as conn:
        row = await insert_measure(
            conn, Point(7.01, 51.45), type="cistern", title="<script>alert(1)</script>"
        )
    try:
        page = await client.get(f"/collections/measures/items/{row['id']}", params={"f": "html"})
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;" in page.text
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])
