"""If-Match as OGC API - Features Part 4 means it: honoured when sent, optional when not
(a last writer's change, kept as such in the history), required with REQUIRE_IF_MATCH."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.api.conftest import auth
from tests.api.test_transactions import ITEMS, create, roof

pytestmark = pytest.mark.usefixtures("clean")


@pytest.fixture
async def strict(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """The app of a deployment that requires If-Match."""
    app = create_app(Settings(database_url=dsn, require_if_match=True))
    app.state.pool = pool
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_a_write_without_if_match_is_the_last_writers(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool, method: str
) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    body = roof(title="Ohne If-Match") if method == "PUT" else {"properties": {"title": "Neu"}}
    response = await client.request(
        method, url, json=None if method == "DELETE" else body, headers=auth(roles["partner"])
    )
    assert response.status_code == (204 if method == "DELETE" else 200), response.text
    if method == "DELETE":  # gone from reads; the row and its history stay
        row = await pool.fetchrow("SELECT version, last_writer, deleted_at FROM measures")
        assert row["last_writer"] and row["deleted_at"] is not None
        return
    history = await client.get(f"{url}/history", headers=auth(roles["partner"]))
    versions = history.json()["versions"]
    assert [(v["version"], v["last_writer"]) for v in versions] == [(2, True), (1, False)]


async def test_a_write_with_if_match_is_no_last_writers(
    client: httpx.AsyncClient, roles: dict
) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    headers = {**auth(roles["partner"]), "If-Match": '"1"'}
    body = {"properties": {"title": "Mit If-Match"}}
    assert (await client.patch(url, json=body, headers=headers)).status_code == 200
    versions = (await client.get(f"{url}/history", headers=auth(roles["partner"]))).json()
    assert [v["last_writer"] for v in versions["versions"]] == [False, False]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_a_stale_if_match_is_412_for_every_write(
    client: httpx.AsyncClient, roles: dict, method: str
) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    body = roof() if method == "PUT" else {"properties": {"title": "Neu"}}
    headers = {**auth(roles["partner"]), "If-Match": 'W/"2"'}
    response = await client.request(
        method, url, json=None if method == "DELETE" else body, headers=headers
    )
    assert response.status_code == 412
    assert response.headers["content-type"] == "application/problem+json"
    assert "version 1" in response.json()["detail"].lower()  # German by default: "Version 1"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_require_if_match_makes_it_428_for_every_write(
    client: httpx.AsyncClient, strict: httpx.AsyncClient, roles: dict, method: str
) -> None:
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    body = roof() if method == "PUT" else {"properties": {"title": "Neu"}}
    plain = await strict.request(
        method, url, json=None if method == "DELETE" else body, headers=auth(roles["partner"])
    )
    assert plain.status_code == 428
    assert plain.headers["content-type"] == "application/problem+json"
    assert "If-Match" in plain.json()["detail"]
    headers = {**auth(roles["partner"]), "If-Match": '"1"'}
    sent = await strict.request(
        method, url, json=None if method == "DELETE" else body, headers=headers
    )
    assert sent.status_code in (200, 204), sent.text


@pytest.mark.parametrize(
    "spelling",
    ["", " ", "1", '"1" ', '"01"', '"+1"', '"1_0"', '"²"', '"٣"', '"' + "9" * 5000 + '"'],
)
async def test_hostile_if_match_spellings_never_write_a_wrong_version(
    client: httpx.AsyncClient, roles: dict, pool: asyncpg.Pool, spelling: str
) -> None:
    """Whatever the spelling, a write either names version 1 (the current one) or is
    refused with 412; it is never a 500 and never counted as a last writer's change."""
    feature = (await create(client, roles["partner"])).json()
    url = f"{ITEMS}/{feature['id']}"
    headers = {**auth(roles["partner"]), "If-Match": spelling.encode()}
    response = await client.patch(url, json={"properties": {"title": "X"}}, headers=headers)
    assert response.status_code in (200, 412), response.text
    if response.status_code == 412:
        assert await pool.fetchval("SELECT version FROM measures") == 1
    else:
        assert not await pool.fetchval("SELECT last_writer FROM measures")
