"""Fixtures: one real PostGIS test database per session (per xdist worker), copied from a
migrated template database with the boundaries loaded; see `tests/parallel.py`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings, get_settings
from app.db.cluster import embedded_cluster
from app.db.databases import create_database
from app.db.session import create_pool
from app.main import create_app
from app.services import loading
from tests import parallel
from tests.servers import served

TEST_DATABASE = "klimawerk_test"


def pytest_configure(config: pytest.Config) -> None:
    """Register the `slow` mark; choose the fuzz seed once, so every xdist worker gets it."""
    config.addinivalue_line(
        "markers", "slow: a self-contained slow group, left out of `make test-fast`"
    )
    os.environ.setdefault("FUZZ_SEED", str(parallel.new_seed()))


def pytest_report_header(config: pytest.Config) -> str:
    """The fuzz seed at the start of the run: FUZZ_SEED=<it> repeats the run's examples."""
    return f"fuzz seed: FUZZ_SEED={os.environ['FUZZ_SEED']}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow groups (`make test-fast` leaves them out)."""
    parallel.group_items(items)


async def recreate_database(name: str) -> str:
    """Drop and create database `name` with PostGIS (one per xdist worker); returns its URL."""
    return await create_database(get_settings(), parallel.worker_name(name), replace=True)


@pytest.fixture(scope="session")
def dsn() -> str:
    """A fresh, migrated test database with the 17 municipalities loaded."""
    settings = get_settings()
    if settings.uses_embedded_cluster:
        embedded_cluster(settings).start()
    return asyncio.run(parallel.database_from_template(settings, TEST_DATABASE))


@pytest.fixture(scope="session")
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """The app's own pool type, on the test database."""
    pool = await create_pool(Settings(database_url=dsn))
    yield pool
    await pool.close()


@pytest.fixture
async def conn(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection whose work is rolled back after the test."""
    async with pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        try:
            yield connection
        finally:
            await transaction.rollback()


@pytest.fixture
async def clean(pool: asyncpg.Pool) -> AsyncIterator[None]:
    """Empty measures and history before a test that writes committed rows."""
    await pool.execute("TRUNCATE measures, measure_history")
    yield
    await pool.execute("TRUNCATE measures, measure_history")


@pytest.fixture(scope="session")
def app(dsn: str) -> FastAPI:
    """The app at its default settings (budgets included), served in-process."""
    return create_app(Settings(database_url=dsn))


@pytest.fixture(scope="session")
async def client(app: FastAPI, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (the pool is the session's)."""
    app.state.pool = pool
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(autouse=True)
def each_test_is_another_visitor(request: pytest.FixtureRequest) -> None:
    """The in-process client is one address for the whole session; each test is another
    visitor, whose budgets start full. Within a test the default budgets hold (a test of
    a dozen exports in a row meets them as a user would)."""
    if "client" in request.fixturenames:
        buckets = getattr(request.getfixturevalue("app").state, "buckets", None)
        if buckets is not None:
            buckets.arrival.clear()


DEMO_COUNT, DEMO_SEED = 3000, 11


@pytest.fixture
async def demo(dsn: str, pool: asyncpg.Pool) -> None:
    """3,000 committed demo measures (seed 11); loaded once, reloaded if a test replaced them."""
    await pool.execute("DELETE FROM measures WHERE source IS DISTINCT FROM 'demo'")
    await loading.load_demo(dsn, DEMO_COUNT, DEMO_SEED)


@pytest.fixture
def use_test_database(dsn: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the CLI (which reads DATABASE_URL) at the test database."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def live_server(dsn: str) -> Iterator[str]:
    """Base URL of the registry served by uvicorn, as a client would reach it."""
    # Default limits: browsers and OGC clients of the suite share one address.
    with served(dsn) as (base, _):
        yield base
