"""The table page (`/collections/measures/items?f=html`) in German and English: labels
instead of codes, titles as link text, city names, German numbers and paging."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.usefixtures("demo")
TABLE = "/collections/measures/items"


async def table(client: httpx.AsyncClient, **params: str) -> str:
    response = await client.get(TABLE, params={"f": "html", "limit": "20", **params})
    assert response.status_code == 200
    return response.text


async def test_the_german_table_speaks_german(client: httpx.AsyncClient) -> None:
    page = await table(client, municipality="05513000")
    assert "<h1>Maßnahmen</h1>" in page
    assert re.search(r"20 von [\d.]+ Treffern", page)
    assert "nächste Seite →" in page
    for leftover in ("features", "Items", "next →", "Collections", "matching"):
        assert leftover not in page, leftover
    assert '<th scope="col">Typ</th>' in page and '<th scope="col">Kommune</th>' in page
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert "Gelsenkirchen" in cells and "05513000" not in cells
    assert not {"completed", "planned", "in_progress", "tree_trench", "cistern"} & set(cells)
    # The link text is the title, not a shortened UUID.
    titles = re.findall(
        r'<th scope="row"><a href="[^"]+/items/[0-9a-f-]{36}\?f=html">([^<]+)</a>', page
    )
    assert len(titles) == 20 and not any(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}…", t) for t in titles
    )
    # Dates and areas as Germans write them.
    assert not re.search(r"<td>\d{4}-\d{2}-\d{2}</td>", page)
    assert re.search(r"<td>\d{2}\.\d{2}\.\d{4}</td>", page)


async def test_the_english_table_and_its_paging_keep_english(client: httpx.AsyncClient) -> None:
    page = await table(client, lang="en")
    assert "<h1>Measures</h1>" in page
    assert re.search(r"20 of [\d,]+ matching entries", page)
    next_link = re.search(r'href="([^"]+)" rel="next">next page →', page)
    assert next_link is not None
    following = await client.get(next_link.group(1).replace("&amp;", "&"))
    assert following.headers["content-language"] == "en"
    assert "<h1>Measures</h1>" in following.text


async def test_an_english_browser_gets_the_english_table(client: httpx.AsyncClient) -> None:
    response = await client.get(
        TABLE, params={"f": "html", "limit": "5"}, headers={"Accept-Language": "en-US,en;q=0.8"}
    )
    assert "<h1>Measures</h1>" in response.text


@pytest.mark.parametrize("lang", ["", "EN", "en_GB", "²", "٣", "-1", "x" * 5000])
async def test_odd_lang_values_give_the_german_table(client: httpx.AsyncClient, lang: str) -> None:
    response = await client.get(TABLE, params={"f": "html", "limit": "5", "lang": lang})
    assert response.status_code == 200
    assert "<h1>Maßnahmen</h1>" in response.text


async def test_the_municipalities_table_links_names(client: httpx.AsyncClient) -> None:
    page = (await client.get("/collections/municipalities/items", params={"f": "html"})).text
    assert "<h1>Kommunen</h1>" in page
    assert re.search(r'<a href="[^"]+/items/05513000\?f=html">Gelsenkirchen</a>', page)
