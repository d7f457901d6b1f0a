"""The map at /map in headless Chromium: drawing, filters, popups, submitting, editing."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect
from shapely.geometry import shape

from app.sql import statistics
from app.sql.measure_types import refresh_derived
from tests.browser.conftest import PartnerKey, Watched

pytestmark = pytest.mark.usefixtures("demo")

GELSENKIRCHEN = "05513000"


async def open_map(page: Page, base: str, fragment: str = "", query: str = "") -> None:
    """Opens the map and waits until it is set up and its first tiles are drawn."""
    await page.goto(f"{base}/map{query}{fragment}")
    await page.wait_for_selector("body[data-ready=true]")
    await settle(page)


async def settle(page: Page) -> None:
    """Waits for pending tiles (VectorGrid marks loading tiles) and the statistics."""
    await page.wait_for_function(
        "() => !document.querySelector('.leaflet-tile-loading') && "
        "!document.querySelector('#kw-stats[aria-busy]')"
    )
    await page.wait_for_timeout(300)


def first_feature(base: str, **params: str) -> dict[str, Any]:
    """A published measure matching the items filters."""
    answer = httpx.get(f"{base}/collections/measures/items", params={"limit": "1", **params})
    features = answer.json()["features"]
    assert features, f"the demo data has no measure for {params}"
    return features[0]


def view_of(feature: dict[str, Any], zoom: int) -> str:
    point = shape(feature["geometry"]).representative_point()
    return f"#{zoom}/{point.y:.6f}/{point.x:.6f}"


async def drawn_types(page: Page) -> list[str]:
    """The type of every measure on the loaded tiles (the map draws on canvas)."""
    return await page.evaluate("window.klimawerk.drawnMeasures().map(p => p.type)")


async def drawn_shapes(page: Page) -> int:
    """Measures and clusters drawn on the loaded tiles."""
    return await page.evaluate("window.klimawerk.drawnShapes()")


async def test_boundaries_measures_and_statistics_are_drawn(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)

    assert await page.locator("path.kw-boundary").count() == 17
    labels = await page.locator(".kw-boundary-label").all_inner_texts()
    assert "Gelsenkirchen" in labels and "Recklinghausen" in labels
    # Names that would overlap are left out: the boxes of the shown ones never overlap.
    boxes = await page.evaluate(
        "[...document.querySelectorAll('.kw-boundary-label')]"
        ".filter((l) => getComputedStyle(l).visibility !== 'hidden')"
        ".map((l) => { const r = l.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert len(boxes) >= 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # The region view is below zoom 12: clusters.
    assert await drawn_shapes(page) > 0
    assert await page.evaluate("window.klimawerk.drawnMeasures().length") == 0
    total = httpx.get(f"{base}/statistics").json()["totals"]["count"]
    assert total > 0
    shown = await page.locator("#kw-stats .kw-figures dd").first.inner_text()
    assert shown == f"{total:,}".replace(",", ".")
    await watched.screenshot("region")

    feature = first_feature(base, municipality=GELSENKIRCHEN)
    await open_map(page, base, view_of(feature, 15))
    assert len(await drawn_types(page)) > 0
    await watched.screenshot("gelsenkirchen-z15")


async def test_a_filter_changes_what_is_drawn_and_the_link_keeps_it(watched: Watched) -> None:
    page, base = watched.page, watched.base
    cistern = first_feature(base, type="cistern")
    await open_map(page, base, view_of(cistern, 13))
    before = await drawn_types(page)
    assert len(set(before)) > 1, "the view should show several types before filtering"

    await page.get_by_role("button", name="keine", exact=True).click()
    await settle(page)
    assert await drawn_shapes(page) == 0
    await page.get_by_label("Zisterne, Regenwassernutzung").check()
    await settle(page)
    after = await drawn_types(page)
    assert after and set(after) == {"cistern"}
    assert len(after) < len(before)
    assert "type=cistern" in page.url
    tile_requests = [u for u in watched.requests if "/tiles/WebMercatorQuad/" in u]
    assert tile_requests[-1].endswith("?type=cistern")

    # The link reproduces the view and the filter in a new page.
    link = page.url
    await page.goto("about:blank")
    await page.goto(link)
    await page.wait_for_selector("body[data-ready=true]")
    await settle(page)
    assert set(await drawn_types(page)) == {"cistern"}
    assert await page.get_by_label("Zisterne, Regenwassernutzung").is_checked()
    assert not await page.get_by_label("Dachbegrünung extensiv").is_checked()

    # Status and municipality narrow the statistics the same way as the API.
    await page.get_by_label("Kommune", exact=True).select_option(GELSENKIRCHEN)
    await settle(page)
    expected = httpx.get(
        f"{base}/statistics", params={"municipality": GELSENKIRCHEN, "type": "cistern"}
    ).json()["totals"]["count"]
    assert await page.locator("#kw-stats h3").inner_text() == "Gelsenkirchen"
    assert await page.locator("#kw-stats .kw-figures dd").first.inner_text() == str(expected)


@pytest.fixture
async def gelsenkirchen_baseline(pool: asyncpg.Pool) -> AsyncIterator[None]:
    """A (demo) sealed area for Gelsenkirchen while the test runs."""
    async with pool.acquire() as conn:
        await statistics.upsert_baseline(
            conn,
            GELSENKIRCHEN,
            {"sealed_area_m2": 2_000_000.0, "sealed_source": "test", "is_demo": True},
        )
    yield
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM municipality_baselines")
        await refresh_derived(conn, GELSENKIRCHEN)


@pytest.mark.usefixtures("gelsenkirchen_baseline")
async def test_the_statistics_panel_shows_progress_towards_the_targets(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base, query=f"?municipality={GELSENKIRCHEN}")
    targets = httpx.get(f"{base}/statistics", params={"municipality": GELSENKIRCHEN}).json()[
        "targets"
    ]
    share = targets["disconnection"]["share"] * 100
    assert share > 0
    bars = page.locator("#kw-stats progress")
    assert await bars.count() == 2
    assert float(await bars.first.get_attribute("value")) == pytest.approx(min(share, 25))
    shown = f"{share:.1f}".replace(".", ",") + " % der versiegelten Fläche"
    await expect(page.locator("#kw-stats")).to_contain_text(shown)
    await expect(page.locator("#kw-stats")).to_contain_text("Demo-Werte")
    # Without a view in the link the map shows the chosen municipality.
    assert await page.evaluate("window.klimawerk.map.getZoom()") >= 11
    await watched.screenshot("statistics-gelsenkirchen")


async def test_a_popup_shows_the_measures_title(watched: Watched) -> None:
    page, base = watched.page, watched.base
    feature = first_feature(base, type="green_roof_extensive", municipality=GELSENKIRCHEN)
    await open_map(page, base, view_of(feature, 19))
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    title = page.locator(".kw-popup-title")
    await expect(title).to_have_text(feature["properties"]["title"])
    # The full facts come from the API: partner and the details link of this measure.
    await expect(page.locator(".kw-popup")).to_contain_text(feature["properties"]["partner"])
    link = await page.locator(".kw-popup a").get_attribute("href")
    assert link == f"/collections/measures/items/{feature['id']}?f=html"

    # A click beside every measure selects the municipality there for the statistics.
    await page.locator(".leaflet-popup-close-button").click()
    clicked = await click_at(page, 150, 120)
    here = httpx.get(
        f"{base}/collections/municipalities/items",
        params={"bbox": f"{clicked['lon']},{clicked['lat']},{clicked['lon']},{clicked['lat']}"},
    ).json()["features"][0]["properties"]
    await expect(page.locator("#kw-stats h3")).to_have_text(here["name"])
    assert f"municipality={here['ags']}" in page.url


async def sign_in(page: Page, key: PartnerKey) -> None:
    await page.get_by_label("API-Schlüssel").fill(key.secret)
    await page.get_by_role("button", name="Anmelden", exact=True).click()
    await expect(page.locator("#kw-who")).to_contain_text(key.partner)
    await settle(page)


async def click_at(page: Page, dx: float, dy: float) -> dict[str, float]:
    """Clicks the map at an offset from its centre; returns the clicked lon/lat."""
    box = await page.locator("#kw-map").bounding_box()
    assert box is not None
    x, y = box["width"] / 2 + dx, box["height"] / 2 + dy
    # Move first, as a hand does: the drawing tool places vertices where the cursor is.
    await page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    await page.mouse.click(box["x"] + x, box["y"] + y)
    return await page.evaluate(
        "([x, y]) => { const p = window.klimawerk.map.containerPointToLatLng([x, y]);"
        " return {lon: p.lng, lat: p.lat}; }",
        [x, y],
    )


def own_measures(base: str, key: PartnerKey, title: str) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{base}/collections/measures/items",
        params={"filter": f"title = '{title}'", "limit": "10"},
        headers=key.headers,
    )
    assert answer.status_code == 200
    return answer.json()["features"]


async def signed_in_near_a_measure(page: Page, base: str, key: PartnerKey, zoom: int) -> None:
    """The map at a Gelsenkirchen measure, with the partner signed in."""
    await open_map(page, base, view_of(first_feature(base, municipality=GELSENKIRCHEN), zoom))
    await sign_in(page, key)


async def test_a_partner_draws_and_submits_a_point(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    await signed_in_near_a_measure(page, base, partner_key, zoom=16)

    await page.locator("#kw-new-type").select_option("cistern")
    draw = page.get_by_role("button", name="Punkt: Auf der Karte zeichnen")
    await draw.click()
    await expect(page.locator("#kw-map")).to_have_class(re.compile("kw-drawing"))
    await page.keyboard.press("Escape")  # changed my mind
    await expect(page.locator("#kw-map")).not_to_have_class(re.compile("kw-drawing"))
    await draw.click()
    clicked = await click_at(page, 40, -30)
    await expect(page.locator("#kw-measure")).to_be_visible()

    title = f"Zisterne Browser {uuid.uuid4().hex[:8]}"
    await page.locator("#kw-m-title").fill(title)
    await page.locator("#kw-m-cost_eur").fill("-5")
    await page.get_by_role("button", name="Speichern", exact=True).click()
    error = page.locator('.kw-field[data-field="cost_eur"] .kw-field-error')
    await expect(error).to_have_text("muss eine Zahl ≥ 0 sein")  # the API's problem in German
    assert await page.locator("#kw-m-cost_eur").get_attribute("aria-invalid") == "true"
    assert own_measures(base, partner_key, title) == []
    watched.expect_refused(422)

    await page.locator("#kw-m-cost_eur").fill("1800")
    await page.get_by_role("button", name="Speichern", exact=True).click()
    await expect(page.locator("#kw-message")).to_contain_text("Maßnahme gespeichert")
    stored = own_measures(base, partner_key, title)
    assert len(stored) == 1
    properties = stored[0]["properties"]
    assert properties["partner"] == partner_key.partner
    assert properties["review_state"] == "submitted"
    assert properties["cost_eur"] == 1800
    assert properties["municipality"] == GELSENKIRCHEN
    lon, lat = stored[0]["geometry"]["coordinates"]
    assert abs(lon - clicked["lon"]) < 1e-5 and abs(lat - clicked["lat"]) < 1e-5
    # Not public before review.
    public = httpx.get(f"{base}/collections/measures/items/{stored[0]['id']}")
    assert public.status_code == 404
    await watched.screenshot("submitted-point")


async def test_a_partner_draws_and_submits_an_area(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    await signed_in_near_a_measure(page, base, partner_key, zoom=18)

    await page.locator("#kw-new-type").select_option("unsealing")
    await page.get_by_role("button", name="Fläche: Auf der Karte zeichnen").click()
    corners = [
        await click_at(page, dx, dy) for dx, dy in [(-60, -40), (60, -40), (60, 40), (-60, 40)]
    ]
    await click_at(page, -60, -40)  # back on the first corner closes the ring
    await expect(page.locator("#kw-measure")).to_be_visible()
    title = f"Entsiegelung Schulhof {uuid.uuid4().hex[:8]}"
    await page.locator("#kw-m-title").fill(title)
    await page.locator("#kw-m-status").select_option("completed")
    await page.locator("#kw-m-completed_on").fill("2025-06-30")
    await page.get_by_role("button", name="Speichern", exact=True).click()
    await expect(page.locator("#kw-message")).to_contain_text("Maßnahme gespeichert")

    stored = own_measures(base, partner_key, title)
    assert len(stored) == 1
    ring = stored[0]["geometry"]["coordinates"][0]
    assert stored[0]["geometry"]["type"] == "Polygon" and len(ring) == 5
    for corner in corners:
        assert any(abs(x - corner["lon"]) < 1e-5 and abs(y - corner["lat"]) < 1e-5 for x, y in ring)
    assert stored[0]["properties"]["area_m2"] > 0
    assert stored[0]["properties"]["completed_on"] == "2025-06-30"


@dataclass(frozen=True)
class Submitted:
    """A measure a partner submitted through the API, and where the map shows it."""

    id: str
    area_m2: float
    square: list[list[float]]
    view: str


def submit_as(key: PartnerKey, base: str, title: str, dx: float, kind: str) -> Submitted:
    """A partner's 30 m x 30 m area east or west of a Gelsenkirchen measure."""
    anchor = shape(first_feature(base, municipality=GELSENKIRCHEN)["geometry"])
    x, y = anchor.representative_point().x + dx, anchor.representative_point().y
    square = [[x, y], [x + 0.0004, y], [x + 0.0004, y + 0.0003], [x, y + 0.0003], [x, y]]
    created = httpx.post(
        f"{base}/collections/measures/items",
        json={
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [square]},
            "properties": {"type": kind, "title": title},
        },
        headers=key.headers,
    )
    assert created.status_code == 201
    return Submitted(
        created.json()["id"],
        created.json()["properties"]["area_m2"],
        square,
        f"#19/{y + 0.00015:.6f}/{x + 0.0002:.6f}",
    )


