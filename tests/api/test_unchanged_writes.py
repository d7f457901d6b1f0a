"""A PUT or PATCH that changes nothing stores no new version and starts no review."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, create, roof

pytestmark = pytest.mark.usefixtures("clean")


async def versions(client: httpx.AsyncClient, url: str, headers: dict) -> list[int]:
    history = (await client.get(f"{url}/history", headers=headers)).json()["versions"]
    return [v["version"] for v in history]


async def test_an_unchanged_put_or_patch_is_no_new_version(
    client: httpx.AsyncClient, roles: dict
) -> None:
    created = (await create(client, roles["partner"], cost_eur=12000)).json()
    url, headers = f"{ITEMS}/{created['id']}", auth(roles["partner"])
    current = {**headers, "If-Match": '"1"'}
    # The Feature as a GET gives it back, read-only properties included.
    fetched = (await client.get(url, headers=headers)).json()
    for response in (
        await client.put(url, json=fetched, headers=current),
        await client.put(url, json=roof(cost_eur=12000.0), headers=current),
        await client.patch(url, json={}, headers=current),
        await client.patch(
            url, json={"properties": {"title": "Gründach Musterstraße 1"}}, headers=current
        ),
        await client.patch(url, json={"geometry": fetched["geometry"]}, headers=current),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == '"1"'
        assert response.json()["properties"]["version"] == 1
    assert await versions(client, url, headers) == [1]

    changed = await client.patch(url, json={"properties": {"title": "Neu"}}, headers=current)
    assert changed.headers["etag"] == '"2"'
    assert await versions(client, url, headers) == [2, 1]


async def test_an_unchanged_save_keeps_a_published_measure_published(
    client: httpx.AsyncClient, roles: dict
) -> None:
    created = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{created['id']}"
    published = await client.patch(
        url,
        json={"properties": {"review_state": "published"}},
        headers={**auth(roles["admin"]), "If-Match": '"1"'},
    )
    version = published.headers["etag"]
    again = await client.put(
        url, json=roof(), headers={**auth(roles["partner"]), "If-Match": version}
    )
    assert again.status_code == 200
    assert again.headers["etag"] == version
    assert again.json()["properties"]["review_state"] == "published"


async def test_a_stale_if_match_is_refused_even_without_changes(
    client: httpx.AsyncClient, roles: dict
) -> None:
    created = (await create(client, roles["partner"])).json()
    url, headers = f"{ITEMS}/{created['id']}", auth(roles["partner"])
    await client.patch(
        url, json={"properties": {"title": "Neu"}}, headers={**headers, "If-Match": '"1"'}
    )
    stale = await client.patch(url, json={}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["title"] == "Version veraltet"
