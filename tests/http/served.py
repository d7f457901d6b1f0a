"""`klimawerk serve` in a subprocess: the way `make run` and the Docker image serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.servers import free_port


@contextmanager
def klimawerk_serve(dsn: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """Base URL and process id of `klimawerk serve` on `dsn`, at the default settings."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "klimawerk"), "serve", "--port", str(port)]
    process = subprocess.Popen(
        command,
        env={**os.environ, "DATABASE_URL": dsn, "BASEMAP_URL": "", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("klimawerk serve did not start")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)
