"""`/map` and `/me`: the page is self-contained, the caller is who the key says."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from app.api import map as map_page
from app.config import Settings
from tests.api.conftest import auth


async def test_map_page_asks_only_its_own_host(client: httpx.AsyncClient) -> None:
    response = await client.get("/map")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = [u for u in re.findall(r'(?:src|href)="([^"]+)"', response.text) if u[0] != "#"]
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url


async def test_map_page_carries_the_base_map_setting(client: httpx.AsyncClient) -> None:
    response = await client.get("/map")
    config = json.loads(
        re.search(
            r'<script id="kw-config" type="application/json">(.*?)</script>', response.text
        ).group(1)
    )
    assert config["basemapUrl"] == client._transport.app.state.settings.basemap_url  # type: ignore[attr-defined]
    assert "GeoBasis-DE / BKG" in config["dataAttribution"]


def test_an_empty_base_map_url_means_no_base_map() -> None:
    assert map_page.map_config(Settings(basemap_url=""))["basemapUrl"] is None
    default = map_page.map_config(Settings())
    assert default["basemapUrl"].startswith("https://tile.openstreetmap.org/")
    assert "OpenStreetMap" in default["basemapAttribution"]


async def test_map_without_built_assets_says_how_to_build_them(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(map_page, "VENDOR_MARKER", tmp_path / "missing.js")
    response = await client.get("/map")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "make assets" in response.json()["detail"]


async def test_me_names_the_partner_of_the_key(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]]
) -> None:
    anonymous = (await client.get("/me")).json()
    assert (anonymous["role"], anonymous["partner"], anonymous["municipalities"]) == (
        "anonymous",
        None,
        [],
    )
    assert anonymous["capabilities"]["create_in"] == []
    reviewer = (await client.get("/me", headers=auth(roles["reviewer"]))).json()
    assert (reviewer["role"], reviewer["partner"], reviewer["municipalities"]) == (
        "reviewer",
        "Stadt Gelsenkirchen",
        ["05513000"],
    )
    assert reviewer["capabilities"]["review_in"] == ["05513000"]
    wrong = await client.get("/me", headers={"Authorization": "Bearer kw_wrong"})
    assert wrong.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
