"""OGC API - Features Part 4: create, replace, update, delete, with keys and ETags."""

from __future__ import annotations

import asyncio
import copy

import asyncpg
import httpx
import pytest

from tests.api.conftest import auth

pytestmark = pytest.mark.usefixtures("clean")
ITEMS = "/collections/measures/items"
# A roof in Gelsenkirchen (about 20 m x 22 m).
ROOF = {
    "type": "Polygon",
    "coordinates": [
        [[7.1, 51.52], [7.1003, 51.52], [7.1003, 51.5202], [7.1, 51.5202], [7.1, 51.52]]
    ],
}


def roof(**props) -> dict:
    return {
        "type": "Feature",
        "geometry": copy.deepcopy(ROOF),
        "properties": {
            "type": "green_roof_extensive",
            "title": "Gründach Musterstraße 1",
            "status": "completed",
            "completed_on": "2025-06-30",
            **props,
        },
    }


async def snapshot(pool: asyncpg.Pool) -> list:
    return [
        tuple(r)
        for r in await pool.fetch(
            "SELECT id, version, feature, deleted_at FROM measures ORDER BY id"
        )
    ]


async def create(client: httpx.AsyncClient, headers: dict, **props) -> httpx.Response:
    response = await client.post(ITEMS, json=roof(**props), headers=auth(headers))
    assert response.status_code == 201, response.text
    return response


async def test_partner_creates_a_measure_that_awaits_review(
    client: httpx.AsyncClient, roles: dict
) -> None:
    response = await create(client, roles["partner"])
    feature = response.json()
    assert response.headers["location"].endswith(f"/items/{feature['id']}")
    assert response.headers["etag"] == '"1"'
    props = feature["properties"]
    assert props["review_state"] == "submitted" and props["partner"] == "Vivawest"
    assert props["municipality"] == "05513000" and 400 < props["area_m2"] < 600
    # Not public yet; visible to its partner.
    assert (await client.get(f"{ITEMS}/{feature['id']}")).status_code == 404
    own = await client.get(f"{ITEMS}/{feature['id']}", headers=auth(roles["partner"]))
    assert own.status_code == 200


async def test_role_action_matrix(client: httpx.AsyncClient, roles: dict) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"

    async def patch(who: str, body: dict, version: int) -> int:
        headers = (
            {**auth(roles[who]), "If-Match": f'"{version}"'}
            if who != "anon"
            else {"If-Match": f'"{version}"'}
        )
        return (await client.patch(url, json=body, headers=headers)).status_code

    assert (await client.post(ITEMS, json=roof())).status_code == 401
    assert await patch("anon", {"properties": {"title": "x"}}, 1) == 401
    assert await patch("other_partner", {"properties": {"title": "x"}}, 1) == 404  # unseen
    assert await patch("essen_reviewer", {"properties": {"title": "x"}}, 1) == 404
    assert await patch("partner", {"properties": {"review_state": "published"}}, 1) == 403
    assert await patch("partner", {"properties": {"title": "Neu"}}, 1) == 200
    assert await patch("reviewer", {"properties": {"review_state": "published"}}, 2) == 200
    assert (await client.get(url)).status_code == 200  # now public
    # Published: others see it but may not change it.
    assert await patch("other_partner", {"properties": {"title": "x"}}, 3) == 403
    assert await patch("essen_reviewer", {"properties": {"review_state": "rejected"}}, 3) == 403
    assert (
        await patch(
            "admin", {"properties": {"review_state": "rejected", "review_note": "Dublette"}}, 3
        )
        == 200
    )
    other = {**auth(roles["other_partner"]), "If-Match": '"4"'}
    assert (await client.delete(url, headers=other)).status_code == 404  # rejected: unseen
    mine = {**auth(roles["partner"]), "If-Match": '"4"'}
    assert (await client.delete(url, headers=mine)).status_code == 204
    assert (await client.get(url, headers=auth(roles["admin"]))).status_code == 404


