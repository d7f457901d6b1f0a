"""The guards inside the app: their 429 and 503 answers are problems like any other.

They run inside the request-id and security-header middlewares, so a shed request
carries its id (in the header, and in the body of a 503) and the security headers.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.sql import measures


def _client(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_a_request_past_its_deadline_is_a_503_with_its_request_id(
    dsn: str,
    pool: asyncpg.Pool,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def stuck(conn: asyncpg.Connection, query: object) -> None:
        await asyncio.sleep(5)

    monkeypatch.setattr(measures, "select_page", stuck)
    app = create_app(Settings(database_url=dsn, request_timeout_s=0.2))
    app.state.pool = pool
    with caplog.at_level(logging.WARNING, logger="klimawerk"):
        async with _client(app) as http:
            response = await http.get("/collections/measures/items")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    request_id = response.headers["x-request-id"]
    assert response.json()["request_id"] == request_id
    assert response.headers["x-content-type-options"] == "nosniff"
    assert any(request_id in r.getMessage() for r in caplog.records), caplog.text


async def test_a_caller_over_its_rate_gets_429_with_id_and_headers(
    dsn: str, pool: asyncpg.Pool
) -> None:
    app = create_app(Settings(database_url=dsn, cheap_budget_per_s=0.01, cheap_budget_burst=2))
    app.state.pool = pool
    async with _client(app) as http:
        answers = [await http.get("/conformance") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    limited = answers[-1]
    assert limited.headers["content-type"] == "application/problem+json"
    assert int(limited.headers["retry-after"]) >= 1
    assert len(limited.headers["x-request-id"]) == 32
    assert "content-security-policy" in limited.headers
