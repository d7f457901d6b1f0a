"""Overload with a real server: stalled exports and a burst of heavy requests.

The service must keep answering ordinary requests within a second, shed the rest at
once with 429/503, hold no database connection for a client that does not read, and
let nothing queue for minutes (`bench/overload.py` runs the same drill by hand).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from app.services import loading
from bench import overload
from tests.conftest import recreate_database
from tests.servers import served

DATABASE = "klimawerk_test_overload"
# Enough that an export is larger than the kernel's socket buffers (4 MB): a client
# that does not read really stalls the server's writing.
MEASURES = 20_000


@pytest.fixture(scope="module")
def server(dsn: str) -> Iterator[str]:
    """A server with the default limits, as deployed, on 20,000 measures."""
    url = asyncio.run(recreate_database(DATABASE))
    loading.migrate(url)
    asyncio.run(loading.load_boundaries(url))
    asyncio.run(loading.load_demo(url, MEASURES, 1))
    with served(url) as (base, _):
        yield base


async def test_a_normal_request_answers_within_a_second_under_overload(server: str) -> None:
    drill = await overload.run(server, probe_timeout=3.0, burst_timeout=30.0)
    summary = drill.summary()
    for status, seconds in drill.probes:
        assert status in (200, 429, 503), summary
        assert seconds < 1.0, summary
    assert any(status == 200 for status, _ in drill.probes), summary
    # Every heavy request got an answer: served, or shed at once, never a 500.
    assert set(drill.burst) <= {200, 429, 503}, summary
    assert drill.burst_slowest_s < 30, summary
    # With the downloads still open, the service serves ordinary requests again.
    assert httpx.get(f"{server}{overload.NORMAL}", timeout=3).status_code == 200


async def test_stalled_downloads_hold_no_database_connection(server: str) -> None:
    # One connection would already be too many for twelve clients that never read: the
    # exports are prepared, the connections go back, only the files wait.
    sockets = [overload.open_stalled(server, "/collections/measures/items?f=csv")]
    try:
        for _ in range(12):
            response = httpx.get(f"{server}/collections/measures/items?f=csv", timeout=10)
            assert response.status_code in (200, 503)
            sockets.append(overload.open_stalled(server, "/collections/measures/items?f=gpkg"))
        answer = httpx.get(f"{server}{overload.NORMAL}", timeout=3)
        assert answer.status_code == 200
    finally:
        for sock in sockets:
            sock.close()
