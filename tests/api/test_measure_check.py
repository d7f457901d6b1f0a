"""`POST /collections/measures/check`: a write's answer without storing anything."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from tests.api.conftest import auth
from tests.api.test_messages import two_mistakes
from tests.api.test_transactions import create, roof

pytestmark = pytest.mark.usefixtures("clean")
CHECK = "/collections/measures/check"
# Inside the region's bounding box, north of Dorsten's real boundary (51.80).
NORTH_OF_DORSTEN = [[6.95, 51.83], [6.951, 51.83], [6.951, 51.831], [6.95, 51.831], [6.95, 51.83]]


async def count(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM measures")


async def test_a_valid_measure_is_named_by_its_city_and_not_stored(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    before = await count(pool)
    response = await client.post(CHECK, json=roof(), headers=auth(roles["partner"]))
    assert response.status_code == 200, response.text
    assert response.json() | {"area_m2": 0} == {
        "valid": True,
        "municipality": "05513000",
        "municipality_name": "Gelsenkirchen",
        "area_m2": 0,
    }
    assert response.json()["area_m2"] > 400
    assert await count(pool) == before


async def test_a_city_outside_the_key_is_refused_by_name(
    client: httpx.AsyncClient, roles: dict
) -> None:
    response = await client.post(CHECK, json=roof(), headers=auth(roles["essen_reviewer"]))
    assert response.status_code == 403
    assert "Gelsenkirchen" in response.json()["detail"]


async def test_the_real_boundary_counts_not_the_bounding_box(
    client: httpx.AsyncClient, roles: dict
) -> None:
    doc = roof()
    doc["geometry"]["coordinates"] = [NORTH_OF_DORSTEN]
    response = await client.post(CHECK, json=doc, headers=auth(roles["partner"]))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["where"] == "/geometry"
    assert errors[0]["problem"] == "liegt außerhalb der 17 Klima.Werk-Kommunen"


async def test_every_problem_comes_at_once(client: httpx.AsyncClient, roles: dict) -> None:
    response = await client.post(CHECK, json=two_mistakes(), headers=auth(roles["partner"]))
    assert response.status_code == 422
    assert {e["where"] for e in response.json()["errors"]} == {
        "/properties/title",
        "/properties/completed_on",
    }


async def test_a_move_of_a_stored_measure_is_checked_and_not_stored(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    created = (await create(client, roles["reviewer"])).json()  # Gelsenkirchen's reviewer
    x, y = 7.0116, 51.4556  # Essen
    square = [[x, y], [x + 0.0003, y], [x + 0.0003, y + 0.0002], [x, y + 0.0002], [x, y]]
    moved = {"geometry": {"type": "Polygon", "coordinates": [square]}}
    response = await client.post(
        f"{CHECK}?measure={created['id']}", json=moved, headers=auth(roles["reviewer"])
    )
    assert response.status_code == 403
    assert "Essen" in response.json()["detail"]
    stored = await pool.fetchrow(
        "SELECT version, municipality FROM measures WHERE id = $1", created["id"]
    )
    assert tuple(stored) == (1, "05513000")


async def test_anonymous_callers_are_asked_for_a_key(client: httpx.AsyncClient) -> None:
    response = await client.post(CHECK, json=roof())
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?measure=", 400),
        ("?measure=%C2%B2", 400),
        ("?measure=%D9%A3", 400),
        ("?measure=-1", 400),
        ("?measure=" + "9" * 5000, 400),
        ("?measure=00000000-0000-0000-0000-000000000000", 404),
        ("?measure_id=1", 400),
        ("?dry_run=1", 400),
    ],
)
async def test_hostile_measure_parameters(
    client: httpx.AsyncClient, roles: dict, query: str, status: int
) -> None:
    response = await client.post(CHECK + query, json=roof(), headers=auth(roles["partner"]))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("body", [b"", b"[]", b"null", b'"x"', b"{", b"1" * 5000])
async def test_bodies_that_are_no_feature(
    client: httpx.AsyncClient, roles: dict, body: bytes
) -> None:
    headers = auth(roles["partner"]) | {"Content-Type": "application/geo+json"}
    response = await client.post(CHECK, content=body, headers=headers)
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_catalogue_describes_each_types_parameters_for_forms(
    client: httpx.AsyncClient,
) -> None:
    types = {t["id"]: t for t in (await client.get("/measure-types")).json()["types"]}
    fields = {f["name"]: f for f in types["green_roof_extensive"]["water_balance"]["fields"]}
    assert fields["substrate_depth_mm"] == {
        "name": "substrate_depth_mm",
        "default": 100,
        "kind": "number",
        "range": [40, 500],
    }
    surfaces = {c["id"]: c for c in fields["surface_before"]["choices"]}
    assert fields["surface_before"]["default"] == "flat_roof_rough"
    assert surfaces["flat_roof_rough"]["label_de"].startswith("Flachdach")
    storage = types["retention_roof"]["water_balance"]["fields"][1]
    assert storage["name"] == "storage_height_mm" and storage["range"] == [3.0, 10.0]
