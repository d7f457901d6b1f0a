"""`/health/live`, `/health/ready` and what `/health` tells whom."""

from __future__ import annotations

import asyncio

import httpx

from app.api.health import expected_migration
from app.config import Settings, get_settings
from app.db.databases import create_database
from app.db.session import create_pool
from app.main import create_app
from app.services import loading
from tests.api.conftest import auth


async def test_live_answers_without_asking_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


async def test_ready_tells_anonymous_callers_only_that_it_is_ready(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_ready_shows_databases_and_versions_to_admins(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]], dsn: str
) -> None:
    body = (await client.get("/health/ready", headers=auth(roles["admin"]))).json()
    assert body["status"] == "ready" and body["problems"] == []
    assert body["migration"] == body["expected_migration"] == expected_migration()
    assert body["municipalities"] == 17 and body["postgis"].startswith("3.")
    assert body["postgres"].startswith("15") and body["version"]
    assert body["databases"][0]["url"] == dsn and body["databases"][0]["role"] == "primary"


async def test_ready_details_stay_with_admins(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]]
) -> None:
    for role in ("partner", "reviewer"):
        response = await client.get("/health/ready", headers=auth(roles[role]))
        assert response.json() == {"status": "ready"}, role


async def test_health_no_longer_names_database_hosts_to_anonymous_callers(
    client: httpx.AsyncClient, roles: dict[str, dict[str, str]], dsn: str
) -> None:
    anonymous = (await client.get("/health")).json()
    assert anonymous["status"] == "ok"
    assert anonymous["databases"] == [
        {"use": "primary", "role": "primary", "state": "ok", "lag_s": 0.0}
    ]
    assert "127.0.0.1" not in str(anonymous) and "postgres" not in str(anonymous)
    admin = (await client.get("/health", headers=auth(roles["admin"]))).json()
    assert admin["databases"][0]["url"] == dsn


async def test_a_wrong_key_on_ready_is_refused(client: httpx.AsyncClient) -> None:
    for key in ("", " ", "nope", "٣" * 40, "x" * 5000):
        response = await client.get("/health/ready", headers={"X-API-Key": key.encode()})
        # An empty key is no key; any other unknown key is refused, never a 500.
        assert response.status_code in (200, 401), (key, response.text)
        if response.status_code == 401:
            assert response.headers["content-type"] == "application/problem+json"


async def test_ready_is_503_without_boundaries_or_behind_on_migrations(dsn: str) -> None:
    url = await create_database(get_settings(), "klimawerk_test_not_ready", replace=True)
    await asyncio.to_thread(loading.migrate, url)  # alembic runs a loop of its own
    app = create_app(Settings(database_url=url))
    app.state.pool = await create_pool(Settings(database_url=url))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            no_boundaries = await http.get("/health/ready")
            await app.state.pool.execute("UPDATE alembic_version SET version_num = '0001'")
            await loading.load_boundaries(url)
            behind = await http.get("/health/ready")
            live = await http.get("/health/live")
    finally:
        await app.state.pool.close()
    assert no_boundaries.status_code == 503
    assert no_boundaries.headers["content-type"] == "application/problem+json"
    assert "boundaries" in no_boundaries.json()["detail"]
    assert behind.status_code == 503 and "klimawerk db migrate" in behind.json()["detail"]
    assert url.split("@")[-1] not in behind.text  # no host, port or database name
    assert live.status_code == 200