async def test_partner_edit_of_a_published_measure_goes_to_review(
    client: httpx.AsyncClient, roles: dict
) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    published = await client.patch(
        url,
        json={"properties": {"review_state": "published", "review_note": "passt"}},
        headers={**auth(roles["reviewer"]), "If-Match": '"1"'},
    )
    assert published.json()["properties"]["review_state"] == "published"
    assert (await client.get(url)).status_code == 200  # public now

    edited = await client.patch(
        url,
        json={"properties": {"title": "Partner-Titel"}},
        headers={**auth(roles["partner"]), "If-Match": '"2"'},
    )
    assert edited.status_code == 200
    props = edited.json()["properties"]
    assert props["title"] == "Partner-Titel"
    assert props["review_state"] == "submitted" and props["review_note"] is None
    # The edit waits as a pending revision; the public keeps the published version
    # (tests/api/test_pending_revision.py).
    assert props["revision_of"] == feature["id"]
    public = await client.get(url)
    assert public.json()["properties"]["review_state"] == "published"
    own = await client.get(f"{ITEMS}/{edited.json()['id']}", headers=auth(roles["partner"]))
    assert own.json()["properties"]["review_state"] == "submitted"


async def test_admin_edit_keeps_a_published_measure_published(
    client: httpx.AsyncClient, roles: dict
) -> None:
    feature = (await create(client, roles["admin"], review_state="published")).json()
    assert feature["properties"]["review_state"] == "published"
    edited = await client.patch(
        f"{ITEMS}/{feature['id']}",
        json={"properties": {"title": "Admin-Titel"}},
        headers={**auth(roles["admin"]), "If-Match": '"1"'},
    )
    assert edited.json()["properties"]["review_state"] == "published"


async def test_if_match_is_checked_when_sent(client: httpx.AsyncClient, roles: dict) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    headers = auth(roles["partner"])
    body = {"properties": {"title": "Zweiter Titel"}}
    stale = await client.patch(url, json=body, headers={**headers, "If-Match": '"7"'})
    assert stale.status_code == 412
    ok = await client.patch(url, json=body, headers={**headers, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    # Without If-Match (QGIS, OWSLib): the last writer's change (tests/api/test_if_match.py).
    body = {"properties": {"title": "Dritter Titel"}}  # a change: an unchanged one stores none
    last = await client.patch(url, json=body, headers=headers)
    assert last.status_code == 200 and last.headers["etag"] == '"3"'


async def test_concurrent_updates_one_wins_the_other_gets_412(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    headers = {**auth(roles["partner"]), "If-Match": '"1"'}
    results = await asyncio.gather(
        *(
            client.patch(url, json={"properties": {"title": f"Fassung {n}"}}, headers=headers)
            for n in range(6)
        )
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 412, 412, 412, 412, 412]
    winner = next(r for r in results if r.status_code == 200).json()["properties"]["title"]
    row = await pool.fetchrow(
        "SELECT version, feature::jsonb->'properties'->>'title' AS t"
        " FROM measures WHERE id = $1::uuid",
        feature["id"],
    )
    assert (row["version"], row["t"]) == (2, winner)


async def test_put_replaces_and_history_records_every_version(
    client: httpx.AsyncClient, roles: dict
) -> None:
    feature = (await create(client, roles["partner"], cost_eur=12000)).json()
    url = f"{ITEMS}/{feature['id']}"
    headers = auth(roles["partner"])
    replaced = await client.put(
        url,
        json=roof(title="Ersetzt", status="in_progress"),
        headers={**headers, "If-Match": '"1"'},
    )
    assert replaced.status_code == 200
    assert replaced.json()["properties"]["cost_eur"] is None  # not named: reset
    await client.patch(
        url,
        json={
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[7.1, 51.52], [7.1004, 51.52], [7.1004, 51.5202], [7.1, 51.5202], [7.1, 51.52]]
                ],
            }
        },
        headers={**headers, "If-Match": '"2"'},
    )
    history = (await client.get(f"{url}/history", headers=headers)).json()["versions"]
    assert [v["version"] for v in history] == [3, 2, 1]
    assert "geometry" in history[0]["changes"] and "area_m2" in history[0]["changes"]
    assert history[1]["changes"]["title"] == {"from": "Gründach Musterstraße 1", "to": "Ersetzt"}
    assert history[2]["changes"] == {"created": True}
    assert all(v["partner"] == "Vivawest" for v in history)


