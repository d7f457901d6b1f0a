"""Pages beside the map in Chromium: /docs offline, municipality pages, item pages, axe."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PartnerKey, Watched
from tests.browser.test_map import (
    GELSENKIRCHEN,
    first_feature,
    gelsenkirchen_baseline,  # noqa: F401 (a fixture)
    open_map,
    settle,
    view_of,
)

pytestmark = pytest.mark.usefixtures("demo")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


async def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core findings (axe from the npm package, not a CDN)."""
    # Evaluated, not added as a <script>: a page's Content-Security-Policy would refuse it.
    await page.evaluate(AXE.read_text())
    found = await page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def summary(violations: list[dict]) -> str:
    return json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations],
        indent=1,
    )


async def test_docs_show_swagger_ui_without_a_foreign_request(watched: Watched) -> None:
    page = watched.page
    await page.goto(f"{watched.base}/docs")
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text("Klima.Werk")
    await expect(page.locator(".opblock-tag").first).to_be_visible()
    await watched.screenshot("docs")
    # The fixture fails the test on any request to another host.


@pytest.mark.usefixtures("gelsenkirchen_baseline")
async def test_the_municipality_page_shows_progress_charts_measures_and_map(
    watched: Watched,
) -> None:
    page, base = watched.page, watched.base
    await page.goto(f"{base}/kommunen/{GELSENKIRCHEN}")
    await page.wait_for_selector("#kw-city[data-ready=true]")
    assert (await page.locator("h1").inner_text()).startswith("Gelsenkirchen")
    report = httpx.get(f"{base}/kommunen/{GELSENKIRCHEN}", params={"f": "json"}).json()
    # Two paths with their target line, and the types, each drawn with data.
    charts = (("kw-chart-path", 2), ("kw-chart-evaporation", 2), ("kw-chart-types", 1))
    for chart, datasets in charts:
        drawn = await page.evaluate(
            f"Chart.getChart(document.getElementById('{chart}')).data.datasets.length"
        )
        assert drawn == datasets, chart
    target = await page.evaluate(
        "Chart.getChart(document.getElementById('kw-chart-path')).data.datasets[1].data[0]"
    )
    assert target == report["targets"]["disconnection"]["target_ha"]
    # The table behind every chart.
    rows = page.locator("#kw-table-path tbody tr")
    assert await rows.count() == len(report["path"])
    assert await page.locator("#kw-table-types tbody tr").count() == len(report["by_type"])
    assert await page.locator("#kw-latest li").count() == 10
    await expect(page.locator(".summary")).to_contain_text("des 25-%-Ziels")
    await page.wait_for_function("() => !document.querySelector('.leaflet-tile-loading')")
    await watched.screenshot("municipality-gelsenkirchen")
    assert await axe_violations(page) == []
    # Printable: the print stylesheet hides navigation and map controls, shows the footer.
    await page.emulate_media(media="print")
    assert not await page.locator("header.site nav").is_visible()
    assert not await page.locator(".leaflet-control-zoom").is_visible()
    assert await page.locator(".print-footer").is_visible()


async def test_an_item_page_speaks_german_with_names_map_and_history(watched: Watched) -> None:
    page, base = watched.page, watched.base
    feature = first_feature(base, municipality=GELSENKIRCHEN, type="green_roof_extensive")
    await page.goto(f"{base}/collections/measures/items/{feature['id']}?f=html")
    app = page.locator("#kw-item-app")
    await expect(app).to_contain_text("Dachbegrünung extensiv")
    await expect(app).to_contain_text("Gelsenkirchen")
    await expect(app).to_contain_text("Wasserbilanz")
    await expect(app.locator("ol li").first).to_contain_text("Version")
    await expect(page.locator(".small-map .leaflet-interactive")).to_have_count(1)
    await watched.screenshot("item-page")
    english = await page.context.new_page()
    await english.goto(f"{base}/collections/measures/items/{feature['id']}?f=html&lang=en")
    await expect(english.locator("#kw-item-app")).to_contain_text("Extensive green roof")
    await english.close()


