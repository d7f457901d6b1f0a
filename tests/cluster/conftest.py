"""A real primary with a streaming replica (pg_basebackup -R), the API in front of both,
and nginx with its tile cache: the topology of `make run-cluster`, on ports of its own."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.config import EMBEDDED_DATABASE, Settings, get_settings
from app.db.cluster import Cluster
from app.main import create_app
from app.services import loading, proxy
from tests.factories import create_key

# Primary ports to try (its replica takes the next one): these ports lie in the kernel's
# ephemeral range, so a client connection may hold one for a moment.
PRIMARY_PORTS = (54382, 54384, 54386, 54388)
API_PORT, PROXY_PORT = 8165, 8164
MAX_AGE_S = 2


def klimawerk(primary: Cluster, *args: str, check: bool = True) -> str:
    """Run the `klimawerk` command on the test cluster (as `make run-cluster` does)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env.update(DATA_DIR=str(primary.data_dir), EMBEDDED_PORT=str(primary.port))
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 or not check, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    """A fresh primary (migrated, boundaries, 1,000 demo measures) and its replica, made
    and stopped with `klimawerk db start|stop [--replica]`."""
    root = get_settings().data_dir / "test-replication"
    primary = Cluster(root, next(p for p in PRIMARY_PORTS if _bindable(p) and _bindable(p + 1)))
    replica = primary.replica()
    for cluster in (replica, primary):
        cluster.stop()
    shutil.rmtree(root, ignore_errors=True)
    klimawerk(primary, "db", "start")
    loading.migrate(primary.url)
    asyncio.run(loading.load_boundaries(primary.url))
    asyncio.run(loading.load_demo(primary.url, 1000, 3, workers=1))
    assert "started replica" in klimawerk(primary, "db", "start", "--replica")
    try:
        yield primary, replica
    finally:
        klimawerk(primary, "db", "stop")
        assert not replica.is_running() and not primary.is_running()
        shutil.rmtree(root, ignore_errors=True)


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cluster_settings(primary: Cluster, replica: Cluster) -> Settings:
    """The API's settings: the failover URL as primary, the replica for reads."""
    return Settings(
        database_url=primary.failover_url,
        database_replica_urls=replica.url,
        replica_max_lag_s=5,
        http_max_age_s=MAX_AGE_S,
    )


@pytest.fixture(scope="module")
async def app(clusters: tuple[Cluster, Cluster]) -> AsyncIterator[FastAPI]:
    """The API in-process, started as uvicorn starts it (pools, replica watcher)."""
    application = create_app(cluster_settings(*clusters))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the in-process API."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="module")
async def partner(clusters: tuple[Cluster, Cluster]) -> dict[str, str]:
    """Authorization header of a partner key (stored on the primary)."""
    pool = await asyncpg.create_pool(clusters[0].url, min_size=1, max_size=1)
    try:
        _, secret = await create_key(pool, "Vivawest", "partner")
    finally:
        await pool.close()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def proxied(clusters: tuple[Cluster, Cluster]) -> Iterator[str]:
    """Base URL of nginx (tile cache) in front of a uvicorn API on the cluster."""
    primary, replica = clusters
    env = {
        **os.environ,
        "DATABASE_URL": primary.failover_url,
        "DATABASE_REPLICA_URLS": replica.url,
        "HTTP_MAX_AGE_S": str(MAX_AGE_S),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "serve", "--port", str(API_PORT)], env=env
    )
    run_dir = primary.data_dir / "nginx"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{API_PORT}/health", timeout=1).is_success:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        proxy.start(run_dir, f"127.0.0.1:{PROXY_PORT}", [f"127.0.0.1:{API_PORT}"])
        yield f"http://127.0.0.1:{PROXY_PORT}"
    finally:
        proxy.stop(run_dir)
        server.terminate()
        server.wait(timeout=10)


async def commits(url: str, app: FastAPI) -> int:
    """Transactions committed in the cluster's database, as the server counts them.

    Backends report their counts when they end; the API's backends are ended first and
    its pools told to replace their connections, then the count is read once settled.
    """
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        databases = app.state.databases
        for pool in (databases.primary, *(r.pool for r in databases.replicas)):
            await pool.expire_connections()
        last = -1
        for _ in range(50):
            await asyncio.sleep(0.2)
            await conn.execute("SELECT pg_stat_clear_snapshot()")
            count = await conn.fetchval(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = $1", EMBEDDED_DATABASE
            )
            if count == last:
                return int(count)
            last = count
        return int(last)
    finally:
        await conn.close()
