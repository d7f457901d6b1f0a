"""axe-core finds no serious or critical violation on the pages, in German and English:
the landing page, the table, an item page (its small map holds zoom buttons), a
municipality's report; the municipalities overview where it exists."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import Watched
from tests.browser.test_map import GELSENKIRCHEN, first_feature
from tests.browser.test_pages import axe_violations, summary

pytestmark = pytest.mark.usefixtures("demo")


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_axe_finds_nothing_serious_on_the_pages(watched: Watched, lang: str) -> None:
    page, base = watched.page, watched.base
    measure = first_feature(base, municipality=GELSENKIRCHEN, type="green_roof_extensive")
    paths = [
        "/",
        "/collections/measures/items?f=html&limit=20",
        f"/collections/measures/items/{measure['id']}?f=html",
        f"/kommunen/{GELSENKIRCHEN}",
    ]
    # The overview of all municipalities, where this version has one.
    if httpx.get(f"{base}/kommunen", headers={"Accept": "text/html"}).status_code == 200:
        paths.append("/kommunen")
    for path in paths:
        joined = "&" if "?" in path else "?"
        await page.goto(f"{base}{path}{joined}lang={lang}")
        await expect(page.locator("html")).to_have_attribute("lang", lang)
        if "/items/" in path:
            await expect(page.locator(".small-map .leaflet-interactive")).to_have_count(1)
            # A region holding the zoom buttons, not an image (axe: nested-interactive).
            assert await page.locator(".small-map").get_attribute("role") is None
        await page.wait_for_load_state("networkidle")
        violations = await axe_violations(page)
        assert violations == [], f"{path}: {summary(violations)}"
    await watched.screenshot(f"axe-pages-{lang}")
