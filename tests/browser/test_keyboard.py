"""Keyboard access: the measures in view are a list of buttons beside the map; one opens
the measure's popup and centres it, without a mouse."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from shapely.geometry import shape

from tests.browser.conftest import Watched
from tests.browser.test_map import GELSENKIRCHEN, first_feature, open_map, view_of

pytestmark = pytest.mark.usefixtures("demo")


async def test_a_measure_opens_by_keyboard_only(watched: Watched) -> None:
    page, base = watched.page, watched.base
    measure = first_feature(base, municipality=GELSENKIRCHEN, type="cistern")
    await open_map(page, base, view_of(measure, 17))
    listed = page.locator("#kw-inview-list button")
    await expect(listed.first).to_be_visible()
    await expect(page.locator("#kw-inview-note")).to_contain_text("im Ausschnitt")
    title = measure["properties"]["title"]
    target = listed.filter(has_text=title).first
    await expect(target).to_be_attached()
    # Tab through the page as a keyboard user does, until the measure's button.
    for _ in range(300):
        await page.keyboard.press("Tab")
        if await target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the measure's button was never reached by Tab")
    await page.keyboard.press("Enter")
    await expect(page.locator(".kw-popup-title")).to_have_text(title)
    centre = await page.evaluate("window.klimawerk.map.getCenter()")
    point = shape(measure["geometry"]).centroid
    assert abs(centre["lng"] - point.x) < 0.002 and abs(centre["lat"] - point.y) < 0.002
    assert f"measure={measure['id']}" in page.url
    await watched.screenshot("keyboard-open-measure")


async def test_the_list_asks_to_zoom_in_at_the_region_view(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    await expect(page.locator("#kw-inview-note")).to_have_text(
        "Zum Auflisten der Maßnahmen näher heranzoomen."
    )
    await expect(page.locator("#kw-inview-list button")).to_have_count(0)
