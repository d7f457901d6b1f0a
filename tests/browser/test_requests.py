"""What one map load costs the server, and how the map rides out a busy server.

A first load of /map needs at most 30 requests besides tiles, a repeat visit at most 10
(scripts, styles and icons come from the browser's cache: immutable, content-hashed). A
tile answered 429 is asked again after Retry-After and drawn; a panel whose request keeps
getting 503 says so in German, never with the server's own text."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, Route

from tests.browser.conftest import Watched
from tests.browser.test_map import open_map, settle

pytestmark = pytest.mark.usefixtures("demo")

TILE = re.compile(r"/collections/measures/tiles/WebMercatorQuad/\d+/\d+/\d+")
VIEW = "#13/51.5400/7.0500"


async def network_requests(page: Page, base: str) -> list[str]:
    """Opens the map on `page` and returns the URLs that went to the server (not tiles):
    Chromium's own account (DevTools protocol), since a cache hit is no request."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    sent: dict[str, str] = {}
    cached: set[str] = set()
    cdp.on(
        "Network.requestWillBeSent", lambda e: sent.setdefault(e["requestId"], e["request"]["url"])
    )
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    cdp.on(
        "Network.responseReceived",
        lambda e: e["response"].get("fromDiskCache") and cached.add(e["requestId"]),
    )
    await open_map(page, base, VIEW)
    return [url for rid, url in sent.items() if rid not in cached and not TILE.search(url)]


async def test_a_first_and_a_repeat_load_stay_within_their_budgets(
    browser: Browser, live_server: str
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        first = await network_requests(await context.new_page(), live_server)
        again = await network_requests(await context.new_page(), live_server)
    finally:
        await context.close()
    print(f"first load: {len(first)} requests besides tiles; repeat visit: {len(again)}")
    assert len(first) <= 30, first
    assert len(again) <= 10, again
    assert not [url for url in again if "/assets/" in url], again


async def test_a_refused_tile_is_asked_again_after_retry_after(watched: Watched) -> None:
    page = watched.page
    refused: list[str] = []
    retried: list[str] = []

    async def busy_once(route: Route) -> None:
        url = route.request.url
        if url in refused:
            retried.append(url)
            await route.continue_()
            return
        refused.append(url)
        await route.fulfill(
            status=429,
            headers={"Retry-After": "1", "Content-Type": "application/problem+json"},
            body='{"title": "Too Many Requests", "status": 429}',
        )

    await page.route(TILE, busy_once)
    await open_map(page, watched.base, VIEW)
    watched.expect_refused(429)
    assert refused and sorted(set(retried)) == sorted(set(refused))
    assert await page.evaluate("window.klimawerk.drawnShapes()") > 0


async def test_a_busy_statistics_panel_speaks_german_and_retries(watched: Watched) -> None:
    page = watched.page
    asked: list[str] = []

    async def overloaded(route: Route) -> None:
        asked.append(route.request.url)
        await route.fulfill(
            status=503,
            headers={"Retry-After": "1", "Content-Type": "application/problem+json"},
            body='{"title": "Service Unavailable", "status": 503, '
            '"detail": "rate limit exceeded; slow down and retry after the time in Retry-After"}',
        )

    await page.route(re.compile(r"/statistics(\?|$)"), overloaded)
    await page.goto(f"{watched.base}/map{VIEW}")
    await page.wait_for_selector("body[data-ready=true]")
    await settle(page)
    text = await page.inner_text("#kw-stats")
    watched.expect_refused(503)
    assert "ausgelastet" in text and "rate limit" not in text, text
    assert len(asked) >= 2, asked
