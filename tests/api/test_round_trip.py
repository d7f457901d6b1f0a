"""A client that GETs a measure, edits one field and PUTs the whole Feature back."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, create

pytestmark = pytest.mark.usefixtures("clean")


async def test_a_fetched_feature_can_be_put_back_with_one_change(
    client: httpx.AsyncClient, roles: dict
) -> None:
    created = (await create(client, roles["partner"], retention_volume_m3=2.0)).json()
    url = f"{ITEMS}/{created['id']}"
    fetched = await client.get(url, headers=auth(roles["partner"]))
    feature = fetched.json()
    # Everything the server derives comes back as it was served: none of it is refused.
    assert feature["properties"]["runoff_avoided_m3"] is not None
    feature["properties"]["title"] = "Gründach, neu vermessen"
    headers = {**auth(roles["partner"]), "If-Match": fetched.headers["etag"]}
    replaced = await client.put(url, json=feature, headers=headers)
    assert replaced.status_code == 200, replaced.text
    stored = replaced.json()["properties"]
    assert (stored["title"], stored["version"]) == ("Gründach, neu vermessen", 2)
    # The derived figures are the server's, not the client's copy.
    assert stored["runoff_avoided_m3"] == feature["properties"]["runoff_avoided_m3"]
