"""The partner form tells the truth while drawing: warnings from the server before
saving, the type's M 102-4 parameters, the drawn area and the live preview."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import expect

from tests.browser.conftest import PartnerKey, Watched, _key
from tests.browser.test_language import sign_in_by_id
from tests.browser.test_map import GELSENKIRCHEN, click_at, first_feature, settle, view_of

pytestmark = pytest.mark.usefixtures("demo")
SQUARE = [(-60, -40), (60, -40), (60, 40), (-60, 40), (-60, -40)]


@pytest.fixture(scope="session")
async def bottrop_key(pool: asyncpg.Pool) -> PartnerKey:
    """A partner that may create measures in Bottrop only."""
    return await _key(pool, "Bottroper Wohnungsbau", "partner", ["05512000"])


async def draw_square(watched: Watched, key: PartnerKey, type_id: str) -> None:
    page, base = watched.page, watched.base
    view = view_of(first_feature(base, municipality=GELSENKIRCHEN), 18)
    await page.goto(f"{base}/map{view}")
    await page.wait_for_selector("body[data-ready=true]")
    await settle(page)
    await sign_in_by_id(page, key)
    await page.locator("#kw-new-type").select_option(type_id)
    await page.locator('.kw-draw[data-geometry="Polygon"]').click()
    for dx, dy in SQUARE:
        await click_at(page, dx, dy)
    await expect(page.locator("#kw-measure")).to_be_visible()


async def test_a_draw_outside_the_keys_city_is_warned_before_saving(
    watched: Watched, bottrop_key: PartnerKey
) -> None:
    page = watched.page
    await draw_square(watched, bottrop_key, "unsealing")
    warning = page.locator("#kw-outside")
    await expect(warning).to_be_visible()
    await expect(warning).to_contain_text("Gelsenkirchen")
    await expect(warning).not_to_contain_text("05513000")
    await watched.screenshot("form-outside-key-city")
    # Nothing was stored by the warning.
    assert not [u for u in watched.requests if u.endswith("/collections/measures/items")]
    watched.expect_refused(403)


async def test_the_form_shows_parameters_area_and_preview(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page = watched.page
    await draw_square(watched, partner_key, "green_roof_extensive")
    await expect(page.locator("#kw-outside")).to_be_hidden()
    depth = page.locator("#kw-m-substrate_depth_mm")
    await expect(depth).to_have_attribute("min", "40")
    await expect(depth).to_have_attribute("max", "500")
    await expect(page.locator("#kw-m-substrate_depth_mm-hint")).to_have_text(
        "Standard: 100 · gültig 40\u2013500"
    )
    await expect(page.locator("#kw-m-surface_before option").first).to_contain_text(
        "Standard: Flachdach"
    )
    await expect(page.locator("#kw-drawn-area")).to_contain_text("Gezeichnete Fläche")
    runoff = page.locator("#kw-impact dt", has_text="Vermiedener Abfluss").locator(
        "xpath=following-sibling::dd[1]"
    )
    await expect(runoff).to_contain_text("m³")
    before = await runoff.text_content()
    # A deeper substrate holds more water: the preview follows the field.
    await depth.fill("300")
    await depth.dispatch_event("change")
    await expect(runoff).not_to_have_text(before or "")
    await watched.screenshot("form-parameters-preview")


async def test_the_whole_shape_is_dragged_and_checked_again(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page = watched.page
    await draw_square(watched, partner_key, "unsealing")
    area = page.locator("#kw-drawn-area")
    await expect(area).to_contain_text("m²")
    before = await page.evaluate("window.klimawerk.editedGeometry().coordinates[0].map(c => c[0])")
    move = page.get_by_role("button", name="Ganze Form verschieben")
    await move.click()
    await expect(page.locator("#kw-move-shape")).to_have_attribute("aria-pressed", "true")
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await page.mouse.move(cx, cy)
    await page.mouse.down()
    await page.mouse.move(cx + 80, cy, steps=10)
    await page.mouse.up()
    after = await page.evaluate("window.klimawerk.editedGeometry().coordinates[0].map(c => c[0])")
    # Every vertex moved east by the same distance: the shape moved as a whole.
    shifts = [a - b for a, b in zip(after, before, strict=True)]
    assert min(shifts) > 1e-5 and max(shifts) - min(shifts) < 1e-9, shifts
    # The same area, no sliver: a drag moves every vertex alike.
    await expect(area).to_contain_text("m²")
    await page.locator("#kw-move-shape").click()
    await expect(page.locator("#kw-move-shape")).to_have_text("Ganze Form verschieben")
