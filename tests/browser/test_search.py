"""The map's search box in headless Chromium: suggestions while typing, chosen with the
keyboard, the popup of the chosen measure, and the same search from the shared link."""

from __future__ import annotations

import re

import asyncpg
import pytest
from playwright.async_api import Browser, expect
from shapely.geometry import box

from tests.browser.conftest import ARTIFACTS, PartnerKey, Watched
from tests.browser.test_map import open_map, settle, sign_in, submit_as
from tests.factories import insert_measure

pytestmark = pytest.mark.usefixtures("demo")
TITLE = "Gründach der Kita Regenbogenweg"


@pytest.fixture
async def kita(pool: asyncpg.Pool) -> str:
    """A published green roof in Gelsenkirchen with a name no demo measure has."""
    async with pool.acquire() as conn:
        row = await insert_measure(
            conn,
            box(7.0950, 51.5150, 7.0953, 51.5152),
            title=TITLE,
            description="Extensive Begrünung, 300 m²",
            source="test",
        )
    return str(row["id"])


async def test_typing_choosing_with_the_keyboard_and_sharing_the_search(
    watched: Watched, browser: Browser, kita: str
) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    box_ = page.get_by_role("combobox", name="Suche")
    await expect(box_).to_have_attribute("placeholder", "z. B. Gründach, Rigole, Bottrop")
    asked: list[str] = []
    page.on("request", lambda r: "/suggestions" in r.url and asked.append(r.url))
    # Typed as a person types (a typo: "Regenbgen"), then the missing letter.
    await box_.press_sequentially("regenbgen", delay=60)
    options = page.get_by_role("listbox", name="Vorschläge").get_by_role("option")
    await expect(options.first).to_contain_text(TITLE)
    # The debounce: one request per pause in typing, not one per keystroke (on a busy
    # machine a keystroke can come late enough to count as a pause).
    assert 1 <= len(asked) < 9, asked
    assert "q=regenbgen" in asked[-1]
    await expect(box_).to_have_attribute("aria-expanded", "true")
    await expect(options.first).to_contain_text("Dachbegrünung extensiv · Gelsenkirchen")
    await watched.screenshot("search-suggestions")

    await box_.press("ArrowDown")
    await expect(options.first).to_have_attribute("aria-selected", "true")
    await box_.press("Enter")
    await expect(page.locator(".kw-popup-title")).to_have_text(TITLE)
    await expect(box_).to_have_attribute("aria-expanded", "false")
    await settle(page)
    await watched.screenshot("search-chosen")
    shared = page.url
    assert f"measure={kita}" in shared and "q=regenbgen" in shared
    # The table link carries the search too.
    await expect(page.get_by_role("link", name="Tabelle")).to_have_attribute(
        "href", re.compile(r"[?&]q=regenbgen(&|$)")
    )

    # The shared link, in a new context: the same search, the same measure open.
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    try:
        other = await context.new_page()
        errors: list[str] = []
        other.on("pageerror", lambda e: errors.append(str(e)))
        await other.goto(shared)
        await other.wait_for_selector("body[data-ready=true]")
        await expect(other.get_by_role("combobox", name="Suche")).to_have_value("regenbgen")
        await expect(other.locator(".kw-popup-title")).to_have_text(TITLE)
        await settle(other)
        await other.screenshot(path=str(ARTIFACTS / "search-shared.png"))
        assert errors == []
    finally:
        await context.close()


async def test_a_city_is_suggested_first_and_the_box_speaks_english(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query="?lang=en")
    box_ = page.get_by_role("combobox", name="Search")
    await box_.press_sequentially("bottr", delay=40)
    first = page.get_by_role("listbox", name="Suggestions").get_by_role("option").first
    await expect(first).to_contain_text("Bottrop")
    await expect(first).to_contain_text("Municipality")
    await box_.press("ArrowDown")
    await box_.press("Enter")
    # The view moves to Bottrop (west of the region's centre).
    await page.wait_for_function(
        "() => Math.abs(window.klimawerk.map.getCenter().lng - 6.95) < 0.1"
    )


async def test_escape_closes_the_list_then_empties_the_box(watched: Watched, kita: str) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query="?q=kita")
    box_ = page.get_by_role("combobox", name="Suche")
    await expect(box_).to_have_value("kita")
    await box_.focus()
    await box_.press("Enter")  # asks at once
    listbox = page.get_by_role("listbox", name="Vorschläge")
    await expect(listbox.get_by_role("option").first).to_contain_text(TITLE)
    await box_.press("Escape")
    await expect(box_).to_have_attribute("aria-expanded", "false")
    await expect(box_).to_have_value("kita")
    await box_.press("Escape")
    await expect(box_).to_have_value("")
    assert "q=" not in page.url


async def test_the_review_queue_finds_a_submitted_measure_by_name(
    watched: Watched, partner_key: PartnerKey, reviewer_key: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    submit_as(partner_key, base, "Mulden-Rigole am Sportplatz", -0.003, "swale")
    submit_as(partner_key, base, "Parkplatz Ost entsiegelt", -0.004, "unsealing")
    await open_map(page, base)
    await sign_in(page, reviewer_key)
    queue = page.locator("#kw-review-list .kw-queue-title")
    await expect(queue.filter(has_text="Parkplatz Ost entsiegelt")).to_have_count(1)
    await expect(queue.filter(has_text="Mulden-Rigole am Sportplatz")).to_have_count(1)
    field = page.locator("#kw-review-section").get_by_role("searchbox", name="Suche")
    await field.press_sequentially("rigolen", delay=40)
    await expect(queue).to_have_text(["Mulden-Rigole am Sportplatz"])
    await watched.screenshot("search-review-queue")
    await field.fill("")
    await field.press("Enter")
    await expect(queue.filter(has_text="Parkplatz Ost entsiegelt")).to_have_count(1)