async def test_a_partner_edits_and_deletes_an_own_measure(
    watched: Watched, partner_key: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    parking = submit_as(partner_key, base, "Parkplatz Ost", 0.002, "permeable_paving")
    measure_id, square, x = parking.id, parking.square, parking.square[0][0]
    await open_map(page, base, parking.view)
    await sign_in(page, partner_key)

    await click_at(page, 0, 0)
    await expect(page.locator(".kw-popup-title")).to_have_text("Parkplatz Ost")
    await expect(page.locator(".kw-popup")).to_contain_text("eingereicht")
    assert await page.locator(".kw-popup .kw-review").count() == 0  # partners do not review
    await page.locator(".kw-popup").get_by_role("button", name="Bearbeiten").click()
    await expect(page.locator("#kw-m-title")).to_have_value("Parkplatz Ost")
    # Drag one corner of the area 40 px to the right: the geometry is edited too.
    await page.wait_for_timeout(500)  # the map zooms to the measure first
    vertex = page.locator(".leaflet-marker-icon.marker-icon:not(.marker-icon-middle)").first
    box = await vertex.bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await page.mouse.down()
    await page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2, steps=8)
    await page.mouse.up()
    await page.locator("#kw-m-title").fill("Parkplatz Ost, wasserdurchlässig")
    await page.locator("#kw-m-cost_eur").fill("42000")
    await page.get_by_role("button", name="Speichern", exact=True).click()
    await expect(page.locator("#kw-message")).to_contain_text("Änderung gespeichert")
    item = httpx.get(f"{base}/collections/measures/items/{measure_id}", headers=partner_key.headers)
    assert item.json()["properties"]["title"] == "Parkplatz Ost, wasserdurchlässig"
    assert item.json()["properties"]["cost_eur"] == 42000
    assert item.headers["etag"] == '"2"'
    ring = item.json()["geometry"]["coordinates"][0]
    moved = [
        c for c in ring[:-1] if min(abs(c[0] - o[0]) + abs(c[1] - o[1]) for o in square) > 1e-5
    ]
    assert len(moved) == 1 and moved[0][0] > x, "one corner should have moved east"
    assert item.json()["properties"]["area_m2"] != parking.area_m2

    await settle(page)
    page.once("dialog", lambda dialog: dialog.accept())
    await click_at(page, 0, 0)
    await expect(page.locator(".kw-popup-title")).to_have_text("Parkplatz Ost, wasserdurchlässig")
    await page.locator(".kw-popup").get_by_role("button", name="Löschen").click()
    await expect(page.locator("#kw-message")).to_have_text("Maßnahme gelöscht.")
    gone = httpx.get(f"{base}/collections/measures/items/{measure_id}", headers=partner_key.headers)
    assert gone.status_code == 404


