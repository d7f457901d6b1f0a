"""Slow clients against `klimawerk serve` at its default timeouts: headers that
dribble, bodies that stop, are dropped, and a normal request is still answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from app.config import Settings
from tests.servers import klimawerk_serve

pytestmark = pytest.mark.slow

DEFAULTS = Settings()
SLOW_CONNECTIONS = 300


@pytest.fixture(scope="module")
def server(dsn: str) -> Iterator[str]:
    with klimawerk_serve(dsn) as (base, _):
        yield base


async def _dropped(reader: asyncio.StreamReader) -> bool:
    """True when the server closed the connection (after a 408 or without a word)."""
    try:
        async with asyncio.timeout(0.5):
            data = await reader.read()
    except TimeoutError:
        return False
    except ConnectionError:
        return True
    return data in (b"",) or data.startswith(b"HTTP/1.1 408")


async def test_300_dribbling_headers_neither_block_a_request_nor_stay(server: str) -> None:
    address = urlsplit(server)
    connections = [
        await asyncio.open_connection(address.hostname, address.port)
        for _ in range(SLOW_CONNECTIONS)
    ]
    started = time.monotonic()
    for _, writer in connections:
        writer.write(b"GET /collections HTTP/1.1\r\nHost: x\r\n")

    async def dribble() -> None:
        while True:  # a header byte a second, never the blank line that ends them
            await asyncio.sleep(1)
            for _, writer in connections:
                if not writer.is_closing():
                    writer.write(b"X")

    dribbling = asyncio.create_task(dribble())
    try:
        async with httpx.AsyncClient(base_url=server) as client:
            for _ in range(5):
                asked = time.monotonic()
                response = await client.get("/collections/measures/items?limit=1")
                assert response.status_code == 200
                assert time.monotonic() - asked < 1.0
                await asyncio.sleep(0.5)
        # Past the header timeout, every dribbling connection has been dropped.
        await asyncio.sleep(max(0.0, started + DEFAULTS.header_timeout_s + 2 - time.monotonic()))
        dropped = [await _dropped(reader) for reader, _ in connections]
        assert all(dropped), f"{dropped.count(False)} of {SLOW_CONNECTIONS} still open"
    finally:
        dribbling.cancel()
        for _, writer in connections:
            writer.close()


async def test_a_body_that_stops_arriving_is_dropped(server: str) -> None:
    address = urlsplit(server)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(
        b"POST /impact HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"type": "Feature"'
    )
    try:
        async with asyncio.timeout(DEFAULTS.body_timeout_s + 5):
            data = await reader.read()
        # Dropped (the app may have answered the cut body with a problem first).
        assert data == b"" or b"HTTP/1.1" in data
        assert reader.at_eof()
    finally:
        writer.close()
