"""`/items/{id}/history`: the review process is private to the measure's partner, its
reviewers and admins; everyone else sees the published versions only."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, roof

pytestmark = pytest.mark.usefixtures("clean")


async def patch(
    client: httpx.AsyncClient, key: dict, url: str, version: int, props: dict
) -> httpx.Response:
    headers = {**auth(key), "If-Match": f'"{version}"'}
    response = await client.patch(url, json={"properties": props}, headers=headers)
    assert response.status_code == 200, response.text
    return response


async def reviewed_measure(client: httpx.AsyncClient, roles: dict) -> str:
    """Submitted (1), published with a note (2); edited by its partner as a pending
    revision, which the reviewer publishes: the published measure's version 3."""
    created = await client.post(ITEMS, json=roof(), headers=auth(roles["partner"]))
    url = f"{ITEMS}/{created.json()['id']}"
    await patch(
        client,
        roles["reviewer"],
        url,
        1,
        {"review_state": "published", "review_note": "intern: ok"},
    )
    revision = await patch(client, roles["partner"], url, 2, {"title": "Gründach Nord"})
    revision_url = f"{ITEMS}/{revision.json()['id']}"
    await patch(client, roles["reviewer"], revision_url, 1, {"review_state": "published"})
    return url


async def test_history_by_caller(client: httpx.AsyncClient, roles: dict) -> None:
    url = await reviewed_measure(client, roles)
    public = ["anon", "other_partner", "essen_reviewer"]
    for who in public:
        response = await client.get(f"{url}/history", headers=auth(roles.get(who, {})))
        assert response.status_code == 200
        versions = response.json()["versions"]
        assert [v["version"] for v in versions] == [3, 2], who
        assert versions[0]["changes"] == {
            "title": {"from": "Gründach Musterstraße 1", "to": "Gründach Nord"}
        }
        assert "intern" not in response.text and "Stadt Gelsenkirchen" not in response.text, who
        assert "review_note" not in response.text, who
    for who in ("partner", "reviewer", "admin"):
        response = await client.get(f"{url}/history", headers=auth(roles[who]))
        versions = response.json()["versions"]
        assert [v["version"] for v in versions] == [3, 2, 1], who
        assert versions[1]["partner"] == "Stadt Gelsenkirchen"
        assert versions[1]["changes"]["review_note"] == {"from": None, "to": "intern: ok"}


async def test_history_of_an_unpublished_measure_is_not_public(
    client: httpx.AsyncClient, roles: dict
) -> None:
    created = await client.post(ITEMS, json=roof(), headers=auth(roles["partner"]))
    url = f"{ITEMS}/{created.json()['id']}/history"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=auth(roles["other_partner"]))).status_code == 404
    assert (await client.get(url, headers=auth(roles["partner"]))).status_code == 200
