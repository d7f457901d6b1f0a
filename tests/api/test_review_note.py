"""The reviewer's note is private to the review process: the measure's partner, its
reviewers and admins read it; pages, items and exports show no one else a trace of it."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_history import patch
from tests.api.test_transactions import ITEMS, roof

pytestmark = pytest.mark.usefixtures("clean")

NOTE = "intern: Dublette zum Schulhof prüfen"
HTML = {"Accept": "text/html"}


async def published_with_note(client: httpx.AsyncClient, roles: dict) -> str:
    """A partner's measure in Gelsenkirchen, published by its reviewer with a note."""
    created = await client.post(ITEMS, json=roof(), headers=auth(roles["partner"]))
    url = f"{ITEMS}/{created.json()['id']}"
    await patch(
        client, roles["reviewer"], url, 1, {"review_state": "published", "review_note": NOTE}
    )
    return url


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


async def test_anonymous_callers_get_no_note_anywhere(
    client: httpx.AsyncClient, roles: dict
) -> None:
    url = await published_with_note(client, roles)
    item = await client.get(url)
    assert item.status_code == 200
    assert "review_note" not in item.json()["properties"]
    responses = [
        item,
        await client.get(url, headers=HTML),
        await client.get(ITEMS),
        await client.get(ITEMS, headers=HTML),
        *[await client.get(ITEMS, params={"f": f}) for f in ("csv", "gpkg", "geojson-file")],
    ]
    for response in responses:
        assert response.status_code == 200, response.url
        assert NOTE.encode() not in response.content, response.url
        assert b"review_note" not in response.content, response.url
    assert "Gründach" in responses[2].text  # the page does hold the measure


async def test_the_single_item_shows_the_note_to_those_who_see_the_review(
    client: httpx.AsyncClient, roles: dict
) -> None:
    url = await published_with_note(client, roles)
    for who in ("partner", "reviewer", "admin"):
        response = await client.get(url, headers=auth(roles[who]))
        assert response.json()["properties"]["review_note"] == NOTE, who
    for who in ("other_partner", "essen_reviewer"):
        response = await client.get(url, headers=auth(roles[who]))
        assert response.status_code == 200, who
        assert "review_note" not in response.json()["properties"], who
        assert NOTE not in response.text, who


async def test_keyed_exports_fill_the_note_where_the_caller_sees_the_review(
    client: httpx.AsyncClient, roles: dict
) -> None:
    await published_with_note(client, roles)
    for who, expected in (("admin", NOTE), ("reviewer", NOTE), ("other_partner", "")):
        response = await client.get(ITEMS, params={"f": "csv"}, headers=auth(roles[who]))
        assert response.status_code == 200, who
        [row] = csv_rows(response.content)
        assert row["review_note"] == expected, who


async def test_writers_get_the_note_back_and_a_round_trip_is_no_review(
    client: httpx.AsyncClient, roles: dict
) -> None:
    url = await published_with_note(client, roles)
    got = await client.get(url, headers=auth(roles["partner"]))
    feature = got.json()
    props = {k: feature["properties"][k] for k in ("title", "type", "status", "review_note")}
    headers = {**auth(roles["partner"]), "If-Match": got.headers["ETag"]}
    # Sending the note back unchanged is no review, so a partner may do it.
    changed = await client.patch(url, json={"properties": props}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert "review_note" in changed.json()["properties"]


async def test_no_filter_reads_the_note(client: httpx.AsyncClient, roles: dict) -> None:
    await published_with_note(client, roles)
    response = await client.get(ITEMS, params={"filter": "review_note LIKE 'intern%'"})
    assert response.status_code == 400
    assert NOTE not in response.text


@pytest.mark.parametrize(
    "note",
    [None, "", "   ", "\u3000", "\t"],
    ids=["missing", "empty", "spaces", "ideographic space", "tab"],
)
async def test_a_rejection_without_a_reason_is_a_422(
    client: httpx.AsyncClient, roles: dict, note: str | None
) -> None:
    created = await client.post(ITEMS, json=roof(), headers=auth(roles["partner"]))
    url = f"{ITEMS}/{created.json()['id']}"
    props = {"review_state": "rejected"} | ({} if note is None else {"review_note": note})
    headers = {**auth(roles["reviewer"]), "If-Match": '"1"'}
    refused = await client.patch(url, json={"properties": props}, headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["where"] for e in refused.json()["errors"]] == ["/properties/review_note"]
    assert (await client.get(url, headers=auth(roles["reviewer"]))).json()["properties"][
        "review_state"
    ] == "submitted"
    # With a reason it goes through; a later change keeps the stored reason.
    props["review_note"] = "Dublette"
    assert (await client.patch(url, json={"properties": props}, headers=headers)).status_code == 200
    again = {**auth(roles["reviewer"]), "If-Match": '"2"'}
    kept = await client.patch(url, json={"properties": {"title": "neu"}}, headers=again)
    assert kept.status_code == 200, kept.text
