"""Static files under a content hash: pages link them there, browsers keep them a year."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from app.api.assets import IMMUTABLE, tree_hash

LINK = re.compile(r'(?:src|href)="(/assets/([0-9a-f]{16})/[^"]+)"')


async def linked(client: httpx.AsyncClient, page: str) -> list[tuple[str, str]]:
    """(url, hash) of every script, style and icon the page links."""
    html = (await client.get(page, headers={"Accept": "text/html"})).text
    assert '"/static/' not in html, "a page links an unhashed static file"
    return LINK.findall(html)


@pytest.mark.parametrize("page", ["/map", "/", "/docs", "/kommunen/05513000"])
async def test_pages_link_hashed_files_that_are_immutable(
    client: httpx.AsyncClient, page: str
) -> None:
    links = await linked(client, page)
    assert links and len({version for _, version in links}) == 1
    for url, _ in links:
        answer = await client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == IMMUTABLE
        plain = await client.get(url.replace(url[: len("/assets/") + 17], "/static/"))
        assert plain.content == answer.content


async def test_a_module_imports_its_neighbours_under_the_same_hash(
    client: httpx.AsyncClient,
) -> None:
    # The map loads one bundle; the modules themselves are served under the same hash for
    # the pages that import them (the item page imports the map's facts and texts).
    bundle = next(u for u, _ in await linked(client, "/map") if u.endswith("/bundle/map.js"))
    main = bundle.replace("/vendor/bundle/map.js", "/map/main.js")
    imported = re.findall(r'from "\./([\w-]+\.js)"', (await client.get(main)).text)
    assert imported
    for name in imported:
        answer = await client.get(main.replace("main.js", name))
        assert answer.status_code == 200 and answer.headers["cache-control"] == IMMUTABLE


@pytest.mark.parametrize(
    "version", ["0000000000000000", "", "%2e%2e", "\uff21\uff22", "9" * 5000, "٣٣", "x y", "-1"]
)
async def test_another_hash_is_served_but_revalidated(
    client: httpx.AsyncClient, version: str
) -> None:
    answer = await client.get(f"/assets/{version}/map/main.js")
    if answer.status_code == 200:
        assert answer.headers["cache-control"] == "no-cache"
    else:
        assert answer.status_code == 404


@pytest.mark.parametrize(
    "path", ["/assets/x/../../config.py", "/assets/x/map/nope.js", "/assets/", "/assets/x"]
)
async def test_nothing_outside_the_static_files(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code == 404
    assert "immutable" not in answer.headers.get("cache-control", "")


def test_the_hash_follows_every_byte_and_name(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("1")
    first = tree_hash(tmp_path)
    (tmp_path / "a.js").write_text("2")
    second = tree_hash(tmp_path)
    (tmp_path / "a.js").rename(tmp_path / "b.js")
    assert len({first, second, tree_hash(tmp_path)}) == 3