async def test_an_unpublished_measure_opens_for_its_partner_and_not_for_others(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    anchor = first_feature(base, municipality=GELSENKIRCHEN, type="cistern")
    created = httpx.post(
        f"{base}/collections/measures/items",
        json={
            "type": "Feature",
            "geometry": anchor["geometry"],
            "properties": {"type": "cistern", "title": "Eigene Zisterne, ungeprüft"},
        },
        headers=partner_key.headers,
    ).json()
    url = f"{base}/collections/measures/items/{created['id']}?f=html"
    await page.goto(url)
    watched.expect_refused(404)
    await expect(page.locator("h1")).to_have_text("Nicht gefunden")
    await page.evaluate(f"sessionStorage.setItem('klimawerk.apiKey', '{partner_key.secret}')")
    await page.goto(url)
    watched.expect_refused(404)
    await expect(page.locator("h1")).to_have_text("Eigene Zisterne, ungeprüft")
    await expect(page.locator("#kw-item-app")).to_contain_text("eingereicht")


async def test_axe_finds_nothing_serious_on_the_map_idle_and_with_a_popup(
    watched: Watched,
) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    assert await axe_violations(page) == [], summary(await axe_violations(page))
    feature = first_feature(base, type="cistern", municipality=GELSENKIRCHEN)
    await open_map(page, base, view_of(feature, 18))
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await expect(page.locator(".kw-popup dl")).to_contain_text("Partner")
    # Leaflet fades a popup in; axe would measure the contrast of the half-faded text.
    await page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    violations = await axe_violations(page)
    assert violations == [], summary(violations)


async def test_axe_finds_nothing_serious_while_drawing(
    watched: Watched, partner_key: PartnerKey
) -> None:
    """Needs /me capabilities (the draw controls follow capabilities.create)."""
    page, base = watched.page, watched.base
    await open_map(page, base, view_of(first_feature(base, municipality=GELSENKIRCHEN), 17))
    await page.get_by_label("API-Schlüssel").fill(partner_key.secret)
    await page.get_by_role("button", name="Anmelden", exact=True).click()
    await page.locator("#kw-new-type").select_option("unsealing")
    await page.get_by_role("button", name="Fläche: Auf der Karte zeichnen").click()
    await expect(page.locator("#kw-map-hint")).to_be_visible()
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((0, 0), (60, 0), (60, 50)):
        await page.mouse.move(cx + dx, cy + dy, steps=3)
        await page.mouse.click(cx + dx, cy + dy)
    await settle(page)
    await watched.screenshot("drawing")
    violations = await axe_violations(page)
    assert violations == [], summary(violations)


async def test_a_reviewer_works_through_the_review_queue(
    watched: Watched, partner_key: PartnerKey, reviewer_key: PartnerKey
) -> None:
    """Needs /me capabilities (the queue follows capabilities.review_in)."""
    page, base = watched.page, watched.base
    anchor = first_feature(base, municipality=GELSENKIRCHEN, type="cistern")
    ids = [
        httpx.post(
            f"{base}/collections/measures/items",
            json={
                "type": "Feature",
                "geometry": anchor["geometry"],
                "properties": {"type": "cistern", "title": title},
            },
            headers=partner_key.headers,
        ).json()["id"]
        for title in ("Warteschlange eins", "Warteschlange zwei")
    ]
    await open_map(page, base)
    await page.get_by_label("API-Schlüssel").fill(reviewer_key.secret)
    await page.get_by_role("button", name="Anmelden", exact=True).click()
    queue = page.locator("#kw-review-list")
    first = queue.locator(f'li[data-id="{ids[0]}"]')
    await expect(first).to_contain_text(partner_key.partner)
    # Oldest first.
    order = await queue.locator("li").evaluate_all("items => items.map(i => i.dataset.id)")
    assert order.index(ids[0]) < order.index(ids[1])
    await first.locator(".kw-queue-title").click()  # entries are collapsed
    await first.get_by_role("button", name="auf der Karte zeigen").click()
    await expect(page.locator(".kw-popup-title")).to_have_text("Warteschlange eins")
    assert f"measure={ids[0]}" in page.url
    await first.get_by_role("button", name="Veröffentlichen").click()
    await expect(first).to_have_count(0)
    assert httpx.get(f"{base}/collections/measures/items/{ids[0]}").status_code == 200
    second = queue.locator(f'li[data-id="{ids[1]}"]')
    await second.locator(".kw-queue-title").click()
    await second.get_by_role("button", name="Ablehnen").click()
    await expect(second.locator(".kw-field-error")).to_contain_text("Begründung")
    # The label says who reads the note.
    await second.get_by_label("Prüfvermerk \u2013 wird dem Partner angezeigt").fill("doppelt")
    await second.get_by_role("button", name="Ablehnen").click()
    await expect(second).to_have_count(0)
    await watched.screenshot("review-queue")


async def test_drawing_warns_outside_the_region_and_previews_the_water_balance(
    watched: Watched, partner_key: PartnerKey
) -> None:
    """Needs /me capabilities (draw controls) and POST /impact (the preview)."""
    page, base = watched.page, watched.base
    # West of Duisburg, outside every Klima.Werk municipality.
    await open_map(page, base, "#15/51.4300/6.5000")
    await page.get_by_label("API-Schlüssel").fill(partner_key.secret)
    await page.get_by_role("button", name="Anmelden", exact=True).click()
    await page.locator("#kw-new-type").select_option("unsealing")
    await page.get_by_role("button", name="Fläche: Auf der Karte zeichnen").click()
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    await page.mouse.move(cx, cy, steps=3)
    await page.mouse.click(cx, cy)
    await expect(page.locator("#kw-outside")).to_contain_text("außerhalb")
    await page.keyboard.press("Escape")
    await expect(page.locator("#kw-outside")).to_be_hidden()

    await open_map(page, base, view_of(first_feature(base, municipality=GELSENKIRCHEN), 18))
    await page.locator("#kw-new-type").select_option("unsealing")
    await page.get_by_role("button", name="Fläche: Auf der Karte zeichnen").click()
    corners = ((-40, -40), (40, -40), (40, 40), (-40, 40), (-40, -40))
    for dx, dy in corners:
        await page.mouse.move(cx + dx, cy + dy, steps=3)
        await page.mouse.click(cx + dx, cy + dy)
    await expect(page.locator("#kw-measure")).to_be_visible()
    await expect(page.locator("#kw-impact")).to_contain_text("Vermiedener Abfluss")
    await expect(page.locator("#kw-outside")).to_be_hidden()
    # The form shows the drawn area and what counts towards the target (the same rule
    # the stored measure follows), and unsealing has an effect (Bagrov).
    impact = page.locator("#kw-impact")
    await expect(impact).to_contain_text("Gezeichnete Fläche")
    await expect(impact).to_contain_text("aus der gezeichneten Fläche")
    await expect(page.locator("#kw-m-disconnected-hint")).to_contain_text("gezeichnete Fläche")
    assert "m³" in await impact.locator("dd").nth(2).inner_text()  # runoff avoided
    await page.get_by_label("Abgekoppelte Fläche (m²)").fill("100")
    await page.get_by_label("Abgekoppelte Fläche (m²)").dispatch_event("change")
    await expect(impact).to_contain_text("100 m² (angegeben)")
