"""Writes accept what a client read: every property of a page sent back with its value or
null (as QGIS sends every empty field), while what is wrong is still refused, listed."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, create, roof

pytestmark = pytest.mark.usefixtures("clean")
COMPUTED = (
    "municipality",
    "area_m2",
    "runoff_avoided_m3",
    "extra_evaporation_m3",
    "extra_infiltration_m3",
    "partner",
    "created_at",
    "updated_at",
    "version",
    "revision_of",
)


async def test_a_create_with_every_field_null_but_type_and_title(
    client: httpx.AsyncClient, roles: dict
) -> None:
    read = (await create(client, roles["partner"])).json()["properties"]
    body = roof()
    body["properties"] = {name: None for name in read} | {
        "type": "green_roof_extensive",
        "title": "Nur das Nötigste",
    }
    response = await client.post(ITEMS, json=body, headers=auth(roles["partner"]))
    assert response.status_code == 201, response.text
    props = response.json()["properties"]
    assert props["review_state"] == "submitted" and props["status"] == "planned"
    assert props["municipality"] == "05513000" and props["area_m2"] > 0


async def test_a_round_trip_of_what_was_read_changes_nothing_but_the_edit(
    client: httpx.AsyncClient, roles: dict
) -> None:
    created = (await create(client, roles["partner"], cost_eur=1200.0)).json()
    read = (await client.get(f"{ITEMS}/{created['id']}", headers=auth(roles["partner"]))).json()
    read["properties"]["title"] = "Neu"
    read["properties"]["cost_eur"] = 1300  # an integral number where a float is meant
    read["properties"] |= dict.fromkeys(COMPUTED)  # computed fields sent as null: ignored
    put = await client.put(f"{ITEMS}/{created['id']}", json=read, headers=auth(roles["partner"]))
    assert put.status_code == 200, put.text
    props = put.json()["properties"]
    assert (props["title"], props["cost_eur"], props["version"]) == ("Neu", 1300, 2)
    assert props["municipality"] == "05513000" and props["partner"] == "Vivawest"


@pytest.mark.parametrize("name", ["review_state", "review_note", "status"])
async def test_null_review_fields_and_status_in_a_patch_mean_no_change(
    client: httpx.AsyncClient, roles: dict, name: str
) -> None:
    created = (await create(client, roles["partner"], status="in_progress")).json()
    patch = {"properties": {name: None, "title": "Geändert"}}
    response = await client.patch(
        f"{ITEMS}/{created['id']}", json=patch, headers=auth(roles["partner"])
    )
    assert response.status_code == 200, response.text
    props = response.json()["properties"]
    assert props["status"] == "in_progress" and props["review_state"] == "submitted"


HOSTILE = {
    "empty": "",
    "space": " published",
    "upper": "PUBLISHED",
    "number": 1,
    "list": ["published"],
    "object": {"state": "published"},
    "digits": "٣",
    "long": "p" * 5000,
}


@pytest.mark.parametrize("spelling", HOSTILE)
async def test_hostile_review_states_and_statuses_are_refused_every_one_listed(
    client: httpx.AsyncClient, roles: dict, spelling: str
) -> None:
    value = HOSTILE[spelling]
    body = roof(status=value, review_state=value)
    response = await client.post(ITEMS, json=body, headers=auth(roles["reviewer"]))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    wheres = {e["where"] for e in response.json()["errors"]}
    assert wheres == {"/properties/status", "/properties/review_state"}


async def test_title_and_type_stay_required(client: httpx.AsyncClient, roles: dict) -> None:
    body = roof(title=None, type=None)
    response = await client.post(ITEMS, json=body, headers=auth(roles["partner"]))
    assert response.status_code == 422
    wheres = {e["where"] for e in response.json()["errors"]}
    assert {"/properties/title", "/properties/type"} <= wheres
