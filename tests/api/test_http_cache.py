"""HTTP caching of reads: ETags per representation, 304s, Cache-Control and Vary."""

from __future__ import annotations

import asyncpg
import httpx
import pytest
from shapely.geometry import Point

from tests.api.conftest import auth
from tests.factories import insert_measure

ITEMS = "/collections/measures/items"
PAGE = f"{ITEMS}?bbox=7.0,51.4,7.2,51.6&limit=5"


async def revalidate(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    first = await client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    again = await client.get(url, headers={**headers, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    assert not again.content
    return first


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        "/statistics?municipality=05513000",
        "/statistics?f=csv",
        "/collections",
        "/collections/measures",
        "/conformance",
        "/collections/measures/tiles/WebMercatorQuad/tilejson.json",
    ],
)
async def test_anonymous_reads_are_public_and_revalidate(
    client: httpx.AsyncClient, url: str
) -> None:
    response = await revalidate(client, url)
    assert response.headers["cache-control"] == "public, max-age=60"
    assert "Accept" in response.headers["vary"]


async def test_a_page_is_private_for_a_key_and_its_etag_differs(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]]
) -> None:
    anonymous = await revalidate(client, PAGE)
    keyed = await revalidate(client, PAGE, **auth(roles["partner"]))
    assert keyed.headers["cache-control"] == "private, no-store"
    # (`Accept-Encoding` joins when the page is big enough to be compressed.)
    assert keyed.headers["vary"].startswith("Accept, Authorization, X-API-Key")
    assert keyed.headers["etag"] != anonymous.headers["etag"]
    html = await client.get(PAGE, headers={"Accept": "text/html"})
    assert html.headers["etag"] not in (anonymous.headers["etag"], keyed.headers["etag"])


async def test_a_write_changes_the_etag_of_pages_and_statistics(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    urls = [PAGE, "/statistics"]
    before = {u: (await client.get(u)).headers["etag"] for u in urls}
    async with pool.acquire() as conn:
        row = await insert_measure(conn, Point(7.1, 51.52).buffer(0.0002))
    try:
        for url in urls:
            after = await client.get(url, headers={"If-None-Match": before[url]})
            assert after.status_code == 200
            assert after.headers["etag"] != before[url]
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])


async def test_each_representation_of_a_measure_has_its_etag_and_if_match_takes_any(
    client: httpx.AsyncClient, pool: asyncpg.Pool, roles: dict[str, dict[str, str]]
) -> None:
    async with pool.acquire() as conn:
        row = await insert_measure(conn, Point(7.1, 51.52).buffer(0.0002))
    url = f"{ITEMS}/{row['id']}"
    try:
        plain = await revalidate(client, url)
        metric = await revalidate(client, f"{url}?crs=EPSG:25832")
        page = await client.get(f"{url}?f=html")
        version = row["version"]
        assert plain.headers["etag"] == f'"{version}"'
        assert metric.headers["etag"] == f'"{version}-25832"'
        assert page.headers["etag"] == f'"{version}-html"'
        # A page in English is another representation, and shared caches must know it.
        english = await client.get(url, headers={"Accept": "text/html", "Accept-Language": "en"})
        assert english.headers["etag"] == f'"{version}-html-en"'
        assert english.headers["content-language"] == "en"
        assert "Accept-Language" in english.headers["vary"]
        assert "Accept-Language" not in plain.headers["vary"]
        changed = await client.patch(
            url,
            json={"properties": {"title": "Neu"}},
            headers={**auth(roles["admin"]), "If-Match": metric.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text
        stale = await client.get(url, headers={"If-None-Match": plain.headers["etag"]})
        assert stale.status_code == 200
    finally:
        await pool.execute("DELETE FROM measures WHERE id = $1", row["id"])


@pytest.mark.usefixtures("demo")
async def test_a_tile_etag_is_its_bytes_and_answers_304(client: httpx.AsyncClient) -> None:
    tile = await revalidate(client, "/collections/measures/tiles/WebMercatorQuad/10/531/340")
    assert tile.headers["vary"] == "Authorization, X-API-Key"
    assert not tile.headers["etag"].startswith("W/")


async def test_pages_in_two_languages_have_two_etags(client: httpx.AsyncClient) -> None:
    german = await revalidate(client, "/", Accept="text/html")
    english = await client.get("/", headers={"Accept": "text/html", "Accept-Language": "en-GB"})
    assert german.headers["content-language"] == "de"
    assert english.headers["content-language"] == "en"
    assert english.headers["etag"] != german.headers["etag"]
    for response in (german, english):
        # gzip for clients that ask adds Accept-Encoding (app/main.py).
        assert response.headers["vary"] == "Accept, Accept-Language, Accept-Encoding"
    table = await client.get(PAGE, headers={"Accept": "text/html"})
    assert "Accept-Language" in table.headers["vary"]
    same_url = await client.get(PAGE, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert same_url.headers["etag"] != table.headers["etag"]
