"""The README's role table, as a full matrix through the HTTP API with real keys:
roles x actions x own/other partner x in/out of the key's municipalities, including
moves across municipality borders on PUT and PATCH and publishing after a move.

The expected codes are written out by hand (not computed by the policy under test):
404 for a measure the caller may not see, 403 for one it sees but may not change,
401 without a key.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable

import httpx
import morecantile
import pytest

from tests.api.conftest import ESSEN, GELSENKIRCHEN, auth, make_key
from tests.tile_ids import decode_tile

pytestmark = pytest.mark.usefixtures("clean")
ITEMS = "/collections/measures/items"
GE, E = GELSENKIRCHEN, ESSEN
TILES = "/collections/measures/tiles/WebMercatorQuad"
TMS = morecantile.tms.get("WebMercatorQuad")


def reason(state: str) -> dict[str, str]:
    """A rejection needs a reason (app/domain/review.py)."""
    return {"review_note": "Dublette"} if state == "rejected" else {}


def square(lon: float, lat: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon, lat],
                [lon + 0.0003, lat],
                [lon + 0.0003, lat + 0.0002],
                [lon, lat + 0.0002],
                [lon, lat],
            ]
        ],
    }


WHERE = {GE: square(7.1, 51.52), E: square(7.01, 51.45)}
CALLERS = [
    "anon",
    "partner",  # Vivawest, unlimited
    "partner_ge",  # Vivawest, key limited to Gelsenkirchen
    "other",  # Vonovia
    "reviewer_ge",
    "reviewer_e",
    "reviewer_region",  # a reviewer key without municipalities: the whole region
    "admin",
]


@pytest.fixture(scope="module")
async def keys(pool, roles) -> dict[str, dict[str, str]]:
    return {
        "anon": {},
        "partner": roles["partner"],
        "partner_ge": await make_key(pool, "Vivawest", "partner", [GE]),
        "other": roles["other_partner"],
        "reviewer_ge": roles["reviewer"],
        "reviewer_e": roles["essen_reviewer"],
        "reviewer_region": await make_key(pool, "Emschergenossenschaft", "reviewer"),
        "admin": roles["admin"],
    }


def feature(where: str, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": copy.deepcopy(WHERE[where]),
        "properties": {"type": "green_roof_extensive", "title": "Gründach", **props},
    }


Make = Callable[[str, str, str], Awaitable[dict]]


@pytest.fixture
def make(client: httpx.AsyncClient, keys: dict) -> Make:
    """A stored measure of `owner` ("partner": Vivawest, "other": Vonovia) in `where`,
    brought to `state` by the admin; returns the Feature."""

    async def make_measure(owner: str, where: str, state: str) -> dict:
        created = await client.post(ITEMS, json=feature(where), headers=auth(keys[owner]))
        assert created.status_code == 201, created.text
        body = created.json()
        if state != "submitted":
            changed = await client.patch(
                f"{ITEMS}/{body['id']}",
                json={"properties": {"review_state": state, **reason(state)}},
                headers={**auth(keys["admin"]), "If-Match": created.headers["etag"]},
            )
            assert changed.status_code == 200, changed.text
            body = changed.json()
        assert body["properties"]["municipality"] == where
        return body

    return make_measure


async def send(client: httpx.AsyncClient, keys: dict, who: str, method: str, measure: dict, body):
    headers = {**auth(keys[who]), "If-Match": f'"{measure["properties"]["version"]}"'}
    url = f"{ITEMS}/{measure['id']}"
    return await client.request(method, url, json=body, headers=headers)


def row(*codes: int) -> dict[str, int]:
    return dict(zip(CALLERS, codes, strict=True))


#                anon partner p_ge other  r_ge   r_e   r_reg admin
READ = {
    ("partner", GE, "submitted"): row(404, 200, 200, 404, 200, 404, 200, 200),
    ("partner", E, "submitted"): row(404, 200, 200, 404, 404, 200, 200, 200),
    ("other", E, "submitted"): row(404, 404, 404, 200, 404, 200, 200, 200),
    ("other", E, "rejected"): row(404, 404, 404, 200, 404, 200, 200, 200),
    ("other", E, "published"): row(200, 200, 200, 200, 200, 200, 200, 200),
}
UPDATE = {
    ("partner", GE, "submitted"): row(401, 200, 200, 404, 200, 404, 200, 200),
    ("partner", GE, "published"): row(401, 200, 200, 403, 200, 403, 200, 200),
    ("partner", E, "published"): row(401, 200, 403, 403, 403, 200, 200, 200),
    ("other", E, "submitted"): row(401, 404, 404, 200, 404, 200, 200, 200),
    ("other", E, "published"): row(401, 403, 403, 200, 403, 200, 200, 200),
}
PUBLISH = {
    ("partner", GE, "submitted"): row(401, 403, 403, 404, 200, 404, 200, 200),
    ("other", E, "submitted"): row(401, 404, 404, 403, 404, 200, 200, 200),
    ("other", E, "rejected"): row(401, 404, 404, 403, 404, 200, 200, 200),
}
REJECT = {
    ("other", E, "published"): row(401, 403, 403, 403, 403, 200, 200, 200),
}
CREATE = {
    (GE, "submitted"): row(401, 201, 201, 201, 201, 403, 201, 201),
    (E, "submitted"): row(401, 201, 403, 201, 403, 201, 201, 201),
    (GE, "published"): row(401, 403, 403, 403, 201, 403, 201, 201),
    (E, "published"): row(401, 403, 403, 403, 403, 201, 201, 201),
}
# A measure of Vivawest in Gelsenkirchen moved into Essen.
MOVE = {
    "submitted": row(401, 200, 403, 404, 403, 404, 200, 200),
    "published": row(401, 200, 403, 403, 403, 403, 200, 200),
}


async def test_read(client, keys, make: Make) -> None:
    got = {}
    for facts in READ:
        measure = await make(*facts)
        url = f"{ITEMS}/{measure['id']}"
        got[facts] = {
            who: (await client.get(url, headers=auth(keys[who]))).status_code for who in CALLERS
        }
    assert got == READ


async def test_lists_and_tiles_show_exactly_what_items_show(client, keys, make: Make) -> None:
    ids = {facts: (await make(*facts))["id"] for facts in READ}
    tiles = [TMS.tile(*WHERE[place]["coordinates"][0][0], 14) for place in (GE, E)]
    for who in CALLERS:
        readable = {ids[facts] for facts, codes in READ.items() if codes[who] == 200}
        listed = await client.get(ITEMS, params={"limit": 100}, headers=auth(keys[who]))
        assert {f["id"] for f in listed.json()["features"]} == readable, who
        in_tiles = set()
        for t in tiles:
            tile = await client.get(f"{TILES}/{t.z}/{t.x}/{t.y}", headers=auth(keys[who]))
            if tile.status_code == 200:
                layer = decode_tile(tile.content).get("measures", {})
                in_tiles |= {f["properties"]["id"] for f in layer.get("features", [])}
        assert in_tiles == readable, who


async def run(
    client, keys, make: Make, table: dict, method: str, body: dict | None
) -> dict[tuple, dict[str, int]]:
    """Each caller on a fresh measure of each kind; the status codes it got."""
    got: dict[tuple, dict[str, int]] = {}
    for facts in table:
        got[facts] = {}
        for who in CALLERS:
            measure = await make(*facts)
            response = await send(client, keys, who, method, measure, body)
            got[facts][who] = response.status_code
    return got


async def test_update(client, keys, make: Make) -> None:
    body = {"properties": {"title": "geändert"}}
    assert await run(client, keys, make, UPDATE, "PATCH", body) == UPDATE


async def test_replace(client, keys, make: Make) -> None:
    table = {facts: codes for facts, codes in UPDATE.items()}
    got: dict[tuple, dict[str, int]] = {}
    for facts in table:
        got[facts] = {}
        for who in CALLERS:
            measure = await make(*facts)
            body = feature(facts[1], title="ersetzt")
            got[facts][who] = (await send(client, keys, who, "PUT", measure, body)).status_code
    assert got == table


async def test_delete(client, keys, make: Make) -> None:
    expected = {
        f: {w: 204 if c == 200 else c for w, c in codes.items()} for f, codes in UPDATE.items()
    }
    assert await run(client, keys, make, expected, "DELETE", None) == expected


async def test_publish(client, keys, make: Make) -> None:
    body = {"properties": {"review_state": "published"}}
    assert await run(client, keys, make, PUBLISH, "PATCH", body) == PUBLISH


async def test_reject(client, keys, make: Make) -> None:
    body = {"properties": {"review_state": "rejected", "review_note": "Dublette"}}
    assert await run(client, keys, make, REJECT, "PATCH", body) == REJECT


async def test_create(client, keys) -> None:
    got = {}
    for where, state in CREATE:
        props = {"review_state": state, **reason(state)} if state != "submitted" else {}
        got[(where, state)] = {
            who: (
                await client.post(ITEMS, json=feature(where, **props), headers=auth(keys[who]))
            ).status_code
            for who in CALLERS
        }
    assert got == CREATE


async def test_a_partner_may_send_the_review_fields_back_unchanged(
    client, keys, make: Make
) -> None:
    measure = await make("partner", GE, "published")
    props = measure["properties"]
    unchanged = {"title": "neu", "review_state": "published", "review_note": props["review_note"]}
    response = await send(client, keys, "partner", "PUT", measure, feature(GE, **unchanged))
    assert response.status_code == 200, response.text
    assert response.json()["properties"]["review_state"] == "submitted"  # back to review
    changed = {**unchanged, "review_state": "published"}  # now a review: it is submitted
    again = await send(client, keys, "partner", "PUT", response.json(), feature(GE, **changed))
    assert again.status_code == 403


async def test_a_collection_is_refused_whole_when_one_feature_lies_outside_the_key(
    client, keys, pool
) -> None:
    body = {"type": "FeatureCollection", "features": [feature(GE), feature(E)]}
    response = await client.post(ITEMS, json=body, headers=auth(keys["partner_ge"]))
    assert response.status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM measures") == 0


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_move_across_the_border(client, keys, make: Make, pool, method: str) -> None:
    got = {}
    for state in MOVE:
        got[state] = {}
        for who in CALLERS:
            measure = await make("partner", GE, state)
            if method == "PATCH":
                body = {"geometry": copy.deepcopy(WHERE[E])}
            else:
                body = feature(E, title="verschoben")
            response = await send(client, keys, who, method, measure, body)
            got[state][who] = response.status_code
            stored = await pool.fetchval(
                "SELECT municipality FROM measures WHERE id = $1::uuid", measure["id"]
            )
            if response.status_code == 200 and response.json()["id"] != measure["id"]:
                # A partner's edit of a published measure waits as a pending revision:
                # the published measure stays where it is until a reviewer publishes it.
                assert (stored, state) == (GE, "published"), who
                assert response.json()["properties"]["municipality"] == E
            else:
                assert stored == (E if response.status_code == 200 else GE), (state, who)
    assert got == MOVE


async def test_a_reviewer_cannot_move_a_measure_out_of_scope_and_publish_it(
    client, keys, make: Make, pool
) -> None:
    measure = await make("other", GE, "submitted")
    body = {"geometry": copy.deepcopy(WHERE[E]), "properties": {"review_state": "published"}}
    response = await send(client, keys, "reviewer_ge", "PATCH", measure, body)
    assert response.status_code == 403
    row_ = await pool.fetchrow(
        "SELECT municipality, review_state, version FROM measures WHERE id = $1::uuid",
        measure["id"],
    )
    assert tuple(row_) == (GE, "submitted", 1)
    assert (await client.get(f"{ITEMS}/{measure['id']}")).status_code == 404


async def test_publish_after_a_move_is_for_the_new_municipality(client, keys, make: Make) -> None:
    measure = await make("partner", GE, "published")
    moved = await send(client, keys, "partner", "PATCH", measure, {"geometry": WHERE[E]})
    assert moved.status_code == 200
    moved_props = moved.json()["properties"]
    assert (moved_props["municipality"], moved_props["review_state"]) == (E, "submitted")
    publish = {"properties": {"review_state": "published"}}
    after = moved.json()
    # The Gelsenkirchen reviewer no longer sees it; the Essen reviewer publishes it.
    assert (await send(client, keys, "reviewer_ge", "PATCH", after, publish)).status_code == 404
    published = await send(client, keys, "reviewer_e", "PATCH", after, publish)
    assert published.status_code == 200
    assert (await client.get(f"{ITEMS}/{measure['id']}")).status_code == 200


async def test_a_reviewer_of_both_sides_moves_and_publishes(client, keys, make: Make, pool) -> None:
    both = await make_key(pool, "Emscher-Lippe", "reviewer", [GE, E])
    measure = await make("other", GE, "submitted")
    body = {"geometry": WHERE[E], "properties": {"review_state": "published"}}
    headers = {**auth(both), "If-Match": '"1"'}
    response = await client.patch(f"{ITEMS}/{measure['id']}", json=body, headers=headers)
    assert response.status_code == 200
    props = response.json()["properties"]
    assert (props["municipality"], props["review_state"]) == (E, "published")


NO_OPS = {("publish", "published"), ("reject", "rejected")}
ACTIONS_BODY = {
    "update": ("PATCH", {"properties": {"title": "x"}}, 200),
    "delete": ("DELETE", None, 204),
    "publish": ("PATCH", {"properties": {"review_state": "published"}}, 200),
    # A rejection needs a reason (app/domain/review.py): without one it is a 422.
    "reject": (
        "PATCH",
        {"properties": {"review_state": "rejected", "review_note": "Dublette"}},
        200,
    ),
}


async def test_item_actions_are_what_the_api_then_allows(client, keys, make: Make) -> None:
    kinds = [("partner", GE, "submitted"), ("other", E, "published"), ("partner", E, "rejected")]
    for facts in kinds:
        for who in CALLERS:
            shown = await make(*facts)
            got = await client.get(f"{ITEMS}/{shown['id']}", headers=auth(keys[who]))
            if got.status_code == 404:
                continue
            actions = got.json()["actions"]
            assert "Authorization" in got.headers["vary"]
            if who == "anon":
                assert actions == []
            for action, (method, body, ok) in ACTIONS_BODY.items():
                measure = await make(*facts)
                status = (await send(client, keys, who, method, measure, body)).status_code
                if action not in actions and (action, facts[2]) in NO_OPS:
                    continue  # offered only where it changes something; allowed as a no-op
                assert (status == ok) == (action in actions), (facts, who, action, status)


ALL = "all"
ME = {
    # who: (role, municipalities, read_unpublished, create_in, review_in, admin)
    "anon": ("anonymous", [], False, [], [], False),
    "partner": ("partner", [], True, ALL, [], False),
    "partner_ge": ("partner", [GE], True, [GE], [], False),
    "reviewer_ge": ("reviewer", [GE], True, [GE], [GE], False),
    "reviewer_region": ("reviewer", [], True, ALL, ALL, False),
    "admin": ("admin", [], True, ALL, ALL, True),
}


async def test_me_reports_capabilities(client, keys, pool) -> None:
    region = sorted(r["ags"] for r in await pool.fetch("SELECT ags FROM municipalities"))
    assert len(region) == 17
    for who, (role, limit, unpublished, create_in, review_in, admin) in ME.items():
        me = (await client.get("/me", headers=auth(keys[who]))).json()
        create_in = region if create_in == ALL else create_in
        review_in = region if review_in == ALL else review_in
        assert me == {
            "role": role,
            "partner": me["partner"],
            "municipalities": limit,
            "capabilities": {
                "read_unpublished": unpublished,
                "create": bool(create_in),
                "create_in": create_in,
                "review": bool(review_in),
                "review_in": review_in,
                "admin": admin,
            },
        }, who
