"""A review queue of 200 submissions: counted, filtered by type and partner, paged,
published several at once; an edited submission shows what changed."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import PartnerKey, Watched, _key
from tests.browser.test_language import sign_in_by_id
from tests.browser.test_map import GELSENKIRCHEN, first_feature, open_map

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(scope="session")
async def queue_reviewer(pool: asyncpg.Pool) -> PartnerKey:
    return await _key(pool, "Prüfstelle Gelsenkirchen", "reviewer", [GELSENKIRCHEN])


def submit_many(base: str, key: PartnerKey, count: int, type_id: str, tag: str) -> list[str]:
    """`count` point submissions in Gelsenkirchen in one FeatureCollection (all or none)."""
    anchor = first_feature(base, municipality=GELSENKIRCHEN, type="cistern")["geometry"]
    features = [
        {
            "type": "Feature",
            "geometry": anchor,
            "properties": {"type": type_id, "title": f"{tag} {i:03d}"},
        }
        for i in range(count)
    ]
    answer = httpx.post(
        f"{base}/collections/measures/items",
        json={"type": "FeatureCollection", "features": features},
        headers=key.headers,
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    return [f["id"] for f in answer.json()["features"]]


async def test_a_queue_of_200_is_filtered_paged_and_published_in_bulk(
    watched: Watched, partner_key: PartnerKey, queue_reviewer: PartnerKey, pool: asyncpg.Pool
) -> None:
    page, base = watched.page, watched.base
    tag = f"Q{uuid.uuid4().hex[:6]}"
    other = await _key(pool, f"Wohnbau {tag}", "partner", [])
    submit_many(base, partner_key, 150, "cistern", tag)
    trees = submit_many(base, other, 50, "tree_trench", tag)
    await open_map(page, base)
    await sign_in_by_id(page, queue_reviewer)
    count = page.locator("#kw-queue-count")
    entries = page.locator("#kw-review-list > li")
    await expect(entries).to_have_count(20)  # a page, not the whole queue
    await expect(count).to_contain_text("Einreichungen warten auf Prüfung")
    total = int((await count.text_content() or "0").split()[0].replace(".", ""))
    assert total >= 200

    # Filter by partner and type: the 50 tree trenches of the other partner.
    await page.get_by_label("Partner", exact=True).fill(other.partner)
    await page.get_by_label("Partner", exact=True).press("Enter")
    await page.locator("#kw-queue-type").select_option("tree_trench")
    await expect(count).to_have_text("50 Einreichungen warten auf Prüfung")
    await expect(entries).to_have_count(20)
    await watched.screenshot("queue-filtered")

    # Paging: 20 + 20 + 10 different submissions, and back. (One request stored them all,
    # at one time: the order within it is the API's tie-break, not the titles'.)
    seen: list[str] = []
    for size in (20, 20, 10):
        await expect(entries).to_have_count(size)
        titles = await entries.locator("summary").all_text_contents()
        seen += titles
        if size == 20:
            await page.get_by_role("button", name="weiter \u2192").click()
            # The next page has arrived when its first entry is another one.
            await expect(entries.first.locator("summary")).not_to_have_text(titles[0])
    assert len({t.strip() for t in seen}) == 50
    await expect(page.get_by_role("button", name="weiter \u2192")).to_be_disabled()
    await page.get_by_role("button", name="\u2190 zurück").click()
    await expect(entries).to_have_count(20)

    # Newest first is another order of the same queue.
    await page.locator("#kw-queue-sort").select_option("-created_at")
    await expect(entries).to_have_count(20)
    await expect(count).to_have_text("50 Einreichungen warten auf Prüfung")

    # Publish this page of 20 at once.
    await page.get_by_label("alle auf dieser Seite auswählen").check()
    publish = page.get_by_role("button", name="Ausgewählte veröffentlichen (20)")
    await publish.click()
    await expect(count).to_have_text("30 Einreichungen warten auf Prüfung")
    published = [
        httpx.get(f"{base}/collections/measures/items/{i}").status_code == 200 for i in trees
    ]
    assert sum(published) == 20
    await watched.screenshot("queue-after-bulk-publish")


async def test_an_edited_submission_shows_what_changed(
    watched: Watched, partner_key: PartnerKey, queue_reviewer: PartnerKey
) -> None:
    page, base = watched.page, watched.base
    tag = f"E{uuid.uuid4().hex[:6]}"
    [measure_id] = submit_many(base, partner_key, 1, "cistern", tag)
    url = f"{base}/collections/measures/items/{measure_id}"
    httpx.patch(
        url,
        json={"properties": {"review_state": "published"}},
        headers={**queue_reviewer.headers, "If-Match": '"1"'},
    ).raise_for_status()
    edited = httpx.patch(
        url,
        json={"properties": {"title": f"{tag} neu", "status": "in_progress"}},
        headers={**partner_key.headers, "If-Match": '"2"'},
    )
    edited.raise_for_status()
    # A published measure stays published: the edit waits as its pending revision.
    revision_id = edited.json()["id"]
    assert revision_id != measure_id
    await open_map(page, base)
    await sign_in_by_id(page, queue_reviewer)
    await page.locator("#kw-queue-sort").select_option("-created_at")
    entry = page.locator(f'#kw-review-list li[data-id="{revision_id}"]')
    await entry.locator(".kw-queue-title").click()
    await expect(entry.locator("details")).to_have_attribute("open", "")
    changes = entry.locator(".kw-queue-changes")
    await expect(changes).to_contain_text("Änderungen gegenüber der veröffentlichten Version")
    await expect(changes).to_contain_text(f"Titel: „{tag} 000“ → „{tag} neu“")
    await expect(changes).to_contain_text("Status: geplant → in Umsetzung")
