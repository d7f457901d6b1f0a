"""Published stays published: a partner's edit of a published measure waits for review
as a pending revision, while the public keeps the published version (map, API, tiles,
statistics) until a reviewer publishes or rejects the edit."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, create

pytestmark = pytest.mark.usefixtures("clean")
BIGGER = {
    "type": "Polygon",
    "coordinates": [
        [[7.1, 51.52], [7.1006, 51.52], [7.1006, 51.5204], [7.1, 51.5204], [7.1, 51.52]]
    ],
}


async def published_measure(client: httpx.AsyncClient, roles: dict) -> dict:
    feature = (await create(client, roles["partner"])).json()
    published = await client.patch(
        f"{ITEMS}/{feature['id']}",
        json={"properties": {"review_state": "published"}},
        headers=auth(roles["reviewer"]),
    )
    assert published.status_code == 200, published.text
    return published.json()


async def public_view(client: httpx.AsyncClient, measure_id: str) -> tuple:
    item = (await client.get(f"{ITEMS}/{measure_id}")).json()
    page = (await client.get(ITEMS, params={"limit": 100})).json()
    stats = (await client.get("/statistics", params={"municipality": "05513000"})).json()
    tile = await client.get("/collections/measures/tiles/WebMercatorQuad/14/8515/5447")
    return item, page["numberMatched"], stats, tile.content


async def test_an_edited_published_measure_stays_public_unchanged_until_review(
    client: httpx.AsyncClient, roles: dict
) -> None:
    measure = await published_measure(client, roles)
    url = f"{ITEMS}/{measure['id']}"
    before = await public_view(client, measure["id"])
    assert before[0]["properties"]["title"] == "Gründach Musterstraße 1"
    assert before[3]  # the tile holds the roof

    edit = {"geometry": BIGGER, "properties": {"title": "Größeres Gründach"}}
    edited = await client.patch(url, json=edit, headers=auth(roles["partner"]))
    assert edited.status_code == 200, edited.text
    revision = edited.json()
    assert revision["id"] != measure["id"]
    assert revision["properties"]["revision_of"] == measure["id"]
    assert revision["properties"]["review_state"] == "submitted"
    assert revision["properties"]["title"] == "Größeres Gründach"
    assert revision["properties"]["area_m2"] > measure["properties"]["area_m2"]

    # Anonymous readers: the same item, list, statistics and tile as before the edit.
    assert await public_view(client, measure["id"]) == before
    assert (await client.get(f"{ITEMS}/{revision['id']}")).status_code == 404

    # The partner and the reviewer see both.
    for who in ("partner", "reviewer"):
        own = await client.get(url, headers=auth(roles[who]))
        assert own.json()["properties"]["title"] == "Gründach Musterstraße 1"
        pending = await client.get(f"{ITEMS}/{revision['id']}", headers=auth(roles[who]))
        assert pending.status_code == 200
        assert pending.json()["properties"]["revision_of"] == measure["id"]
        # The review shows what changed.
        changes = pending.json()["revision"]["changes"]
        assert changes["title"] == {"from": "Gründach Musterstraße 1", "to": "Größeres Gründach"}
        assert "geometry" in changes and "area_m2" in changes

    # A second edit changes the waiting revision, not a new one.
    again = await client.patch(
        url, json={"properties": {"cost_eur": 9000}}, headers=auth(roles["partner"])
    )
    assert again.json()["id"] == revision["id"]
    assert again.json()["properties"]["title"] == "Größeres Gründach"
    assert again.json()["properties"]["cost_eur"] == 9000

    publish = await client.patch(
        f"{ITEMS}/{revision['id']}",
        json={"properties": {"review_state": "published", "review_note": "passt"}},
        headers=auth(roles["reviewer"]),
    )
    assert publish.status_code == 200, publish.text
    assert publish.json()["id"] == measure["id"]
    after = await public_view(client, measure["id"])
    assert after[0]["properties"]["title"] == "Größeres Gründach"
    assert after[0]["properties"]["cost_eur"] == 9000
    assert after[0]["properties"]["area_m2"] == revision["properties"]["area_m2"]
    assert after[1] == before[1]  # still one measure, not two
    assert after[2] != before[2]  # the statistics follow the published change
    # The kept statistics count the measure once, with its new area.
    assert before[2]["totals"]["count"] == after[2]["totals"]["count"] == 1
    assert before[2]["totals"]["area_m2"] == pytest.approx(
        measure["properties"]["area_m2"], abs=0.1
    )
    assert after[2]["totals"]["area_m2"] == pytest.approx(
        revision["properties"]["area_m2"], abs=0.1
    )
    assert (
        await client.get(f"{ITEMS}/{revision['id']}", headers=auth(roles["partner"]))
    ).status_code == 404

    history = (await client.get(f"{url}/history", headers=auth(roles["reviewer"]))).json()
    titles = [v["changes"].get("title", {}).get("to") for v in history["versions"]]
    assert "Größeres Gründach" in titles


async def test_a_rejected_edit_leaves_the_published_measure_as_it_was(
    client: httpx.AsyncClient, roles: dict
) -> None:
    measure = await published_measure(client, roles)
    url = f"{ITEMS}/{measure['id']}"
    before = await public_view(client, measure["id"])
    edited = await client.patch(
        url, json={"properties": {"title": "Falsch"}}, headers=auth(roles["partner"])
    )
    revision = edited.json()
    reject = await client.patch(
        f"{ITEMS}/{revision['id']}",
        json={"properties": {"review_state": "rejected", "review_note": "Titel stimmt nicht"}},
        headers=auth(roles["reviewer"]),
    )
    assert reject.status_code == 200, reject.text
    assert reject.json()["properties"]["review_state"] == "rejected"
    assert await public_view(client, measure["id"]) == before
    # The partner sees its rejected edit with the note, and may edit the measure anew.
    seen = await client.get(f"{ITEMS}/{revision['id']}", headers=auth(roles["partner"]))
    assert seen.json()["properties"]["review_note"] == "Titel stimmt nicht"
    anew = await client.patch(
        url, json={"properties": {"title": "Richtig"}}, headers=auth(roles["partner"])
    )
    assert anew.status_code == 200 and anew.json()["id"] not in (revision["id"], measure["id"])


async def test_a_reviewer_edit_of_a_published_measure_is_no_revision(
    client: httpx.AsyncClient, roles: dict
) -> None:
    measure = await published_measure(client, roles)
    edited = await client.patch(
        f"{ITEMS}/{measure['id']}",
        json={"properties": {"title": "Vom Prüfer"}},
        headers=auth(roles["reviewer"]),
    )
    assert edited.json()["id"] == measure["id"]
    assert (await client.get(f"{ITEMS}/{measure['id']}")).json()["properties"][
        "title"
    ] == "Vom Prüfer"


async def test_a_revision_may_not_be_sent_by_the_client(
    client: httpx.AsyncClient, roles: dict
) -> None:
    """`revision_of` is read-only: a client naming one creates an ordinary measure."""
    measure = await published_measure(client, roles)
    created = await create(client, roles["partner"], revision_of=measure["id"])
    assert created.json()["properties"]["revision_of"] is None
