"""gzip for direct clients: pages, tiles and streamed exports come compressed to a client
that asks, byte for byte the same once decoded, with the same ETag and 304s."""

from __future__ import annotations

import gzip

import httpx
import orjson
import pytest

PAGE = "/collections/measures/items?limit=100"
# A z12 tile over Gelsenkirchen/Essen, where the demo has measures.
TILE = "/collections/measures/tiles/WebMercatorQuad/12/2127/1361"


def without_time(body: bytes) -> dict:
    """A page of features without its `timeStamp`."""
    doc = orjson.loads(body)
    doc.pop("timeStamp", None)
    return doc


async def both(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, httpx.Response]:
    """The plain and the gzip answer to `url` (the gzip one not decoded by httpx)."""
    plain = await client.get(url, headers={"Accept-Encoding": "identity"})
    async with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as packed:
        packed._content = b"".join([chunk async for chunk in packed.aiter_raw()])
    return plain, packed


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", [PAGE, TILE, "/collections/measures/items?f=csv"])
async def test_gzip_is_the_same_bytes_and_etag(client: httpx.AsyncClient, url: str) -> None:
    plain, packed = await both(client, url)
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    unpacked = gzip.decompress(packed.content)
    if url == PAGE:  # a page carries the time it was made
        assert without_time(unpacked) == without_time(plain.content)
    else:
        assert unpacked == plain.content
    assert len(packed.content) < len(plain.content)
    assert packed.headers.get("etag") == plain.headers.get("etag")


@pytest.mark.usefixtures("demo")
async def test_a_gzip_client_revalidates_with_the_etag(client: httpx.AsyncClient) -> None:
    first = await client.get(PAGE, headers={"Accept-Encoding": "gzip"})
    again = await client.get(
        PAGE, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


async def test_small_answers_and_images_stay_plain(client: httpx.AsyncClient) -> None:
    small = await client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    icon = await client.get(
        "/static/vendor/leaflet/images/layers.png", headers={"Accept-Encoding": "gzip"}
    )
    assert icon.status_code == 200 and "content-encoding" not in icon.headers
