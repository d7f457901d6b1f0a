"""A council member's journeys in Chromium: the 17 cities side by side, a city's report
printed to PDF (A4), and the downloads a planner opens in Excel or QGIS."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pyogrio
import pytest
from playwright.async_api import Page, expect

from app.services import loading
from tests.browser.conftest import ARTIFACTS, Watched
from tests.browser.test_map import GELSENKIRCHEN, open_map, settle

pytestmark = pytest.mark.usefixtures("demo", "demo_baselines")


@pytest.fixture
async def demo_baselines(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[None]:
    """The demo baselines of the 17 cities, removed afterwards."""
    await loading.load_demo_baselines(dsn)
    yield
    await pool.execute("DELETE FROM municipality_baselines")


async def test_the_cities_side_by_side_sort_by_any_column(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await page.goto(f"{base}/kommunen")
    await expect(page.locator("h1")).to_have_text("Die 17 Kommunen im Vergleich")
    rows = page.locator("#kw-kommunen tbody tr")
    assert await rows.count() == 17
    first = await rows.first.locator("th").inner_text()
    # By name, A to Z: a click on the heading (a button, reachable by keyboard).
    await page.get_by_role("button", name="Kommune").click()
    names = await page.locator("#kw-kommunen tbody th").all_inner_texts()
    assert names == sorted(names, key=str.casefold) and names[0] == "Bochum"
    header = page.locator("#kw-kommunen thead th").nth(1)
    await expect(header).to_have_attribute("aria-sort", "ascending")
    # By the share of the target, twice: descending puts the leader back on top.
    target = page.get_by_role("button", name="% des 25-%-Ziels")
    await target.click()
    await target.click()
    assert await rows.first.locator("th").inner_text() == first
    await watched.screenshot("kommunen")
    # Every city links to its report.
    await page.get_by_role("link", name="Gelsenkirchen").click()
    await expect(page).to_have_url(f"{base}/kommunen/{GELSENKIRCHEN}")


async def test_the_report_prints_to_a4_with_footer_and_no_map_controls(
    watched: Watched, tmp_path: Path
) -> None:
    page, base = watched.page, watched.base
    await page.goto(f"{base}/kommunen/{GELSENKIRCHEN}")
    await page.wait_for_selector("#kw-city[data-ready=true]")
    await page.wait_for_function("() => !document.querySelector('.leaflet-tile-loading')")
    await page.emulate_media(media="print")
    pdf = ARTIFACTS / "report-gelsenkirchen.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.pdf(path=str(pdf), format="A4", print_background=True)
    # What is on paper, page by page (poppler's pdftotext), and a picture of page 1.
    command = ["pdftotext", "-layout", str(pdf), "-"]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
    text = done.stdout
    pages = text.split("\f")
    assert 2 <= len([p for p in pages if p.strip()]) <= 8
    assert "Gelsenkirchen: Fortschritt zu den Schwammstadt-Zielen" in pages[0]
    assert "Stand" in pages[0] and "des 25-%-Ziels" in pages[0]
    for printed in (p for p in pages if p.strip()):
        # The footer with the page's address and the Stand is on every page.
        assert f"/kommunen/{GELSENKIRCHEN}" in printed and "Stand" in printed
    assert "auf der Karte öffnen" not in text and "English" not in text
    picture = ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")]
    await asyncio.to_thread(subprocess.run, picture, check=True)
    assert list(tmp_path.glob("p-*.png"))


async def test_the_download_control_offers_german_excel_and_a_geopackage(
    watched: Watched, tmp_path: Path
) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query=f"?municipality={GELSENKIRCHEN}&type=green_roof_extensive")
    count = page.locator("#kw-d-count")
    await expect(count).to_have_attribute("data-matched", re.compile(r"^\d+$"))
    matched = int(await count.get_attribute("data-matched"))
    await page.get_by_label("Format").select_option("csv-de")
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Herunterladen").click()
    download = await info.value
    name = download.suggested_filename
    assert name.startswith("klimawerk-massnahmen_gelsenkirchen_") and name.endswith("_crs84.csv")
    raw = (await download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("ID;Maßnahmenart;Titel;") and len(lines) - 1 == matched
    assert ";Dachbegrünung extensiv;" in lines[1]

    await page.get_by_label("Format").select_option("gpkg")
    async with page.expect_download() as info:
        await page.get_by_role("link", name="Herunterladen").click()
    download = await info.value
    assert download.suggested_filename.endswith("_crs84.gpkg")
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"measures_polygons": "MultiPolygon"}
    assert pyogrio.read_info(path, layer="measures_polygons")["features"] == matched


async def fills(page: Page) -> list[str]:
    """The fill colours of the shaded municipalities."""
    return await page.evaluate(
        "[...document.querySelectorAll('.leaflet-choropleth-pane path')]"
        ".map((p) => p.getAttribute('fill'))"
    )


async def test_the_overview_tells_the_cities_apart(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    shading = page.locator(".kw-shading")
    await expect(shading).to_contain_text("erreichter Anteil am 25-%-Ziel")
    items = [i.strip() for i in await shading.locator("li").all_text_contents()]
    assert len(items) == 6 and items[0].startswith("bis ") and items[-1] == "kein Ausgangswert"
    assert items[1].startswith("über ") and " bis " in items[1]
    assert len(set(await fills(page))) >= 4  # not one pale colour
    await watched.screenshot("overview-progress")
    await page.get_by_label("Einfärbung der Kommunen").select_option("count")
    await expect(shading).to_contain_text("Maßnahmen je km² versiegelter Fläche")
    await settle(page)
    assert len(set(await fills(page))) >= 4
    await watched.screenshot("overview-per-km2")
