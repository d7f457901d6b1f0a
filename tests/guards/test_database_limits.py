"""Statement timeout and pool-acquire timeout: a busy database answers 503 at once."""

from __future__ import annotations

import time

import httpx
import pytest

from app.config import Settings
from app.db.session import connection, create_pool, set_statement_timeout
from app.errors import Unavailable
from app.main import create_app


async def test_a_statement_past_the_timeout_is_cancelled_as_503(dsn: str) -> None:
    pool = await create_pool(Settings(database_url=dsn, statement_timeout_s=0.1))
    try:
        with pytest.raises(Unavailable):
            async with connection(pool) as conn:
                await conn.execute("SELECT pg_sleep(2)")
        # An export raises its own timeout for its transaction only.
        async with connection(pool) as conn, conn.transaction():
            await set_statement_timeout(conn, 5)
            await conn.execute("SELECT pg_sleep(0.3)")
        async with connection(pool) as conn:
            assert await conn.fetchval("SHOW statement_timeout") == "100ms"
    finally:
        await pool.close()


async def test_no_free_connection_answers_503_with_retry_after(dsn: str) -> None:
    settings = Settings(
        database_url=dsn, pool_min_size=1, pool_max_size=1, pool_acquire_timeout_s=0.2
    )
    app = create_app(settings)
    app.state.pool = await create_pool(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
            app.state.pool.acquire(),  # someone holds the only connection
        ):
            started = time.monotonic()
            response = await http.get("/collections/measures/items?limit=1")
            assert time.monotonic() - started < 2
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert "busy" in response.json()["detail"]
    finally:
        await app.state.pool.close()
