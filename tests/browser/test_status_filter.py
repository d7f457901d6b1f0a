"""The status filter takes several statuses at once, as the API does."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import Watched
from tests.browser.test_map import open_map, settle

pytestmark = pytest.mark.usefixtures("demo")


async def test_two_statuses_filter_tiles_statistics_and_the_link(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    status = page.locator("#kw-f-status")
    await status.select_option(["planned", "completed"])
    await settle(page)
    assert "status=planned%2Ccompleted" in page.url or "status=planned,completed" in page.url
    tiles = [u for u in watched.requests if "/tiles/WebMercatorQuad/" in u]
    assert "status=planned%2Ccompleted" in tiles[-1]
    expected = httpx.get(
        f"{base}/collections/measures/items", params={"status": "planned,completed", "limit": 1}
    ).json()["numberMatched"]
    await expect(page.locator("#kw-d-count")).to_contain_text(f"{expected:,}".replace(",", "."))
    # The link restores both choices.
    again = await page.context.new_page()
    await again.goto(page.url)
    await again.wait_for_selector("body[data-ready=true]")
    chosen = await again.locator("#kw-f-status").evaluate(
        "s => [...s.selectedOptions].map(o => o.value)"
    )
    assert chosen == ["planned", "completed"]
    await again.close()
    # Resetting the filters chooses none again: every status.
    await page.get_by_role("button", name="Filter zurücksetzen").click()
    await settle(page)
    assert "status=" not in page.url
