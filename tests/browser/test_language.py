"""German first, English on request: the partner's save with two mistakes shows both at
their fields, in the visitor's language; the map follows Accept-Language and `lang`
and keeps the language across links."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, PartnerKey, Watched
from tests.browser.test_map import (
    GELSENKIRCHEN,
    click_at,
    first_feature,
    settle,
    view_of,
)

pytestmark = pytest.mark.usefixtures("demo")
SOON = dt.date.today() + dt.timedelta(days=60)


async def sign_in_by_id(page: Page, key: PartnerKey) -> None:
    """Signs in whatever the page's language (the labels differ)."""
    await page.locator("#kw-key").fill(key.secret)
    await page.locator("#kw-key").press("Enter")
    await expect(page.locator("#kw-who")).to_contain_text(key.partner)
    await settle(page)


async def save_with_two_mistakes(page: Page, base: str, key: PartnerKey, query: str = "") -> None:
    """Draws an area near a Gelsenkirchen measure and saves it without a title and with
    a completion date in the future."""
    view = view_of(first_feature(base, municipality=GELSENKIRCHEN), 18)
    await page.goto(f"{base}/map{query}{view}")
    await page.wait_for_selector("body[data-ready=true]")
    await settle(page)
    await sign_in_by_id(page, key)
    await page.locator("#kw-new-type").select_option("unsealing")
    await page.locator('.kw-draw[data-geometry="Polygon"]').click()
    for dx, dy in [(-60, -40), (60, -40), (60, 40), (-60, 40), (-60, -40)]:
        await click_at(page, dx, dy)
    await expect(page.locator("#kw-measure")).to_be_visible()
    await page.locator("#kw-m-status").select_option("completed")
    await page.locator("#kw-m-completed_on").fill(str(SOON))
    await page.locator("#kw-measure button[type=submit]").click()


def field_error(page: Page, field: str):  # type: ignore[no-untyped-def]
    return page.locator(f'.kw-field[data-field="{field}"] .kw-field-error')


async def test_a_partners_two_mistakes_show_at_their_fields_in_german(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page = watched.page
    await save_with_two_mistakes(page, watched.base, partner_key)
    await expect(field_error(page, "title")).to_have_text("ist ein Pflichtfeld")
    watched.expect_refused(422)
    await expect(field_error(page, "completed_on")).to_contain_text(f"{SOON} liegt in der Zukunft")
    await expect(page.locator("#kw-m-title")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#kw-m-completed_on")).to_have_attribute("aria-invalid", "true")
    await watched.screenshot("partner-two-mistakes-de")


async def english_page(browser: Browser) -> Page:
    """A page of a browser set to British English (Accept-Language: en-GB)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = await context.new_page()
    page.set_default_timeout(20_000)
    return page


async def test_an_english_visitor_meets_english_problems(
    browser: Browser, live_server: str, partner_key: PartnerKey
) -> None:
    page = await english_page(browser)
    try:
        await save_with_two_mistakes(page, live_server, partner_key)
        assert await page.locator("html").get_attribute("lang") == "en"
        await expect(field_error(page, "title")).to_have_text("is required")
        await expect(field_error(page, "completed_on")).to_contain_text("lies in the future")
        await expect(page.locator("#kw-m-title")).to_have_attribute("aria-invalid", "true")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "partner-two-mistakes-en.png"))
    finally:
        await page.context.close()


async def test_the_english_landing_page_leads_to_an_english_map(
    watched: Watched,
) -> None:
    page, base = watched.page, watched.base  # a German browser that asked for English
    await page.goto(f"{base}/?lang=en")
    await page.get_by_role("link", name="The map", exact=True).click()
    await page.wait_for_selector("body[data-ready=true]")
    assert "lang=en" in page.url
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#kw-key")).to_be_attached()
    await expect(page.locator('label[for="kw-key"]')).to_have_text("API key")
    # Switching to German is kept in the link, against the server's choice too.
    await page.locator("#kw-lang").click()
    await expect(page.locator('label[for="kw-key"]')).to_have_text("API-Schlüssel")
    assert "lang=en" not in page.url


async def test_an_english_browser_gets_the_english_map_and_can_choose_german(
    browser: Browser, live_server: str
) -> None:
    page = await english_page(browser)
    try:
        await page.goto(f"{live_server}/map")
        await page.wait_for_selector("body[data-ready=true]")
        await expect(page.locator('label[for="kw-key"]')).to_have_text("API key")
        await page.locator("#kw-lang").click()
        await expect(page.locator('label[for="kw-key"]')).to_have_text("API-Schlüssel")
        assert "lang=de" in page.url  # the link keeps German for this English browser
        await page.reload()
        await page.wait_for_selector("body[data-ready=true]")
        await expect(page.locator('label[for="kw-key"]')).to_have_text("API-Schlüssel")
    finally:
        await page.context.close()
