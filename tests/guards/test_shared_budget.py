"""Budgets shared by processes through the database: what one spends, the others see."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx

from app.config import Settings
from app.guards.budget import Rate
from app.guards.shared_budget import SharedBuckets
from app.main import create_app

RATES = {"cheap": Rate(per_second=1, burst=10)}


async def test_two_processes_draw_on_one_budget(pool: asyncpg.Pool) -> None:
    first, second = SharedBuckets(RATES), SharedBuckets(RATES)
    caller = f"addr:test-{uuid.uuid4()}"
    for _ in range(6):
        first.spend(caller, "cheap", 1)
    await first.sync(pool)
    # The second process has not spent anything itself, yet knows after its next sync.
    second.spend(caller, "cheap", 1)
    await second.sync(pool)
    assert second.wait(caller, "cheap", 3) is None
    assert second.wait(caller, "cheap", 4) is not None
    # Both sides together: the first learns of the second's unit.
    first.spend(caller, "cheap", 3)
    await first.sync(pool)
    assert first.wait(caller, "cheap", 1) is not None


async def test_refunds_are_shared_and_full_budgets_forgotten(pool: asyncpg.Pool) -> None:
    buckets = SharedBuckets(RATES)
    caller = f"addr:test-{uuid.uuid4()}"
    buckets.spend(caller, "cheap", 8)
    await buckets.sync(pool)
    buckets.refund(caller, "cheap", 8)  # a 304
    await buckets.sync(pool)
    other = SharedBuckets(RATES)
    other.spend(caller, "cheap", 1)
    await other.sync(pool)
    assert other.wait(caller, "cheap", 9) is None
    await pool.execute("UPDATE request_budgets SET spent_until = 0 WHERE identity = $1", caller)
    await buckets.sync(pool, forget=True)
    assert (
        await pool.fetchval("SELECT count(*) FROM request_budgets WHERE identity = $1", caller) == 0
    )


async def test_two_apps_on_one_database_share_an_address_budget(dsn: str) -> None:
    """Two app instances (as two workers or two containers) with a burst of 4 in all."""
    settings = Settings(
        database_url=dsn,
        cheap_budget_per_s=1 / 600,
        cheap_budget_burst=4,
        budget_sync_s=0.05,
        worker_processes=1,
        keyed_export_reserve=0,
    )
    apps = [create_app(settings), create_app(settings)]
    async with apps[0].router.lifespan_context(apps[0]), apps[1].router.lifespan_context(apps[1]):
        clients = [
            httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://testserver")
            for a in apps
        ]
        statuses = []
        for i in range(8):
            statuses.append((await clients[i % 2].get("/conformance")).status_code)
            await asyncio.sleep(0.15)  # longer than a sync: each sees the other's spending
        for client in clients:
            await client.aclose()
    assert statuses.count(200) == 4, statuses
    assert statuses[4:] == [429] * 4, statuses


async def test_processes_with_other_rates_keep_their_own_rows(pool: asyncpg.Pool) -> None:
    # A test server with a tiny budget must not make the default server's caller wait.
    tiny = SharedBuckets({"cheap": Rate(per_second=1 / 600, burst=1)})
    default = SharedBuckets({"cheap": Rate(per_second=200, burst=4000)})
    caller = f"addr:test-{uuid.uuid4()}"
    tiny.spend(caller, "cheap", 5)
    await tiny.sync(pool)
    default.spend(caller, "cheap", 1)
    await default.sync(pool)
    assert default.wait(caller, "cheap") is None
