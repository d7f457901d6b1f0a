"""Rate limits: 429 with Retry-After per key or address, never for admins."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.guards.rate_limit import RateLimiter
from app.main import create_app
from tests.api.conftest import auth, make_key


def test_unknown_and_anonymous_callers_count_against_their_address() -> None:
    limiter = RateLimiter("2/minute")
    assert limiter.identity(None, "10.0.0.1") == "addr:10.0.0.1"
    # A key never seen valid cannot buy a fresh allowance.
    assert limiter.identity("made-up", "10.0.0.1") == "addr:10.0.0.1"
    limiter.remember_key("abc", "partner")
    assert limiter.identity("abc", "10.0.0.1") == "key:abc"
    limiter.remember_key("root", "admin")
    assert limiter.identity("root", "10.0.0.1") is None


def test_hit_answers_the_wait_once_the_limit_is_spent() -> None:
    limiter = RateLimiter("2/minute")
    assert [limiter.hit("addr:x") for _ in range(2)] == [None, None]
    wait = limiter.hit("addr:x")
    assert wait is not None and 1 <= wait <= 60
    assert limiter.hit("addr:y") is None


def test_an_empty_spec_switches_the_limit_off() -> None:
    assert not RateLimiter("").enabled
    assert RateLimiter("5/second;100/minute").enabled


@pytest.fixture
async def limited(dsn: str, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=dsn, rate_limit="3/minute"))
    app.state.pool = pool
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_the_request_over_the_limit_gets_429_with_retry_after(
    limited: httpx.AsyncClient,
) -> None:
    statuses = [(await limited.get("/conformance")).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = await limited.get("/conformance")
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.json()["status"] == 429


async def test_a_partner_key_has_its_own_allowance_and_admins_none(
    limited: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    partner = auth(await make_key(pool, "Rate Partner", "partner"))
    admin = auth(await make_key(pool, "Rate Admin", "admin"))
    # The first keyed request counts against the address (it makes the key known), the
    # next three against the key.
    statuses = [(await limited.get("/me", headers=partner)).status_code for _ in range(4)]
    assert statuses == [200] * 4
    assert (await limited.get("/me", headers=partner)).status_code == 429
    await limited.get("/me", headers=admin)
    statuses = {(await limited.get("/me", headers=admin)).status_code for _ in range(10)}
    assert statuses == {200}


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
