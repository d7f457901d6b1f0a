"""Stalled downloads against `klimawerk serve` at its defaults: the prepared export
files they hold stay under EXPORT_DISK_MB, and none is left after the stall timeout."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from app.config import Settings
from app.services import loading
from tests.conftest import recreate_database
from tests.servers import klimawerk_serve

pytestmark = pytest.mark.slow

DATABASE = "klimawerk_test_export_disk"
# About 20 MB of GeoJSON, far more than the kernel's socket buffers: a download that is
# not read keeps its file; 60 of them are more than the default cap.
MEASURES = 20_000
DOWNLOADS = 60
DEFAULTS = Settings()
CAP_BYTES = DEFAULTS.export_disk_mb * 1024 * 1024


@pytest.fixture(scope="module")
def server(dsn: str) -> Iterator[tuple[str, int]]:
    url = asyncio.run(recreate_database(DATABASE))
    loading.migrate(url)
    asyncio.run(loading.load_boundaries(url))
    asyncio.run(loading.load_demo(url, MEASURES, 1))
    with klimawerk_serve(url) as served:
        yield served


def export_bytes_held(pid: int) -> int:
    """Bytes of the export files the server process holds open (removed from their
    folder at once, so only /proc shows them)."""
    held = 0
    folder = f"/proc/{pid}/fd"
    for fd in os.listdir(folder):
        try:
            if "klimawerk-export-" in os.readlink(f"{folder}/{fd}"):
                held += os.stat(f"{folder}/{fd}").st_size
        except FileNotFoundError:  # closed meanwhile
            continue
    return held


def stalled_download(base: str) -> tuple[socket.socket, int]:
    """Ask for the GeoJSON file, read its status line, then read nothing more."""
    address = urlsplit(base)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(120)
    sock.connect((address.hostname, address.port))
    sock.sendall(b"GET /collections/measures/items?f=geojson-file HTTP/1.1\r\nHost: x\r\n\r\n")
    status = int(sock.recv(12).split()[1])
    return sock, status


def test_stalled_downloads_hold_no_more_than_the_cap_and_nothing_after(
    server: tuple[str, int],
) -> None:
    base, pid = server
    # Two at a time, as many as a worker's export slots (EXPORT_CONCURRENCY).
    with ThreadPoolExecutor(max_workers=DEFAULTS.export_concurrency) as pool:
        downloads = list(pool.map(lambda _: stalled_download(base), range(DOWNLOADS)))
    statuses = [status for _, status in downloads]
    try:
        assert set(statuses) <= {200, 503}, statuses
        assert 200 in statuses and 503 in statuses, statuses  # the cap was reached
        held = export_bytes_held(pid)
        assert 0 < held <= CAP_BYTES, held
        # Stalled for the stall timeout: every file is closed and its space freed.
        deadline = time.monotonic() + DEFAULTS.client_stall_timeout_s + 10
        while export_bytes_held(pid) and time.monotonic() < deadline:
            time.sleep(1)
        assert export_bytes_held(pid) == 0
        # The export slots are free again: a download that reads gets its file.
        sock, status = stalled_download(base)
        sock.close()
        assert status == 200
    finally:
        for sock, _ in downloads:
            sock.close()
