"""An office behind one address: four colleagues open one city's map at once and pan;
at the default limits nobody is refused (issue 23)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from playwright.async_api import Browser, Page

from tests.browser.test_map import GELSENKIRCHEN, open_map, settle

pytestmark = pytest.mark.usefixtures("demo")

COLLEAGUES = 4
PANS = ((300, 0), (0, 200), (-250, -150))


async def pan(page: Page, dx: int, dy: int) -> None:
    """Drag the map by (dx, dy) pixels, as a hand on a mouse does, and wait for tiles."""
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x - dx, y - dy, steps=6)
    await page.mouse.up()
    await settle(page)


async def colleague(browser: Browser, base: str, statuses: Counter[int], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")

    def record(status: int, url: str) -> None:
        statuses[status] += 1
        if status >= 400:
            errors.append(f"{status} {url}")

    try:
        page = await context.new_page()
        page.set_default_timeout(60_000)
        page.on("response", lambda r: record(r.status, r.url))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        await open_map(page, base, query=f"?municipality={GELSENKIRCHEN}")
        for dx, dy in PANS:
            await pan(page, dx, dy)
    finally:
        await context.close()


async def test_four_colleagues_at_one_address_are_never_refused(
    browser: Browser, live_server: str
) -> None:
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    await asyncio.gather(
        *(colleague(browser, live_server, statuses, errors) for _ in range(COLLEAGUES))
    )
    print(f"\noffice of {COLLEAGUES}: responses by status {dict(sorted(statuses.items()))}")
    assert statuses[429] == 0, statuses
    assert statuses[503] == 0, statuses
    assert sum(statuses.values()) > COLLEAGUES * 20, statuses
    assert errors == [], errors
