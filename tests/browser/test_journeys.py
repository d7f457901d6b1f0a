"""The everyday journeys on /map: opening a point, filters in place, links, downloads."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import Watched
from tests.browser.test_map import GELSENKIRCHEN, first_feature, open_map, settle, view_of

pytestmark = pytest.mark.usefixtures("demo")
BOTTROP = "05512000"


async def test_clicking_a_point_measure_opens_it(watched: Watched) -> None:
    page, base = watched.page, watched.base
    cistern = first_feature(base, type="cistern", municipality=GELSENKIRCHEN)
    await open_map(page, base, view_of(cistern, 18))
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await expect(page.locator(".kw-popup-title")).to_have_text(cistern["properties"]["title"])
    # The open measure is part of the link; the municipality under it was not selected.
    assert f"measure={cistern['id']}" in page.url
    assert "municipality=" not in page.url
    await watched.screenshot("point-popup")

    # The link opens the same measure in a new page.
    second = await page.context.new_page()
    await second.goto(page.url)
    await second.wait_for_selector("body[data-ready=true]")
    await expect(second.locator(".kw-popup-title")).to_have_text(cistern["properties"]["title"])
    await second.close()


async def test_enter_in_the_year_fields_filters_without_reloading(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query="?type=green_roof_extensive")
    await page.evaluate("window.notReloaded = true")
    year_from = page.get_by_label("von", exact=True)
    await year_from.fill("2020")
    await year_from.press("Enter")
    await page.get_by_label("bis", exact=True).fill("2022")
    await page.get_by_label("bis", exact=True).press("Enter")
    await settle(page)
    assert await page.evaluate("window.notReloaded") is True
    assert "type=green_roof_extensive" in page.url
    assert "from=2020" in page.url and "to=2022" in page.url
    tiles = [u for u in watched.requests if "/tiles/WebMercatorQuad/" in u]
    assert "datetime=2020-01-01%2F2022-12-31" in tiles[-1]
    expected = httpx.get(
        f"{base}/collections/measures/items",
        params={"type": "green_roof_extensive", "datetime": "2020-01-01/2022-12-31", "limit": 1},
    ).json()["numberMatched"]
    await expect(page.locator("#kw-d-count")).to_contain_text(f"{expected:,}".replace(",", "."))


async def test_a_link_of_the_first_view_shows_the_same_tiles(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query=f"?municipality={BOTTROP}")
    zoom = await page.evaluate("window.klimawerk.map.getZoom()")
    assert page.url.split("#")[1].startswith(f"{zoom}/"), page.url
    first_tiles = sorted(
        {u.split("?")[0] for u in watched.requests if "/tiles/WebMercatorQuad/" in u}
    )
    second = await page.context.new_page()
    seen: list[str] = []
    second.on("request", lambda r: seen.append(r.url))
    await second.goto(page.url)
    await second.wait_for_selector("body[data-ready=true]")
    await settle(second)
    assert sorted({u.split("?")[0] for u in seen if "/tiles/WebMercatorQuad/" in u}) == (
        first_tiles
    )
    await second.close()

    # Choosing a municipality in the list zooms the map to it.
    await page.get_by_label("Kommune", exact=True).select_option(GELSENKIRCHEN)
    await settle(page)
    centre = await page.evaluate("window.klimawerk.map.getCenter()")
    assert 51.45 < centre["lat"] < 51.65 and 6.95 < centre["lng"] < 7.2


async def test_the_download_holds_number_matched_rows(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query=f"?municipality={GELSENKIRCHEN}&type=cistern")
    count = page.locator("#kw-d-count")
    await expect(count).to_have_attribute("data-matched", re.compile(r"^\d+$"))
    matched = int(await count.get_attribute("data-matched"))
    api = httpx.get(
        f"{base}/collections/measures/items",
        params={"municipality": GELSENKIRCHEN, "type": "cistern", "limit": 1},
    ).json()["numberMatched"]
    assert matched == api > 0
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Herunterladen").click()
    download = await info.value
    lines = (await download.path()).read_text().strip().splitlines()
    assert len(lines) - 1 == matched  # a header, then one line a measure
    assert download.suggested_filename.endswith(".csv")
