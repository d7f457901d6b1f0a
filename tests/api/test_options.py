"""OPTIONS on the measures and on each measure: `Allow` for this caller and this measure,
as QGIS asks before it offers editing (the rules: app/domain/access.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import ESSEN, GELSENKIRCHEN, auth, make_key
from tests.api.test_transactions import ITEMS, create

pytestmark = pytest.mark.usefixtures("clean")
READ = "GET, HEAD, OPTIONS"
WRITE = "GET, HEAD, OPTIONS, PUT, PATCH, DELETE"


async def options(client: httpx.AsyncClient, url: str, key: dict | None) -> httpx.Response:
    return await client.options(url, headers=auth(key) if key else {})


@pytest.mark.parametrize(
    ("who", "allow"),
    [
        (None, READ),
        ("partner", f"{READ}, POST"),
        ("reviewer", f"{READ}, POST"),
        ("admin", f"{READ}, POST"),
    ],
)
async def test_options_on_the_items(
    client: httpx.AsyncClient, roles: dict, who: str | None, allow: str
) -> None:
    response = await options(client, ITEMS, roles[who] if who else None)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""


@pytest.mark.parametrize(
    ("who", "allow"),
    [
        (None, READ),
        ("partner", WRITE),  # its own
        ("other_partner", READ),  # another partner's (published, so it sees it)
        ("reviewer", WRITE),  # Gelsenkirchen's reviewer
        ("essen_reviewer", READ),
        ("admin", WRITE),
    ],
)
async def test_options_on_a_published_measure(
    client: httpx.AsyncClient, roles: dict, who: str | None, allow: str
) -> None:
    feature = (await create(client, roles["admin"], review_state="published")).json()
    # The admin created it; hand it to the partner as its owner.
    owned = (await create(client, roles["partner"])).json()
    publish = await client.patch(
        f"{ITEMS}/{owned['id']}",
        json={"properties": {"review_state": "published"}},
        headers=auth(roles["reviewer"]),
    )
    assert publish.status_code == 200, publish.text
    response = await options(client, f"{ITEMS}/{owned['id']}", roles[who] if who else None)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""
    assert (await options(client, f"{ITEMS}/{feature['id']}", None)).status_code == 204


async def test_options_on_a_measure_the_caller_may_not_see_is_404(
    client: httpx.AsyncClient, roles: dict
) -> None:
    submitted = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{submitted['id']}"
    assert (await options(client, url, roles["partner"])).headers["allow"] == WRITE
    for key in (None, roles["other_partner"]):
        hidden = await options(client, url, key)
        assert hidden.status_code == 404
        assert hidden.headers["content-type"] == "application/problem+json"
        assert "allow" not in hidden.headers


@pytest.mark.parametrize(
    "measure_id",
    ["unknown_id", " ", "٣", "²", "1" * 5000, "00000000-0000-0000-0000-00000000000g"],
)
async def test_options_on_a_malformed_id_is_a_problem(
    client: httpx.AsyncClient, roles: dict, measure_id: str
) -> None:
    response = await options(client, f"{ITEMS}/{measure_id}", roles["partner"])
    assert response.status_code in (400, 404, 405)
    assert response.status_code != 500


async def test_options_with_a_revoked_or_unknown_key_is_401(client: httpx.AsyncClient) -> None:
    response = await client.options(ITEMS, headers={"X-API-Key": "kw_not_a_key"})
    assert response.status_code == 401


async def test_a_scoped_key_lists_no_put_outside_its_municipalities(
    client: httpx.AsyncClient, roles: dict, pool
) -> None:
    """A Gelsenkirchen partner key of the measure's own partner, scoped to Essen."""
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    essen_only = await make_key(pool, "Vivawest", "partner", [ESSEN])
    here = await make_key(pool, "Vivawest", "partner", [GELSENKIRCHEN])
    assert (await options(client, url, essen_only)).headers["allow"] == READ
    assert (await options(client, url, here)).headers["allow"] == WRITE
    put = await client.put(url, json=feature, headers=auth(essen_only))
    assert put.status_code == 403


async def test_options_is_declared_in_the_api_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api")).json()["paths"]
    for path in (ITEMS, ITEMS + "/{measure_id}"):
        declared = paths[path]["options"]["responses"]
        assert "204" in declared and "200" not in declared
        assert "content" not in declared["204"]  # no body
