"""Budgets by cost in the app: 429 with Retry-After per key or address, free answers
never count, a new key has its own budget from its first request, admins none."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.api.conftest import auth, make_key


def _client(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def limited(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """Three cheap requests per caller, refilled once a minute."""
    app = create_app(Settings(database_url=dsn, cheap_budget_per_s=1 / 60, cheap_budget_burst=3))
    app.state.pool = pool
    async with _client(app) as http:
        yield http


async def test_the_request_over_the_budget_gets_429_with_retry_after(
    limited: httpx.AsyncClient,
) -> None:
    statuses = [(await limited.get("/conformance")).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = await limited.get("/conformance")
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["status"] == 429
    assert "cheap budget" in response.json()["detail"]


async def test_static_files_and_health_never_count(limited: httpx.AsyncClient) -> None:
    for _ in range(10):
        assert (await limited.get("/static/map/api.js")).status_code == 200
        assert (await limited.get("/health")).status_code == 200
    assert (await limited.get("/conformance")).status_code == 200


async def test_revalidations_never_count(limited: httpx.AsyncClient) -> None:
    first = await limited.get("/collections")
    etag = first.headers["etag"]
    for _ in range(6):
        again = await limited.get("/collections", headers={"If-None-Match": etag})
        assert again.status_code == 304
    assert (await limited.get("/conformance")).status_code == 200


async def test_a_new_partner_key_has_its_own_budget_from_its_first_request(
    limited: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    for _ in range(3):
        await limited.get("/conformance")
    assert (await limited.get("/conformance")).status_code == 429  # the address is spent
    partner = auth(await make_key(pool, "First Request Partner", "partner"))
    statuses = [(await limited.get("/me", headers=partner)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert (await limited.get("/me", headers=partner)).status_code == 429


async def test_admins_are_never_limited_and_invented_keys_count_against_the_address(
    limited: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    admin = auth(await make_key(pool, "Budget Admin", "admin"))
    statuses = {(await limited.get("/me", headers=admin)).status_code for _ in range(10)}
    assert statuses == {200}
    invented = [
        (await limited.get("/me", headers={"X-API-Key": f"kw_made_up_{i}"})).status_code
        for i in range(4)
    ]
    assert invented == [401, 401, 401, 429]


async def test_two_different_keys_are_refused_before_they_count_for_either(
    limited: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    admin = auth(await make_key(pool, "Rate Admin Two", "admin"))
    await limited.get("/me", headers=admin)  # the admin's key is known: not limited
    secret = admin["Authorization"].removeprefix("Bearer ")
    # Counted as the admin while authenticated as someone else (or the reverse) was the
    # hole; now the one key reader refuses the pair, on any path, before counting.
    for path in ("/conformance", "/me"):
        for headers in (
            [("X-API-Key", secret), ("X-API-Key", "kw_someone_else")],
            [("Authorization", "Bearer kw_someone_else"), ("X-API-Key", secret)],
        ):
            response = await limited.get(path, headers=headers)
            assert response.status_code == 400, response.text
            assert "different API keys" in response.json()["detail"]


async def test_options_costs_no_part_of_the_allowance(limited: httpx.AsyncClient) -> None:
    """QGIS asks OPTIONS on the items and on an item before it offers editing."""
    statuses = {
        (await limited.options("/collections/measures/items")).status_code for _ in range(9)
    }
    assert statuses == {204}
    assert [(await limited.get("/conformance")).status_code for _ in range(3)] == [200] * 3


async def test_cached_heavy_answers_are_given_back(dsn: str, pool: asyncpg.Pool) -> None:
    # A heavy budget of 2 units: filtered statistics weigh 1, so only cache hits let a
    # third, fourth and fifth answer through.
    app = create_app(Settings(database_url=dsn, heavy_budget_per_s=1 / 600, heavy_budget_burst=2))
    app.state.pool = pool
    async with _client(app) as http:
        statuses = [
            (await http.get("/statistics", params={"type": "swale"})).status_code for _ in range(5)
        ]
        assert statuses == [200] * 5
        fresh = [
            (await http.get("/statistics", params={"status": s})).status_code
            for s in ("planned", "completed", "cancelled")
        ]
    assert fresh == [200, 429, 429]