async def test_a_wrong_key_is_refused(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    await page.get_by_label("API-Schlüssel").fill("kw_not-a-key")
    # The refused /me answers 401; the browser logs that as a failed resource.
    await page.get_by_role("button", name="Anmelden", exact=True).click()
    await expect(page.locator("#kw-message")).to_have_text(
        "Der Schlüssel ist ungültig oder gesperrt."
    )
    assert await page.evaluate("sessionStorage.length") == 0
    watched.expect_refused(401)


@pytest.mark.parametrize("watched", [{"width": 390, "height": 844}], indirect=True)
async def test_phone_width_keyboard_and_labels(watched: Watched) -> None:
    page, base = watched.page, watched.base
    await open_map(page, base)
    toggle = page.locator("#kw-panel-toggle")
    assert await toggle.get_attribute("aria-expanded") == "false"
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await watched.screenshot("phone-map")

    await toggle.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#kw-panel")).to_be_visible()
    await page.locator("#kw-lang").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#kw-filter-title")).to_have_text("Filters")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    assert re.search(r"[?&]lang=en", page.url)
    unlabelled = await page.evaluate(
        """() => [...document.querySelectorAll('#kw-panel :is(input, select, textarea)')]
             .filter(i => !i.labels?.length && !i.getAttribute('aria-label')).map(i => i.id)"""
    )
    assert unlabelled == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await watched.screenshot("phone-panel-en")


async def test_a_reviewer_publishes_and_rejects_on_the_map(
    watched: Watched, partner_key: PartnerKey, reviewer_key: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    good = submit_as(partner_key, base, "Schulhof entsiegelt", -0.003, "unsealing")
    bad = submit_as(partner_key, base, "Doppelt gemeldet", -0.004, "unsealing")
    assert httpx.get(f"{base}/collections/measures/items/{good.id}").status_code == 404

    await open_map(page, base, good.view)
    await sign_in(page, reviewer_key)
    await click_at(page, 0, 0)
    await expect(page.locator(".kw-popup-title")).to_have_text("Schulhof entsiegelt")
    await expect(page.locator(".kw-popup")).to_contain_text("eingereicht")
    await page.locator(".kw-popup").get_by_role("button", name="Veröffentlichen").click()
    await expect(page.locator("#kw-message")).to_have_text("Maßnahme veröffentlicht.")
    public = httpx.get(f"{base}/collections/measures/items/{good.id}")
    assert public.status_code == 200
    assert public.json()["properties"]["review_state"] == "published"

    await page.evaluate(f"window.location.hash = '{bad.view}'")
    await settle(page)
    await click_at(page, 0, 0)
    await expect(page.locator(".kw-popup-title")).to_have_text("Doppelt gemeldet")
    popup = page.locator(".kw-popup")
    await popup.get_by_label("Prüfvermerk \u2013 wird dem Partner angezeigt").fill(
        "Doppelt: siehe Schulhof"
    )
    await popup.get_by_role("button", name="Ablehnen").click()
    await expect(page.locator("#kw-message")).to_have_text("Maßnahme abgelehnt.")
    rejected = httpx.get(
        f"{base}/collections/measures/items/{bad.id}", headers=reviewer_key.headers
    )
    assert rejected.json()["properties"]["review_state"] == "rejected"
    assert rejected.json()["properties"]["review_note"] == "Doppelt: siehe Schulhof"
