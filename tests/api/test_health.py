"""`/health`: 200 when fit for traffic, a parseable 503 that says why when not."""

from __future__ import annotations

import asyncio

import httpx

from app.config import Settings, get_settings
from app.db.databases import create_database
from app.db.session import create_pool
from app.main import create_app
from app.services import loading


async def test_health_is_degraded_without_boundaries(dsn: str) -> None:
    url = await create_database(get_settings(), "klimawerk_test_no_boundaries", replace=True)
    await asyncio.to_thread(loading.migrate, url)  # alembic runs a loop of its own
    app = create_app(Settings(database_url=url))
    app.state.pool = await create_pool(Settings(database_url=url))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/health")
    finally:
        await app.state.pool.close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["municipalities"] == 0
    assert "boundaries" in body["problems"][0]