async def test_content_crs_utm32_input(client: httpx.AsyncClient, roles: dict) -> None:
    body = roof()
    body["geometry"] = {"type": "Point", "coordinates": [368300.0, 5709600.0]}
    body["properties"]["type"] = "cistern"
    response = await client.post(
        ITEMS,
        json=body,
        headers={
            **auth(roles["partner"]),
            "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/25832>",
        },
    )
    assert response.status_code == 201, response.text
    lon, lat = response.json()["geometry"]["coordinates"]
    assert 7.0 < lon < 7.2 and 51.4 < lat < 51.6


@pytest.mark.parametrize(
    ("body", "status", "where"),
    [
        ("not json", 422, ""),
        (
            {"type": "Feature", "geometry": ROOF, "properties": {"type": "cistern", "title": "x"}},
            422,
            "/geometry/type",
        ),
        (
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [51.52, 7.1]},
                "properties": {"type": "cistern", "title": "x"},
            },
            422,
            "/geometry",
        ),
        # Inside the bounding box of the region, outside every municipality (Marl).
        (
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [7.08, 51.66]},
                "properties": {"type": "cistern", "title": "x"},
            },
            422,
            "/geometry",
        ),
    ],
)
async def test_bad_input_stores_nothing(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool, body, status: int, where: str
) -> None:
    before = await snapshot(pool)
    content = body if isinstance(body, str) else None
    response = await client.post(
        ITEMS, json=None if content else body, content=content, headers=auth(roles["partner"])
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(e["where"] == where for e in response.json()["errors"]), response.json()
    assert await snapshot(pool) == before


async def test_too_large_body_is_413(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    big = roof(description="x" * 100)
    big["properties"]["padding"] = "y" * (6 * 1024 * 1024)
    response = await client.post(ITEMS, json=big, headers=auth(roles["partner"]))
    assert response.status_code == 413
    assert await snapshot(pool) == []


async def test_idempotency_key_returns_the_first_result(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    headers = {**auth(roles["partner"]), "Idempotency-Key": "abc-123"}
    first = await client.post(ITEMS, json=roof(), headers=headers)
    again = await client.post(ITEMS, json=roof(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert await pool.fetchval("SELECT count(*) FROM measures") == 1
    other = await client.post(ITEMS, json=roof(title="anders"), headers=headers)
    assert other.status_code == 422


async def test_feature_collection_is_all_or_nothing(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool
) -> None:
    good = [roof(title=f"Dach {n}") for n in range(3)]
    bad = roof(status="fertig")
    body = {"type": "FeatureCollection", "features": [*good[:2], bad, good[2]]}
    rejected = await client.post(ITEMS, json=body, headers=auth(roles["partner"]))
    assert rejected.status_code == 422
    assert [e["where"] for e in rejected.json()["errors"]] == ["/features/2/properties/status"]
    assert await snapshot(pool) == []
    accepted = await client.post(
        ITEMS, json={"type": "FeatureCollection", "features": good}, headers=auth(roles["partner"])
    )
    assert accepted.status_code == 201 and len(accepted.json()["features"]) == 3


async def test_wrong_and_revoked_keys_are_401(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    from tests.api.conftest import make_key

    wrong = await client.post(ITEMS, json=roof(), headers={"X-API-Key": "kw_nonsense"})
    assert wrong.status_code == 401 and "www-authenticate" in wrong.headers
    key = await make_key(pool, "Kurzzeit", "partner")
    assert (await client.post(ITEMS, json=roof(), headers=auth(key))).status_code == 201
    await pool.execute("UPDATE api_keys SET revoked_at = now() WHERE id = $1", int(key["_id"]))
    assert (await client.post(ITEMS, json=roof(), headers=auth(key))).status_code == 401
