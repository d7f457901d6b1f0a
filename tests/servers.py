"""The registry served by uvicorn in a subprocess, as a client would reach it.

The one way tests start a live server: `live_server` in `tests/conftest.py` and the
tests that need a server of their own (other settings, a process to watch) use it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(
    dsn: str, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A uvicorn serving the app on `dsn`: its base URL and process.

    `args` go to uvicorn, `env` on top of ours (settings such as `HEAVY_BUDGET_BURST`).
    """
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            *args,
        ],
        # No base map: tests never reach another host, and the map must work without one.
        env={**os.environ, "DATABASE_URL": dsn, "BASEMAP_URL": "", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            process.kill()
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"the server did not start:\n{output}")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
